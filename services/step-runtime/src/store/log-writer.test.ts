import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import type { LogChunk } from '../runner/index.js';
import { LogWriter } from './log-writer.js';
import type { LogChunkDoc, LogsStore } from './logs-store.js';
import { MemoryLogsStore } from '../../test/memory-logs-store.js';

const KEY = 'wf:1:1:s:1';
let offset = 0;
function chunk(stream: 'stdout' | 'stderr', text: string): LogChunk {
  const data = Buffer.from(text);
  const c = { stream, data, offset, time: 1 };
  offset += data.length;
  return c;
}

function chunks(store: MemoryLogsStore): LogChunkDoc[] {
  return [...store.docs.values()]
    .filter((d): d is LogChunkDoc => 'stream' in d)
    .sort((a, b) => a.offset - b.offset);
}

test('LogWriter: merges pieces of one stream, numbers chunks gaplessly, meta counts them, done at close', async () => {
  offset = 0;
  const store = new MemoryLogsStore();
  const w = new LogWriter(store as unknown as LogsStore, KEY, { flushMs: 10_000 });
  await w.open();
  assert.deepEqual(
    { ...(await store.getMeta(KEY)), updated_at: undefined },
    { _id: `${KEY}:meta`, chunks: 0, bytes: 0, done: false, truncated: false, updated_at: undefined },
  );
  w.append(chunk('stdout', 'a'));
  w.append(chunk('stdout', 'b'));
  w.append(chunk('stderr', 'E'));
  w.append(chunk('stdout', 'c'));
  assert.equal(await w.close(false), true);
  const docs = chunks(store);
  assert.deepEqual(
    docs.map((d) => [d._id, d.stream, Buffer.from(d.data, 'base64').toString(), d.offset]),
    [
      [`${KEY}:0`, 'stdout', 'ab', 0],
      [`${KEY}:1`, 'stderr', 'E', 2],
      [`${KEY}:2`, 'stdout', 'c', 3],
    ],
  );
  const meta = await store.getMeta(KEY);
  assert.equal(meta?.chunks, 3);
  assert.equal(meta?.bytes, 4);
  assert.equal(meta?.done, true);
});

test('LogWriter: flushes at the byte threshold and splits long runs; a failed flush is retried in order', async () => {
  offset = 0;
  const store = new MemoryLogsStore();
  const errors: unknown[] = [];
  const w = new LogWriter(store as unknown as LogsStore, KEY, {
    flushMs: 10_000,
    flushBytes: 8,
    maxChunkBytes: 4,
    onError: (e) => errors.push(e),
  });
  store.failNext = 1;
  w.append(chunk('stdout', '0123456789'));
  w.append(chunk('stdout', 'ab'));
  assert.equal(await w.close(true, Date.now() + 5_000), true);
  assert.ok(errors.length >= 1, 'the failure was reported');
  const docs = chunks(store);
  assert.deepEqual(
    docs.map((d) => Buffer.from(d.data, 'base64').toString()),
    ['0123', '4567', '89', 'ab'],
  );
  assert.deepEqual(
    docs.map((d) => d._id),
    [0, 1, 2, 3].map((n) => `${KEY}:${n}`),
  );
  const meta = await store.getMeta(KEY);
  assert.equal(meta?.chunks, 4);
  assert.equal(meta?.truncated, true);
});
