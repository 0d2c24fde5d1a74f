import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, test } from '@jest/globals';
import type { LogChunk } from './attempt-types.js';
import { LogCapture } from './log-capture.js';
import { runAttempt } from './run-attempt.js';
import { logSink, shell, tempRoot, waitFor } from '../../test/attempt-fixtures.js';

const { root, cleanup } = tempRoot('logs');
afterAll(cleanup);

function assertContiguous(chunks: LogChunk[]): void {
  let offset = 0;
  let time = 0;
  for (const c of chunks) {
    assert.equal(c.offset, offset, 'offsets are contiguous');
    assert.ok(c.time >= time, 'times do not go back');
    offset += c.data.length;
    time = c.time;
  }
}

test('stdout and stderr arrive as ordered chunks with contiguous offsets', async () => {
  const logs = logSink();
  const out = await runAttempt(
    shell('order', 'for i in $(seq 1 300); do echo "out $i"; echo "err $i" >&2; done'),
    { workRoot: root, onLog: logs.onLog },
  ).result;
  assert.equal(out.status, 'SUCCEEDED');
  const lines = (prefix: string) => Array.from({ length: 300 }, (_, i) => `${prefix} ${i + 1}\n`).join('');
  assert.equal(logs.text('stdout'), lines('out'));
  assert.equal(logs.text('stderr'), lines('err'));
  assertContiguous(logs.chunks);
  assert.equal(out.logBytes, Buffer.byteLength(lines('out') + lines('err')));
  assert.equal(out.truncated, false);
});

test('logs stream live, before the process ends', async () => {
  const logs = logSink();
  const running = runAttempt(
    shell('live', 'echo "ready $PWD"\nwhile [ ! -f go ]; do sleep 0.02; done\necho after'),
    { workRoot: root, onLog: logs.onLog },
  );
  await waitFor('the first line', () => logs.text().includes('ready '));
  const dir = /ready (.*)\n/.exec(logs.text())?.[1] as string;
  assert.ok(!logs.text().includes('after'));
  writeFileSync(join(dir, 'go'), '');
  const out = await running.result;
  assert.equal(out.status, 'SUCCEEDED');
  assert.equal(logs.text(), `ready ${dir}\nafter\n`);
});

test('over the cap: the head streams, a marker says what was dropped, the tail comes last', async () => {
  const logs = logSink();
  const script = 'echo HEAD-START\nhead -c 20000 /dev/zero | tr "\\0" x\necho\necho TAIL-END';
  const out = await runAttempt(shell('cap', script), {
    workRoot: root,
    maxLogBytes: 1000,
    logTailBytes: 200,
    onLog: logs.onLog,
  }).result;
  assert.equal(out.status, 'SUCCEEDED');
  const produced = 'HEAD-START\n'.length + 20000 + 1 + 'TAIL-END\n'.length;
  assert.equal(out.logBytes, produced);
  assert.equal(out.truncated, true);
  assert.equal(out.logBytesDropped, produced - 1000);
  const text = logs.text();
  assert.ok(text.startsWith('HEAD-START\nxxx'));
  assert.ok(text.endsWith('xxx\nTAIL-END\n'));
  assert.match(
    logs.text('stderr'),
    new RegExp(
      `^\\n\\[baton: log truncated: ${produced - 1000} bytes omitted; the last 200 bytes follow\\]\\n$`,
    ),
  );
  const markerIndex = logs.chunks.findIndex((c) => c.stream === 'stderr');
  assert.equal(
    logs.chunks.slice(0, markerIndex).reduce((n, c) => n + c.data.length, 0),
    800,
    'head = max − tail',
  );
  assert.equal(
    logs.chunks.slice(markerIndex + 1).reduce((n, c) => n + c.data.length, 0),
    200,
  );
  assertContiguous(logs.chunks);
});

test('LogCapture: at most max bytes, no marker when nothing was dropped', () => {
  const chunks: LogChunk[] = [];
  const cap = new LogCapture(10, 4, (c) => chunks.push(c));
  cap.write('stdout', Buffer.from('abcdef'));
  cap.write('stderr', Buffer.from('ghij'));
  assert.equal(chunks.map((c) => c.data.toString()).join(''), 'abcdef', 'the tail part waits for finish');
  assert.deepEqual(cap.finish(), { logBytes: 10, logBytesDropped: 0, truncated: false });
  assert.deepEqual(
    chunks.map((c) => [c.stream, c.data.toString(), c.offset]),
    [
      ['stdout', 'abcdef', 0],
      ['stderr', 'ghij', 6],
    ],
  );
});

test('LogCapture: the tail keeps the last bytes across chunks and streams', () => {
  const chunks: LogChunk[] = [];
  const cap = new LogCapture(8, 4, (c) => chunks.push(c));
  for (const [s, d] of [
    ['stdout', 'ab'],
    ['stdout', 'cdef'],
    ['stderr', 'gh'],
    ['stdout', 'ijk'],
  ] as const)
    cap.write(s, Buffer.from(d));
  assert.deepEqual(cap.finish(), { logBytes: 11, logBytesDropped: 3, truncated: true });
  const parts = chunks.map((c) => [c.stream, c.data.toString()]);
  assert.deepEqual(parts.slice(0, 2), [
    ['stdout', 'ab'],
    ['stdout', 'cd'],
  ]);
  assert.equal(parts[2][0], 'stderr');
  assert.match(parts[2][1], /3 bytes omitted; the last 4 bytes follow/);
  assert.deepEqual(parts.slice(3), [
    ['stderr', 'h'],
    ['stdout', 'ijk'],
  ]);
  cap.write('stdout', Buffer.from('late'));
  assert.equal(chunks.length, 5, 'writes after finish are ignored');
});

test('LogCapture: a throwing sink does not stop capture', () => {
  let calls = 0;
  const cap = new LogCapture(100, 10, () => {
    calls += 1;
    throw new Error('sink down');
  });
  cap.write('stdout', Buffer.from('a'));
  cap.write('stdout', Buffer.from('b'));
  assert.equal(calls, 2);
  assert.equal(cap.finish().logBytes, 2);
});
