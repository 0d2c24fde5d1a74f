import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import { runCli } from '../run-cli';
import { captureIo, fakeClients } from '../../test/test-support';
import { formatSelValue } from './sel-commands';

async function sel(argv: string[]) {
  const { io, stdout, stderr } = captureIo();
  const code = await runCli(['sel', 'eval', ...argv], io, { connect: () => fakeClients({}) });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

test('sel eval prints the value; --params integers are LONGs', async () => {
  assert.deepEqual(await sel(['params.get("n") * 2', '--params', '{"n": 21}']), {
    code: 0,
    stdout: '42\n',
    stderr: '',
  });
  assert.equal((await sel(['"a" + "b"'])).stdout, 'ab\n');
  assert.equal(
    (await sel(['params.get("m")', '--params', '{"m": {"k": [1, "x"]}}'])).stdout,
    '{"k": [1, "x"]}\n',
  );
});

test('sel eval --json wraps the result; longs as decimal strings like every int64', async () => {
  const r = await sel(['--json', 'return 1L << 62;']);
  assert.equal(r.code, 0);
  assert.deepEqual(JSON.parse(r.stdout), { result: '4611686018427387904' });
});

test('a bad expression exits 2 with the SEL error and its position', async () => {
  const r = await sel(['return "x" + ;']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^error: .*line 1, column \d+.*\(SYNTAX\)\n$/);
  const j = await sel(['--json', 'return "x" + ;']);
  assert.equal(JSON.parse(j.stderr).error.code, 'INVALID_ARGUMENT');
  assert.equal(JSON.parse(j.stderr).error.reason, 'SYNTAX');
  assert.equal((await sel(['1', '--params', '[1]'])).code, 2);
  assert.equal((await sel(['1', '--params', '{bad'])).code, 2);
});

test('values print the way Java shows them', () => {
  assert.equal(formatSelValue(null), 'null');
  assert.equal(formatSelValue(12n), '12');
  assert.equal(formatSelValue(['a', 1, true], true), '["a", 1, true]');
  assert.equal(formatSelValue('s', true), 's');
});
