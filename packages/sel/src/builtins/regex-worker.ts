import { type MessagePort, workerData } from 'node:worker_threads';
import { SelError } from '../errors';
import { type RegexJob, runRegexJob } from './regex';

/**
 * The helper thread of regex-runner: runs one job at a time and wakes the waiting thread
 * through the shared state word after its reply is posted.
 */
const { state, port } = workerData as { state: Int32Array; port: MessagePort };

port.on('message', (job: RegexJob) => {
  let reply: unknown;
  try {
    reply = { ok: runRegexJob(job) };
  } catch (e) {
    reply =
      e instanceof SelError
        ? { err: { code: e.code, message: e.detail } }
        : { err: { code: 'RUNTIME', message: String(e instanceof Error ? e.message : e).slice(0, 500) } };
  }
  port.postMessage(reply);
  Atomics.store(state, 0, 1);
  Atomics.notify(state, 0);
});
