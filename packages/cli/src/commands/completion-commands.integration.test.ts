import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from '@jest/globals';
import { captureIo } from '../../test/test-support';
import { runCli } from '../run-cli';

async function script(shell: string): Promise<string> {
  const { io, stdout } = captureIo();
  assert.equal(await runCli(['completion', shell], io), 0);
  return stdout.text;
}

function saved(name: string, text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'baton-completion-')), name);
  writeFileSync(file, text);
  return file;
}

const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

/** What bash completes for the words typed (the last one being completed). */
function bashComplete(file: string, words: string[]): string[] {
  const quoted = words.map((w) => `'${w}'`).join(' ');
  const r = spawnSync(
    'bash',
    [
      '-c',
      `source '${file}'; COMP_WORDS=(${quoted}); COMP_CWORD=${words.length - 1}; _baton; printf '%s\\n' "\${COMPREPLY[@]}"`,
    ],
    { encoding: 'utf8' },
  );
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split('\n').filter(Boolean).sort();
}

test('bash completes commands, subcommands, their flags and the output formats', async () => {
  const file = saved('baton.bash', await script('bash'));
  assert.equal(spawnSync('bash', ['-n', file]).status, 0, 'valid bash');
  assert.deepEqual(bashComplete(file, ['baton', 'sto']), ['stop']);
  assert.deepEqual(bashComplete(file, ['baton', 'step', 's']), ['skip', 'stop']);
  assert.deepEqual(bashComplete(file, ['baton', '-o', '']), ['json', 'text', 'wide', 'yaml']);
  assert.deepEqual(bashComplete(file, ['baton', '--profile', 'p', 'step', 'stop', '--r']), [
    '--reason',
    '--run',
  ]);
  assert.ok(bashComplete(file, ['baton', 'breakpoint', '']).includes('set'));
  assert.ok(bashComplete(file, ['baton', '']).includes('completion'));
  assert.deepEqual(bashComplete(file, ['baton', 'start', 'wf', '--ti']), ['--timeout']);
});

const noShells =
  !has('zsh') || !has('fish') ? 'zsh or fish is not installed (scripts/install-tools.sh installs both)' : '';
if (noShells) console.warn(`skipped: ${noShells}`);
(noShells ? test.skip : test)('zsh and fish scripts are valid and complete the same tree', async () => {
  const zsh = await script('zsh');
  assert.match(zsh, /^#compdef baton/);
  const fish = await script('fish');
  const zfile = saved('_baton', zsh);
  assert.equal(spawnSync('zsh', ['-n', zfile]).status, 0, 'valid zsh');
  const node = spawnSync('zsh', ['-c', `source '${zfile}'; _baton_node step && print -l -- $subs`], {
    encoding: 'utf8',
  });
  assert.match(node.stdout, /^skip:/m);
  const ffile = saved('baton.fish', fish);
  assert.equal(spawnSync('fish', ['--no-execute', ffile]).status, 0, 'valid fish');
  const done = spawnSync(
    'fish',
    ['-c', `source '${ffile}'; complete -C 'baton step s'; complete -C 'baton -o '`],
    {
      encoding: 'utf8',
    },
  );
  const names = done.stdout.split('\n').map((l) => l.split('\t')[0]);
  for (const n of ['skip', 'stop', 'json', 'yaml', 'wide', 'text'])
    assert.ok(names.includes(n), `${n} in ${names}`);
});

test('an unknown shell is a usage error', async () => {
  const { io, stderr } = captureIo();
  assert.equal(await runCli(['completion', 'tcsh'], io), 2);
  assert.match(stderr.text, /expected one of bash, zsh, fish/);
});
