import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { MongoClient } from 'mongodb';
import { BatonClientError, connect } from '@baton/sdk';
import { waitFor } from '@baton/testing';
import { push } from '../scheduler/support';
import { useStack } from '../support/stack';
import { instancesOf } from './support';

// Fast sweeps: after a Redis loss the sweeper is what finds the work again.
const env = useStack({
  services: ['definition', 'scheduler', 'signal'],
  env: {
    SIGNAL_TRIGGER_SYNC_MS: '300',
    SIGNAL_SWEEP_MS: '500',
    SCHEDULER_SWEEP_MS: '500',
    LOG_LEVEL: 'error',
  },
});
/** Runs may overlap: these tests are about the signal service, not the run strategy's queue. */
const PARALLEL = { run_strategy: { rule: 'PARALLEL', workflow_concurrency: 200 } };
const long = (v: number) => ({ kind: { $case: 'longValue' as const, value: String(v) } });

/** Publishes with retries on UNAVAILABLE (the service is being killed), same request id each time. */
async function publishRetrying(name: string, i: number): Promise<number> {
  for (;;) {
    try {
      const r = await env.clients.signal.publishSignal(
        { name, params: { i: long(i) }, requestId: `${name}-${i}` },
        { timeoutMs: 5000 },
      );
      return Number(r.seq);
    } catch (err) {
      // A connection cut by the kill surfaces as UNAVAILABLE, or as INTERNAL "RST_STREAM" mid-call.
      const transport =
        err instanceof BatonClientError &&
        (['UNAVAILABLE', 'DEADLINE_EXCEEDED', 'CANCELLED'].includes(err.code) ||
          (err.code === 'INTERNAL' && /RST_STREAM|Session closed/.test(err.message)));
      if (!transport) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** Every run of a signal-triggered workflow, by the signal seq that started it; fails on a duplicate. */
async function runsBySignal(workflowId: string): Promise<Map<string, number>> {
  const seen = new Map<string, number>();
  let token = '';
  do {
    // Small pages with a long deadline: a page of runs is heavy to read while 1,000 runs start.
    const page = await env.clients.scheduler.listInstances(
      { workflowId, pageSize: 100, pageToken: token },
      { timeoutMs: 60_000 },
    );
    for (const inst of page.instances) {
      const key = inst.initiator!.signals.map((s) => `${s.name}#${s.seq}`).join('+');
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
    token = page.nextPageToken;
  } while (token);
  return seen;
}

/** What the store holds for a name: instances, distinct request keys, repeated keys, indexes. */
async function storedSignals(name: string): Promise<string> {
  const mongo = new MongoClient(env.stack.mongoUrl);
  try {
    const col = mongo.db().collection<{ seq: number; request_key: string }>('signals');
    const docs = await col.find({ name }, { projection: { seq: 1, request_key: 1 } }).toArray();
    const byKey = new Map<string, number[]>();
    for (const d of docs) byKey.set(d.request_key, [...(byKey.get(d.request_key) ?? []), d.seq]);
    const twice = [...byKey].filter(([, v]) => v.length > 1);
    return JSON.stringify({
      instances: docs.length,
      maxSeq: Math.max(0, ...docs.map((d) => d.seq)),
      requestKeys: byKey.size,
      repeated: twice.slice(0, 5),
      indexes: (await col.indexes()).map((i) => ({ key: i.key, unique: i.unique ?? false })),
    });
  } finally {
    await mongo.close();
  }
}

async function expectExactlyOnce(workflowId: string, name: string, n: number): Promise<void> {
  let seen = new Map<string, number>();
  await waitFor(
    async () => {
      seen = await runsBySignal(workflowId);
      return seen.size >= n;
    },
    { timeoutMs: 240_000, intervalMs: 500, what: `${n} runs of ${workflowId} (have ${seen.size})` },
  );
  const dups = [...seen].filter(([, c]) => c > 1);
  assert.deepEqual(dups, [], 'no signal started two runs');
  for (let s = 1; s <= n; s++) assert.ok(seen.has(`${name}#${s}`), `${name}#${s} started a run`);
  assert.equal(seen.size, n);
}

describe('signal service under crashes, replicas and a lost Redis', () => {
  test('kill -9 of the signal service during a burst of 1,000 publishes and their pending fires: nothing lost, nothing twice', async () => {
    await push(env.clients, {
      id: 'chaos.sig',
      signal_triggers: [{ definitions: { 'chaos/s': {} } }],
      steps: [{ step: { id: 'a', type: 'NoOp' } }],
    });
    await new Promise((r) => setTimeout(r, 700)); // one trigger sync
    const svc = env.stack.services.signal!;
    const n = 1000;
    let killed = 0;
    const killer = (async () => {
      for (let k = 0; k < 3; k++) {
        await new Promise((r) => setTimeout(r, 400 + k * 300));
        svc.kill9();
        await svc.exited();
        killed++;
        await svc.start();
      }
    })();
    const seqs = await Promise.all(Array.from({ length: n }, (_, i) => publishRetrying('chaos/s', i)));
    await killer;
    assert.equal(killed, 3);
    const sorted = [...seqs].sort((a, b) => a - b);
    if (sorted.some((s, i) => s !== i + 1)) {
      // This has failed now and then on loaded machines and never alone: say what was stored.
      assert.fail(`publishes got seqs beyond 1..${n}: ${await storedSignals('chaos/s')}`);
    }
    // Kill once more while the fires are still being started.
    svc.kill9();
    await svc.exited();
    await svc.start();
    await expectExactlyOnce('chaos.sig', 'chaos/s', n);
  });

  test('two signal replicas and a FLUSHALL of Redis: every signal fires once', async () => {
    await push(env.clients, {
      id: 'chaos.two',
      signal_triggers: [{ definitions: { 'chaos/t': {} } }],
      steps: [{ step: { id: 'a', type: 'NoOp' } }],
    });
    const replica = await env.stack.addReplica('signal');
    const second = connect({ addresses: { signal: replica.addr } });
    try {
      await new Promise((r) => setTimeout(r, 700));
      const n = 300;
      const clients = [env.clients.signal, second.signal];
      const pubs: Promise<unknown>[] = [];
      for (let i = 0; i < n; i++) {
        pubs.push(
          clients[i % 2]!.publishSignal({ name: 'chaos/t', params: { i: long(i) }, requestId: `t${i}` }),
        );
        if (i === 150) pubs.push(env.stack.redis!.flushAll());
      }
      await Promise.all(pubs);
      await env.stack.redis!.flushAll();
      await expectExactlyOnce('chaos.two', 'chaos/t', n);
    } finally {
      second.close();
      await replica.stop();
    }
  });

  test('time triggers with two replicas, a kill -9 and a FLUSHALL: each fire time runs once, none skipped', async () => {
    const replica = await env.stack.addReplica('signal');
    try {
      const wfs = Array.from({ length: 20 }, (_, i) => `chaos.cron${i}`);
      for (const id of wfs) {
        await push(
          env.clients,
          {
            id,
            time_triggers: [{ type: 'CRON', cron: '* * * * * ?' }],
            steps: [{ step: { id: 'a', type: 'NoOp' } }],
          },
          { time_trigger_catch_up: 'ALL' },
        );
      }
      await new Promise((r) => setTimeout(r, 2500));
      env.stack.services.signal!.kill9();
      await env.stack.services.signal!.exited();
      await env.stack.redis!.flushAll();
      await new Promise((r) => setTimeout(r, 1500));
      await env.stack.services.signal!.start();
      await new Promise((r) => setTimeout(r, 2000));
      for (const id of wfs) await env.clients.definition.deactivateWorkflow({ workflowId: id });
      await new Promise((r) => setTimeout(r, 1500));
      for (const id of wfs) {
        const times = (await instancesOf(env.clients, id)).map((i) => i.initiator!.triggerTime!.getTime());
        assert.equal(new Set(times).size, times.length, `${id}: no fire time twice`);
        const sorted = times.sort((a, b) => a - b);
        assert.ok(sorted.length >= 5, `${id}: fired ${sorted.length} times`);
        for (let k = 1; k < sorted.length; k++)
          assert.equal(sorted[k]! - sorted[k - 1]!, 1000, `${id}: none skipped`);
      }
    } finally {
      await replica.stop();
    }
  });
});
