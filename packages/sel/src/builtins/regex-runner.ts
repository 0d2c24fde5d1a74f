import { join } from 'node:path';
import { MessageChannel, type MessagePort, Worker, receiveMessageOnPort } from 'node:worker_threads';
import type { EvalContext } from '../context';
import { SelError, type SelErrorCode } from '../errors';
import { type RegexJob, runRegexJob } from './regex';

/**
 * Where script regexes run, and how long they may block.
 *
 * V8's linear-time engine rules out catastrophic backtracking, but its cost is still
 * (subject length) x (pattern size), and one call is a single native call that no step counter
 * can interrupt: `.*.*.*.*.*.*b` over 1 MiB takes seconds. So a regex whose work estimate is
 * small runs right here (the common case: ids, dates, short params), and a larger one runs on
 * a helper thread while this thread waits for it at most until the evaluation's deadline. When
 * the deadline passes first, the helper is terminated (V8 interrupts the regex within tens of
 * milliseconds) and the evaluation fails with LIMIT_TIME. The waiting thread blocks, but never
 * past the expression's own time limit, which is what the scheduler's event loop relies on.
 */

/** Subject characters x pattern characters run inline; measured worst case ~1.5 per microsecond. */
export const INLINE_REGEX_WORK = 20_000;

interface Helper {
  worker: Worker;
  port: MessagePort;
  state: Int32Array;
}

let helper: Helper | null = null;

function start(): Helper {
  const state = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(join(__dirname, 'regex-worker.js'), {
    workerData: { state, port: port2 },
    transferList: [port2],
  });
  // The helper must never keep a process alive nor crash it: a failed helper is replaced.
  worker.unref();
  worker.on('error', () => stop(worker));
  worker.on('exit', () => stop(worker));
  return { worker, port: port1, state };
}

function stop(worker: Worker): void {
  if (helper?.worker !== worker) return;
  helper.port.close();
  helper = null;
  void worker.terminate().catch(() => undefined);
}

type Reply = { ok: boolean | string | string[] } | { err: { code: SelErrorCode; message: string } };

/** The regex work a job implies: what the linear engine's running time is proportional to. */
export function regexWork(job: RegexJob): number {
  if (job.op === 'split' && isLiteralSplit(job.pattern)) return job.subject.length >> 6;
  return job.subject.length * Math.max(1, job.pattern.length + (job.op === 'replace' ? job.repl.length : 0));
}

function isLiteralSplit(p: string): boolean {
  return (
    (p.length === 1 && !/[\\^$.|?*+()[\]{}]/.test(p)) ||
    (p.length === 2 && p[0] === '\\' && !/[0-9a-zA-Z]/.test(p[1]))
  );
}

export function runRegex(ctx: EvalContext, job: RegexJob): boolean | string | string[] {
  const work = regexWork(job);
  ctx.charge(job.subject.length);
  if (work <= INLINE_REGEX_WORK) return runRegexJob(job);
  const wait = ctx.remainingMs();
  if (wait <= 0) throw timeUp(ctx);
  if (!helper) helper = start();
  const h = helper;
  Atomics.store(h.state, 0, 0);
  h.port.postMessage(job);
  const r = Atomics.wait(h.state, 0, 0, wait);
  const msg = r === 'timed-out' ? undefined : receiveMessageOnPort(h.port);
  if (!msg) {
    // Too slow (or the helper died): abandon it, so a late answer can never be read as the
    // answer to a later job.
    stop(h.worker);
    throw timeUp(ctx);
  }
  const reply = msg.message as Reply;
  if ('err' in reply) throw new SelError(reply.err.code, reply.err.message);
  ctx.checkTime();
  return reply.ok;
}

function timeUp(ctx: EvalContext): SelError {
  return new SelError(
    'LIMIT_TIME',
    `evaluation exceeded ${ctx.limits.timeoutMs} ms (in a regular expression)`,
  );
}
