// A non-durable floor for the hot path (issue 11): the same shapes as a BullMQ flow on the same
// Redis, each job spawning `bash -c true` like a Shell step, processed by one worker with as many
// slots as step-runtime has by default. BullMQ keeps its state in Redis only (no database write,
// no decision log), so the gap between it and Baton is the price of durability plus our own cost.
import { spawn } from 'node:child_process';
import { FlowProducer, type Job, Queue, QueueEvents, Worker } from 'bullmq';
import { percentile } from './bench-kit';

function bashTrue(): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn('bash', ['-c', 'true'], { stdio: 'ignore' });
    p.on('error', reject);
    p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`bash exited ${code}`))));
  });
}

export interface BullmqFloors {
  chainMsPerStep: number;
  fanOutPerSec: number;
  oneStepPerSec: number;
  oneStepP99Ms: number;
}

/** Runs a chain of `chain` jobs, a fan-out of `fan`, and `runs` one-job flows by `clients` clients. */
export async function bullmqFloors(
  redisUrl: string,
  opts: { chain: number; fan: number; runs: number; clients: number; slots: number },
): Promise<BullmqFloors> {
  const url = new URL(redisUrl);
  // Options, not a client: BullMQ then opens and closes its own connections.
  const connection = () => ({ host: url.hostname, port: Number(url.port), maxRetriesPerRequest: null });
  const prefix = `bullmq-floor-${process.pid}`;
  const name = 'steps';
  const worker = new Worker(name, async (_job: Job) => bashTrue(), {
    connection: connection(),
    prefix,
    concurrency: opts.slots,
  });
  const flows = new FlowProducer({ connection: connection(), prefix });
  const queue = new Queue(name, { connection: connection(), prefix });
  const events = new QueueEvents(name, { connection: connection(), prefix });
  await Promise.all([worker.waitUntilReady(), events.waitUntilReady(), queue.waitUntilReady()]);
  /** Adds a flow and waits for its root job to complete. */
  const runFlow = async (tree: Parameters<FlowProducer['add']>[0]) => {
    const node = await flows.add(tree);
    await node.job.waitUntilFinished(events, 600_000);
  };
  try {
    // Chain: a flow's parent runs after its children, so a chain is a tree one child wide.
    type Node = Parameters<FlowProducer['add']>[0];
    let tree: Node = { name: 's0', queueName: name, data: {} };
    for (let i = 1; i < opts.chain; i++)
      tree = { name: `s${i}`, queueName: name, data: {}, children: [tree] };
    let t0 = performance.now();
    await runFlow(tree);
    const chainMsPerStep = (performance.now() - t0) / opts.chain;

    // Fan-out: one parent (itself a step) over `fan` children.
    t0 = performance.now();
    await runFlow({
      name: 'join',
      queueName: name,
      data: {},
      children: Array.from({ length: opts.fan - 1 }, (_, i) => ({
        name: `f${i}`,
        queueName: name,
        data: {},
      })),
    });
    const fanOutPerSec = opts.fan / ((performance.now() - t0) / 1000);

    // One-step flows, each client adding one and waiting for it, `runs` in all.
    const lat: number[] = [];
    let next = 0;
    t0 = performance.now();
    await Promise.all(
      Array.from({ length: opts.clients }, async () => {
        while (next++ < opts.runs) {
          const t = performance.now();
          await runFlow({ name: 'only', queueName: name, data: {} });
          lat.push(performance.now() - t);
        }
      }),
    );
    const oneStepPerSec = opts.runs / ((performance.now() - t0) / 1000);
    return { chainMsPerStep, fanOutPerSec, oneStepPerSec, oneStepP99Ms: percentile(lat, 99) };
  } finally {
    await worker.close();
    await Promise.all([flows.close(), events.close()]);
    await queue.obliterate({ force: true }).catch(() => {});
    await queue.close();
  }
}
