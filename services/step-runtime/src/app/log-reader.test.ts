import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import { BatonError } from '@baton/kit';
import { attemptKeyFor } from '../domain/attempt-key.js';
import type { LogChunk } from '../runner/index.js';
import { LogWriter } from '../store/log-writer.js';
import type { LogsStore } from '../store/logs-store.js';
import { MemoryLogsStore } from '../../test/memory-logs-store.js';
import { type LogAddress, type LogPiece, LogReader } from './log-reader.js';

async function writeLog(
  store: MemoryLogsStore,
  key: string,
  parts: string[],
  done = true,
): Promise<LogWriter> {
  const w = new LogWriter(store as unknown as LogsStore, key, { flushMs: 5, maxChunkBytes: 3 });
  await w.open();
  let offset = 0;
  for (const p of parts) {
    const c: LogChunk = { stream: 'stdout', data: Buffer.from(p), offset, time: 5 };
    offset += c.data.length;
    w.append(c);
  }
  if (done) await w.close(false);
  // Not done: wait until the timed flush has stored everything appended so far.
  while (((await store.getMeta(key))?.bytes ?? 0) < offset) await new Promise((r) => setTimeout(r, 5));
  return w;
}

async function read(reader: LogReader, a: Partial<LogAddress>, signal = new AbortController().signal) {
  const got: LogPiece[] = [];
  await reader.stream(
    { workflowId: 'wf', instanceId: 1, runId: 1, stepId: 's', attemptId: 1, follow: false, offset: 0, ...a },
    signal,
    async (p) => {
      got.push(p);
    },
  );
  return got.map((p) => p.data.toString()).join('');
}

test('LogReader: whole log, from an offset inside a chunk, past the end', async () => {
  const store = new MemoryLogsStore();
  await writeLog(store, attemptKeyFor('wf', 1, 1, 's', 1), ['hello ', 'world\n']);
  const reader = new LogReader(store as unknown as LogsStore);
  assert.equal(await read(reader, {}), 'hello world\n');
  assert.equal(await read(reader, { offset: 4 }), 'o world\n');
  assert.equal(await read(reader, { offset: 7 }), 'orld\n');
  assert.equal(await read(reader, { offset: 100 }), '');
});

test('LogReader: run 0 / attempt 0 resolve to the latest with logs; none → NOT_FOUND', async () => {
  const store = new MemoryLogsStore();
  await writeLog(store, attemptKeyFor('wf', 1, 1, 's', 1), ['r1a1']);
  await writeLog(store, attemptKeyFor('wf', 1, 2, 's', 1), ['r2a1']);
  await writeLog(store, attemptKeyFor('wf', 1, 2, 's', 2), ['r2a2']);
  const reader = new LogReader(store as unknown as LogsStore);
  assert.equal(await read(reader, { runId: 0, attemptId: 0 }), 'r2a2');
  assert.equal(await read(reader, { runId: 1, attemptId: 0 }), 'r1a1');
  assert.equal(await read(reader, { runId: 0, attemptId: 1 }), 'r2a1');
  await assert.rejects(
    read(reader, { stepId: 'other', runId: 0, attemptId: 0 }),
    (e: unknown) => e instanceof BatonError && e.code === 'NOT_FOUND',
  );
});

test('LogReader: follow delivers what is appended later and ends when done; abort ends it early', async () => {
  const store = new MemoryLogsStore();
  const key = attemptKeyFor('wf', 1, 1, 's', 1);
  const w = await writeLog(store, key, ['abc'], false);
  const reader = new LogReader(store as unknown as LogsStore);
  const following = read(reader, { follow: true });
  setTimeout(() => {
    w.append({ stream: 'stderr', data: Buffer.from('def'), offset: 3, time: 6 });
    void w.close(false);
  }, 300);
  assert.equal(await following, 'abcdef');

  const store2 = new MemoryLogsStore();
  await writeLog(store2, key, ['x'], false);
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 300);
  assert.equal(await read(new LogReader(store2 as unknown as LogsStore), { follow: true }, ac.signal), 'x');
});
