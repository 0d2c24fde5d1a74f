import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from '@jest/globals';
import type { ConnectOptions } from '@baton/sdk';
import { captureIo, closedPort, fakeClients } from '../test/test-support';
import { configPath, environmentWith, loadProfile } from './profiles';
import { runCli } from './run-cli';

/** A config home with baton/config.yaml holding `yaml` (0600 unless `mode`). */
function home(yaml: string, mode = 0o600): { env: NodeJS.ProcessEnv; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'baton-profiles-'));
  mkdirSync(join(dir, 'baton'));
  writeFileSync(join(dir, 'baton', 'config.yaml'), yaml);
  chmodSync(join(dir, 'baton', 'config.yaml'), mode);
  return { env: { XDG_CONFIG_HOME: dir }, dir };
}

const FILE = `current_profile: local
profiles:
  local:
    addr: 127.0.0.1:8401
  prod:
    addr: baton.example.com:443
    scheduler_addr: sched.example.com:7402
    tls_ca: certs/ca.pem
    token_file: prod.token
    timeout: 30s
    output: wide
`;

test('the config file is found under XDG_CONFIG_HOME, HOME/.config or BATON_CONFIG', () => {
  assert.equal(configPath({ XDG_CONFIG_HOME: '/x' }), '/x/baton/config.yaml');
  assert.equal(configPath({ HOME: '/h' }), '/h/.config/baton/config.yaml');
  assert.equal(configPath({ BATON_CONFIG: '/c.yaml', XDG_CONFIG_HOME: '/x' }), '/c.yaml');
});

test('a profile is chosen by --profile, then BATON_PROFILE, then current_profile', () => {
  const { env, dir } = home(FILE);
  writeFileSync(join(dir, 'baton', 'prod.token'), 'tok-123\n');
  const warn: string[] = [];
  assert.equal(loadProfile(undefined, env, (t) => warn.push(t))?.name, 'local');
  assert.equal(loadProfile(undefined, env, () => {})?.explicit, false);
  const prod = loadProfile(undefined, { ...env, BATON_PROFILE: 'prod' }, () => {})!;
  assert.equal(prod.name, 'prod');
  assert.equal(prod.token, 'tok-123', 'token_file is read, relative to the config folder');
  assert.equal(prod.tlsCa, join(dir, 'baton', 'certs', 'ca.pem'));
  assert.equal(loadProfile('local', { ...env, BATON_PROFILE: 'prod' }, () => {})?.name, 'local');
  assert.deepEqual(warn, []);
  assert.throws(() => loadProfile('staging', env, () => {}), /no profile staging in .*profiles: local, prod/);
  assert.equal(
    loadProfile(undefined, { XDG_CONFIG_HOME: join(dir, 'none') }, () => {}),
    undefined,
  );
  assert.throws(() => loadProfile('prod', { XDG_CONFIG_HOME: join(dir, 'none') }, () => {}), /cannot read/);
});

test('bad settings are refused with their path; a token other users can read is warned about', () => {
  assert.throws(
    () => loadProfile('a', home('profiles: { a: { adr: x } }').env, () => {}),
    /profiles\.a\.adr: unknown setting/,
  );
  assert.throws(
    () => loadProfile('a', home('profiles: { a: { tls: "yes" } }').env, () => {}),
    /profiles\.a\.tls/,
  );
  assert.throws(
    () => loadProfile('a', home('profiles: { a: { output: xml } }').env, () => {}),
    /profiles\.a\.output/,
  );
  assert.throws(() => loadProfile('a', home('profiles: [').env, () => {}), /not valid YAML/);
  const warn: string[] = [];
  loadProfile('a', home('profiles: { a: { token: t } }', 0o644).env, (t) => warn.push(t));
  assert.match(warn[0] ?? '', /other users can read it: chmod 600/);
});

test('an explicit profile beats BATON_* variables; current_profile only fills what they leave unset', () => {
  const { env } = home(FILE);
  const outer = { BATON_TOKEN: 'from-env', BATON_SCHEDULER_ADDR: 'env:1' };
  const local = loadProfile(undefined, env, () => {})!;
  const implicit = environmentWith(local, outer);
  assert.equal(implicit.BATON_SCHEDULER_ADDR, 'env:1');
  assert.equal(implicit.BATON_DEFINITION_ADDR, '127.0.0.1:8401');
  assert.equal(implicit.BATON_SIGNAL_ADDR, '127.0.0.1:8404');
  const explicit = environmentWith({ ...local, explicit: true, token: 'from-profile' }, outer);
  assert.equal(explicit.BATON_SCHEDULER_ADDR, '127.0.0.1:8402');
  assert.equal(
    explicit.BATON_TOKEN,
    'from-profile',
    'a token exported for one server never goes to the profile’s',
  );
  const noToken = environmentWith(
    { ...local, explicit: true },
    { ...outer, BATON_TLS_CA: '/staging-ca.pem' },
  );
  assert.equal(noToken.BATON_TOKEN, undefined, 'a profile without a token sends none, not the exported one');
  assert.equal(noToken.BATON_TLS_CA, undefined);
  const prodDefault = environmentWith(
    { ...local, token: 'prod-token' },
    { BATON_DEFINITION_ADDR: 'elsewhere:1' },
  );
  assert.equal(prodDefault.BATON_DEFINITION_ADDR, 'elsewhere:1');
  assert.equal(
    prodDefault.BATON_TOKEN,
    undefined,
    'current_profile gives no token to servers the environment chose',
  );
});

test('baton uses the profile: its addresses, token, timeout and output; flags still win', async () => {
  const { env, dir } = home(FILE);
  writeFileSync(join(dir, 'baton', 'prod.token'), 'tok-123');
  let seen: ConnectOptions | undefined;
  const connect = (o: ConnectOptions) => {
    seen = o;
    return fakeClients({ listWorkflows: async () => ({ workflows: [], nextPageToken: '' }) });
  };
  const { io, stdout } = captureIo({ env });
  assert.equal(await runCli(['--profile', 'prod', 'list'], io, { connect }), 0);
  assert.equal(seen?.env?.BATON_SCHEDULER_ADDR, 'sched.example.com:7402');
  assert.equal(seen?.env?.BATON_DEFINITION_ADDR, 'baton.example.com:443');
  assert.equal(seen?.env?.BATON_TOKEN, 'tok-123');
  assert.equal(seen?.timeoutMs, 30_000);
  assert.equal(stdout.text, 'no workflows\n');
  const flags = captureIo({ env });
  await runCli(
    ['--profile', 'prod', '--definition-addr', 'mine:1', '--timeout', '2s', '-o', 'json', 'list'],
    flags.io,
    {
      connect,
    },
  );
  assert.equal(seen?.addresses?.definition, 'mine:1');
  assert.equal(seen?.timeoutMs, 2000);
  assert.deepEqual(JSON.parse(flags.stdout.text), { workflows: [], nextPageToken: '' });
  const bad = captureIo({ env });
  assert.equal(await runCli(['--profile', 'nope', 'list'], bad.io, { connect }), 2);
  assert.match(bad.stderr.text, /no profile nope/);
});

test('an unreachable profile address shows in the error', async () => {
  const port = await closedPort();
  const { env } = home(`profiles:\n  dead:\n    definition_addr: 127.0.0.1:${port}\n`);
  const { io, stderr } = captureIo({ env: { ...env, BATON_PROFILE: 'dead' } });
  assert.equal(await runCli(['list', '--timeout', '3s'], io), 1);
  assert.match(stderr.text, new RegExp(`cannot reach the definition service at 127\\.0\\.0\\.1:${port}`));
});
