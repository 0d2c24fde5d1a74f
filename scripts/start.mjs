#!/usr/bin/env node
// `npm start`: the local stack with its embedded defaults. Installs the tools it
// needs (scripts/install-tools.sh), starts FerretDB, Redis, the four services and
// the web console as separate processes on stack.json's ports (each overridable by
// its env variable; MONGODB_URL / REDIS_URL use existing servers instead), waits
// until each reports SERVING, pushes examples/, prints how to use it, and runs
// until Ctrl-C, then stops everything it started.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const root = new URL('..', import.meta.url).pathname;
const require = createRequire(import.meta.url);

const tools = spawnSync('bash', [join(root, 'scripts', 'install-tools.sh')], { stdio: 'inherit' });
if (tools.status !== 0) process.exit(tools.status ?? 1);

const { startStack } = require('@baton/testing');
const { connect } = require('@baton/sdk');

const dataDir = join(root, '.baton', 'data');
// Dev mode by default: plaintext and no auth on loopback. BATON_TLS=on and BATON_AUTH=required
// switch each on for the whole stack, with a throwaway CA in .baton/tls and an admin token in
// .baton/admin.token (made anew at each start).
const tls = process.env.BATON_TLS === 'on';
const auth = process.env.BATON_AUTH === 'required';
const tlsDir = join(root, '.baton', 'tls');
const tokenFile = join(root, '.baton', 'admin.token');
if (tls || auth) rmSync(tlsDir, { recursive: true, force: true });
rmSync(tokenFile, { force: true });
console.log(
  `starting FerretDB, Redis, the services and the console (${tls ? 'TLS' : 'plaintext'}, ${auth ? 'auth required' : 'no auth: dev mode'})...`,
);
const t0 = Date.now();
// SQL steps need a connections file; unless one is given, a private PostgreSQL (a throwaway demo
// warehouse, when the machine has PostgreSQL's binaries) backs the connection `demo` of the examples.
let demoDb;
const jobEnv = {};
if (!process.env.BATON_CONNECTIONS_FILE) {
  try {
    const { startPostgres } = require('@baton/testing');
    demoDb = await startPostgres();
    const file = join(root, '.baton', 'connections.json');
    writeFileSync(file, JSON.stringify({ demo: { driver: 'postgres', url: demoDb.url } }, null, 2), {
      mode: 0o600,
    });
    jobEnv.BATON_CONNECTIONS_FILE = file;
  } catch (err) {
    console.log(`  (no demo PostgreSQL for SQL steps: ${err.message.split('\n')[0]})`);
  }
}
// Docker steps need a container engine: DOCKER_HOST if set, else a private Podman serving the Docker
// API (with a local busybox image) when this machine has podman; without one they fail with a
// platform error saying so, and the Docker example is not pushed.
let podman;
if (process.env.DOCKER_HOST) jobEnv.DOCKER_HOST = process.env.DOCKER_HOST;
else {
  const { podmanAvailable, startPodman } = require('@baton/testing');
  if (podmanAvailable()) {
    try {
      const dir = join(root, '.baton', 'podman');
      rmSync(dir, { recursive: true, force: true });
      podman = await startPodman({ dir });
      jobEnv.DOCKER_HOST = podman.dockerHost;
    } catch (err) {
      console.log(`  (no container engine for Docker steps: ${err.message.split('\n')[0]})`);
    }
  }
}
let stack;
try {
  stack = await startStack({
    ports: 'table',
    dataDir,
    logDir: join(root, '.baton', 'logs'),
    mongoUrl: process.env.MONGODB_URL || undefined,
    redisUrl: process.env.REDIS_URL || undefined,
    ...(tls || auth ? { security: 'secure', tls, auth, securityDir: tlsDir } : {}),
    env: jobEnv,
    console: true,
  });
} catch (err) {
  console.error(`could not start the stack: ${err.message}`);
  await demoDb?.stop();
  await podman?.stop();
  process.exit(1);
}
console.log(`ready in ${Date.now() - t0} ms`);
console.log(`  MongoDB  ${stack.mongoUrl}${stack.ferret ? ' (FerretDB, data in .baton/data/ferretdb)' : ''}`);
console.log(`  Redis    ${stack.redisUrl}`);
for (const [name, addr] of Object.entries(stack.addresses))
  console.log(`  ${name.padEnd(13)}${addr}  (log .baton/logs/${name}.log)`);
if (stack.consoleUrl)
  console.log(`  console      ${stack.consoleUrl}  (web console; log .baton/logs/console.log)`);
if (demoDb)
  console.log(
    `  SQL      connection "demo": a private PostgreSQL (${demoDb.url}), in .baton/connections.json`,
  );
if (jobEnv.DOCKER_HOST)
  console.log(`  Docker   ${jobEnv.DOCKER_HOST}${podman ? ` (Podman; image ${podman.image})` : ''}`);

if (auth) {
  writeFileSync(tokenFile, `${stack.security.tokens.admin}\n`, { mode: 0o600 });
  console.log(`  admin token  .baton/admin.token  (export BATON_TOKEN=$(cat .baton/admin.token))`);
}
if (tls) console.log(`  CA           .baton/tls/ca.pem  (export BATON_TLS_CA=.baton/tls/ca.pem)`);

const clients = connect({
  addresses: { ...stack.addresses, stepRuntime: stack.addresses['step-runtime'] },
  env: { ...process.env, ...stack.clientEnv },
});
const examples = readdirSync(join(root, 'examples'))
  .filter((f) => f.endsWith('.json'))
  .filter((f) => jobEnv.DOCKER_HOST || !f.startsWith('docker-'))
  .sort();
console.log(`\npushing ${examples.length} examples:`);
for (const file of examples) {
  try {
    const res = await clients.definition.pushWorkflow({
      definitionJson: readFileSync(join(root, 'examples', file), 'utf8'),
      user: 'npm-start',
    });
    console.log(
      `  ${file.padEnd(26)} ${res.workflowId} version ${res.version}${res.created ? ' (new)' : ' (unchanged)'}`,
    );
  } catch (err) {
    console.log(`  ${file.padEnd(26)} FAILED: ${err.message}`);
    for (const v of err.violations ?? []) console.log(`      - ${v.field}: ${v.description}`);
  }
}
clients.close();

const def = stack.addresses.definition;
// grpcurl's flags for this mode: -plaintext, or the CA; the token as a header.
const g = `${tls ? '-cacert .baton/tls/ca.pem' : '-plaintext'}${auth ? ' -H "authorization: Bearer $(cat .baton/admin.token)"' : ''}`;
console.log(`
Try it (grpcurl is in .baton/bin):
  export PATH="$PWD/.baton/bin:$PATH"
  grpcurl ${g} ${def} list
  grpcurl ${g} -d '{"id_prefix": "demo."}' ${def} baton.v1.DefinitionService/ListWorkflows
  grpcurl ${g} -d '{"workflow_id": "demo.hello_world"}' ${def} baton.v1.DefinitionService/GetWorkflow
  jq -Rs '{definition_json: .}' examples/branching-dag.json | grpcurl ${g} -d @ ${def} baton.v1.DefinitionService/PushWorkflow

Or with the CLI:
  npx baton list
  npx baton get demo.hello_world
  npx baton push examples/hello-world.json
  npx baton sel eval 'Util.dateIntsBetween(20200101, 20200105, 1)'

Or in the browser: ${stack.consoleUrl}${auth ? ' (paste the admin token when it asks)' : ''}

Ctrl-C stops everything.`);

let stopping = false;
const shutdown = async (signal) => {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping...`);
  await stack.stop();
  await demoDb?.stop();
  await podman?.stop();
  console.log('stopped.');
  process.exit(0);
};
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
// Keep the event loop alive (child processes are unref'd by @baton/testing).
setInterval(() => {}, 1 << 30);
