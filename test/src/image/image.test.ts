// The container image end to end. scripts/build-image.sh builds it with Podman (or finds every
// layer cached); then FerretDB, Redis and the four services run as containers of it, configured as
// Kubernetes runs them — the ConfigMap k8s/base/baton-config.env verbatim (every interface, TLS,
// required tokens, peers by name at BATON_<SERVICE>_INTERNAL_ADDR), stack.json's commands and
// ports, read-only root filesystem, no capabilities — and a workflow with a Shell and a Python step
// runs through them.
//
// The containers share one Podman bridge network (netavark; aardvark-dns resolves container names),
// which works here as root: peers dial each other by name as pods do through Services, and only
// the public ports are published, on 127.0.0.1.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { type BatonClients, connect, fromParamValue } from '@baton/sdk';
import {
  freePort,
  healthStatus,
  makeSecurityMaterial,
  readStackTable,
  type SecurityMaterial,
  waitFor,
} from '@baton/testing';
import { push, waitEnd } from '../scheduler/support';
import { readRepoFile, repoRoot } from '../support/repo';
import { type BuiltImage, buildImage } from './build-image';
import { makePodmanStore, type PodmanStore, podmanInstalled } from './podman-store';
import { importProgramImage } from './program-image';

const stack = readStackTable(repoRoot);
const SERVICE_UID = 1000;
const NETWORK = 'baton';
const REDIS_IMAGE = 'localhost/baton-redis:test';
// As k8s/base runs every container (securityContext): nothing in the image can be changed.
const HARDENED = ['--read-only', '--cap-drop=all', '--security-opt=no-new-privileges'];

/**
 * The shared settings of every service: the Kubernetes ConfigMap, and the database URLs of the
 * Secret baton-db as k8s/overlays/dev makes it (the in-cluster `mongodb` and `redis`).
 */
function configMapEnv(): Record<string, string> {
  const env: Record<string, string> = {
    MONGODB_URL: 'mongodb://mongodb:27017/baton',
    REDIS_URL: 'redis://redis:6379',
  };
  for (const line of readRepoFile('k8s', 'base', 'baton-config.env').split('\n')) {
    const m = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (m) env[m[1]] = m[2];
  }
  return env;
}

function hostPort(url: string): { host: string; port: string } {
  const u = new URL(url);
  return { host: u.hostname, port: u.port };
}

const skip = podmanInstalled() ? false : 'podman is not installed (scripts/install-tools.sh installs it)';

(skip ? describe.skip : describe)('the container image', () => {
  const config = configMapEnv();
  let built: BuiltImage;
  let store: PodmanStore;
  let security: SecurityMaterial;
  let clients: BatonClients;
  let volumes: string[];
  const names = ['mongodb', 'redis', ...stack.services.map((s) => s.name), 'console'];
  let consoleUrl: string;

  /**
   * Starts one service as a container named `name` (peers find it by its service name) and
   * resolves, once it reports SERVING, with its public address on 127.0.0.1.
   */
  async function startService(
    s: (typeof stack.services)[number],
    opts: { name?: string; args?: string[]; env?: Record<string, string> } = {},
  ): Promise<string> {
    const port = await freePort();
    const env = {
      ...config,
      [s.portEnv]: String(s.port),
      [s.internalPortEnv]: String(s.internalPort),
      LOG_LEVEL: 'warn',
      ...opts.env,
    };
    await store.podman([
      ...['run', '--detach', '--name', opts.name ?? s.name, '--network-alias', s.name],
      ...['--network', NETWORK, ...HARDENED, ...volumes, ...(opts.args ?? [])],
      ...['--publish', `127.0.0.1:${port}:${s.port}`],
      ...Object.entries(env).flatMap(([k, v]) => ['--env', `${k}=${v}`]),
      built.image,
      ...s.command,
    ]);
    return `127.0.0.1:${port}`;
  }

  async function waitServing(s: (typeof stack.services)[number], addr: string): Promise<void> {
    let last = '';
    await waitFor(
      async () => {
        last = await healthStatus(addr, s.grpcService, 1000, security.caFile);
        return last === 'SERVING';
      },
      { timeoutMs: 90_000, intervalMs: 250, what: `${s.name} to report SERVING (last: ${last})` },
    ).catch(async (err: Error) => {
      throw new Error(`${err.message}\n${await logs()}`);
    });
  }

  /** The last lines each container printed, to explain a failure. */
  async function logs(): Promise<string> {
    const parts: string[] = [];
    for (const name of names) {
      const out = await store.podman(['logs', '--tail', '20', name]).catch((e: Error) => e.message);
      parts.push(`--- ${name}\n${out}`);
    }
    return parts.join('\n');
  }

  beforeAll(async () => {
    built = await buildImage(repoRoot, 20 * 60_000);
    store = makePodmanStore(join(built.store, 'storage'));
    const redisServer = execFileSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).trim();
    await importProgramImage(store, redisServer, REDIS_IMAGE, join(store.dir, 'redis'));

    // The Secrets: certificate (its SANs are the names peers dial) and tokens, mounted read-only
    // where the ConfigMap points; as in k8s/base (defaultMode 0440, fsGroup 1000) only uid or
    // gid 1000 reads them.
    security = makeSecurityMaterial(
      join(store.dir, 'material'),
      stack.services.map((s) => `DNS:${s.name}`),
    );
    const secrets: [string, string][] = [
      [security.certFile, config.BATON_TLS_CERT],
      [security.keyFile, config.BATON_TLS_KEY],
      [security.caFile, config.BATON_TLS_CA],
      [security.tokensFile, config.BATON_AUTH_TOKENS_FILE],
    ];
    const mounts = new Map<string, string>();
    for (const [from, inContainer] of secrets) {
      const dir = join(store.dir, 'secrets', basename(dirname(inContainer)));
      mkdirSync(dir, { recursive: true, mode: 0o755 });
      const file = join(dir, basename(inContainer));
      copyFileSync(from, file);
      chownSync(file, SERVICE_UID, SERVICE_UID);
      chmodSync(file, 0o440);
      mounts.set(dir, dirname(inContainer));
    }
    volumes = [...mounts].flatMap(([dir, target]) => ['--volume', `${dir}:${target}:ro`]);

    await store.podman(['network', 'create', NETWORK]);
    const mongo = hostPort(config.MONGODB_URL);
    const redis = hostPort(config.REDIS_URL);
    await store.podman([
      ...['run', '--detach', '--name', mongo.host, '--network', NETWORK, ...HARDENED],
      built.image,
      ...['/app/.baton/bin/ferretdb-launcher', '-listen', `0.0.0.0:${mongo.port}`, '-data', '/tmp/ferretdb'],
    ]);
    await store.podman([
      ...['run', '--detach', '--name', redis.host, '--network', NETWORK, ...HARDENED],
      ...['--user', `${SERVICE_UID}:${SERVICE_UID}`, REDIS_IMAGE],
      ...[redisServer, '--port', redis.port, '--bind', '0.0.0.0', '--protected-mode', 'no'],
      ...['--save', '', '--appendonly', 'no', '--dir', '/tmp'],
    ]);

    const addresses: Record<string, string> = {};
    for (const s of stack.services) addresses[s.name] = await startService(s);
    for (const s of stack.services) await waitServing(s, addresses[s.name]);
    clients = connect({
      addresses: { ...addresses, stepRuntime: addresses['step-runtime'] },
      env: { BATON_TLS_CA: security.caFile, BATON_TOKEN: security.tokens.admin },
    });

    // The console as k8s/base runs it: the ConfigMap, the services' public ports by name.
    const spec = stack.console!;
    const port = await freePort();
    consoleUrl = `http://127.0.0.1:${port}`;
    const env: Record<string, string> = {
      ...config,
      [spec.portEnv]: String(spec.port),
      LOG_LEVEL: 'warn',
      ...Object.fromEntries(
        stack.services.map((s) => [
          `BATON_${s.name.toUpperCase().replace(/-/g, '_')}_ADDR`,
          `${s.name}:${s.port}`,
        ]),
      ),
    };
    await store.podman([
      ...['run', '--detach', '--name', 'console', '--network', NETWORK, ...HARDENED, ...volumes],
      ...['--publish', `127.0.0.1:${port}:${spec.port}`],
      ...Object.entries(env).flatMap(([k, v]) => ['--env', `${k}=${v}`]),
      built.image,
      ...spec.command,
    ]);
    await waitFor(
      async () => (await fetch(`${consoleUrl}${spec.healthPath}`).catch(() => undefined))?.status === 200,
      { timeoutMs: 60_000, intervalMs: 250, what: 'the console to answer its health path' },
    ).catch(async (err: Error) => {
      throw new Error(`${err.message}\n${await logs()}`);
    });
  }, 25 * 60_000);

  afterAll(() => {
    clients?.close();
    store?.remove();
  });

  test('a workflow with a Shell and a Python step runs through the containers', async () => {
    await push(clients, {
      id: 'image.e2e',
      steps: [
        {
          step: {
            id: 'greet',
            type: 'Shell',
            transition: { successors: { count: 'true' } },
            params: {
              who: { value: 'containers', type: 'STRING' },
              script: {
                // $$: the environment's value at run time, not the scheduler's interpolation.
                value: 'printf \'{"greeting": "hello, %s"}\' "$$who" > "$$BATON_OUTPUT_FILE"',
                type: 'STRING',
              },
            },
          },
        },
        {
          step: {
            id: 'count',
            type: 'Python',
            params: {
              script: {
                value:
                  'import json, os, sys\n' +
                  'json.dump({"total": sum(range(10)), "uid": os.getuid(), "python": sys.version_info[0]},\n' +
                  '          open(os.environ["BATON_OUTPUT_FILE"], "w"))',
                type: 'STRING',
              },
            },
          },
        },
      ],
    });
    const started = await clients.scheduler.startWorkflow({ workflowId: 'image.e2e' });
    const inst = await waitEnd(clients, 'image.e2e', started.instanceId, 90_000);
    assert.equal(inst.status, 'SUCCEEDED', `${inst.error ?? ''}\n${await logs()}`);
    const outputs = Object.fromEntries(
      inst.steps.map((s) => [
        s.stepId,
        Object.fromEntries(Object.entries(s.outputs).map(([k, v]) => [k, fromParamValue(v)])),
      ]),
    );
    assert.deepEqual(outputs.greet, { greeting: 'hello, containers' });
    // User code runs as the service's own unprivileged user: it is not root in the container.
    assert.deepEqual(outputs.count, { total: 45, uid: SERVICE_UID, python: 3 });
  });

  test("the console serves its app and forwards a call with the caller's token over TLS", async () => {
    const page = await fetch(`${consoleUrl}/workflows`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'self'/);
    assert.match(await page.text(), /\/assets\/app\.js/);
    const app = await fetch(`${consoleUrl}/assets/app.js`);
    assert.equal(app.status, 200);
    assert.ok((await app.arrayBuffer()).byteLength > 1000, 'the bundled app');
    const call = (token?: string) =>
      fetch(`${consoleUrl}/api/rpc/definition/ListWorkflows`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: '{}',
      });
    assert.equal((await call()).status, 401, 'no token of its own');
    const listed = await call(security.tokens.viewer);
    assert.equal(listed.status, 200, await listed.clone().text());
  });

  test('the examples/ hello world runs', async () => {
    await clients.definition.pushWorkflow({ definitionJson: readRepoFile('examples', 'hello-world.json') });
    const started = await clients.scheduler.startWorkflow({ workflowId: 'demo.hello_world' });
    const inst = await waitEnd(clients, 'demo.hello_world', started.instanceId, 60_000);
    assert.equal(inst.status, 'SUCCEEDED', inst.error);
    assert.deepEqual(
      inst.steps.map((s) => [s.stepId, s.status]),
      [
        ['start', 'SUCCEEDED'],
        ['say_hello', 'SUCCEEDED'],
      ],
    );
  });

  test('every process of every container runs as uid/gid 1000, not root', async () => {
    for (const name of names) {
      const pids = (await store.podman(['top', name, 'hpid']))
        .split('\n')
        .slice(1)
        .map((l) => l.trim())
        .filter((l) => /^\d+$/.test(l));
      assert.ok(pids.length > 0, `${name}: no processes`);
      for (const pid of pids) {
        const status = readFileSync(`/proc/${pid}/status`, 'utf8');
        // Real, effective, saved and filesystem ids, as the kernel sees them on this machine.
        assert.match(status, /^Uid:\s+1000\s+1000\s+1000\s+1000$/m, `${name} pid ${pid}`);
        assert.match(status, /^Gid:\s+1000\s+1000\s+1000\s+1000$/m, `${name} pid ${pid}`);
      }
    }
    const user = (
      await store.podman(['image', 'inspect', '--format', '{{.Config.User}}', built.image])
    ).trim();
    assert.equal(user, `${SERVICE_UID}:${SERVICE_UID}`, 'the image itself runs as 1000:1000');
  });

  test('the image exposes every port of stack.json, the health and the metrics port', async () => {
    const exposed = JSON.parse(
      await store.podman(['image', 'inspect', '--format', '{{json .Config.ExposedPorts}}', built.image]),
    ) as Record<string, unknown>;
    const want = [
      Number(config.BATON_HEALTH_PORT),
      Number(config.BATON_METRICS_PORT),
      ...stack.services.flatMap((s) => [s.port, s.internalPort]),
    ];
    assert.deepEqual(Object.keys(exposed).sort(), want.map((p) => `${p}/tcp`).sort());
  });

  // Last: it replaces the step-runtime container.
  test("run as root with the capabilities isolation needs, step-runtime confines step code with the image's baton-isolate", async () => {
    const spec = stack.services.find((s) => s.name === 'step-runtime')!;
    await store.podman(['rm', '--force', '--time', '10', spec.name]);
    const name = 'step-runtime-root';
    names.push(name);
    const addr = await startService(spec, {
      name,
      args: [
        // gid 1000 as a supplementary group, as fsGroup gives it in a pod: the Secrets are 0440.
        ...['--user', '0:0', '--group-add', String(SERVICE_UID)],
        // The hardened flags drop every capability. Isolation needs these: switching users and a PID
        // namespace, then preparing (chown), entering and removing the step user's work dir, and
        // signalling its processes. Without DAC_OVERRIDE: EACCES on chown inside the work dir.
        ...['SETUID', 'SETGID', 'SYS_ADMIN', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'KILL'].flatMap((c) => [
          '--cap-add',
          c,
        ]),
      ],
      env: { LOG_LEVEL: 'info' },
    });
    await waitServing(spec, addr);
    await push(clients, {
      id: 'image.isolated',
      steps: [
        {
          step: {
            id: 'who',
            type: 'Python',
            // A platform error ends the run at once, with its message, instead of a retry a minute later.
            retry_policy: { platform_retry_limit: 0 },
            params: {
              script: {
                value:
                  'import json, os\n' +
                  'json.dump({"uid": os.getuid(), "gid": os.getgid(), "pid": os.getpid()},\n' +
                  '          open(os.environ["BATON_OUTPUT_FILE"], "w"))',
                type: 'STRING',
              },
            },
          },
        },
      ],
    });
    const started = await clients.scheduler.startWorkflow({ workflowId: 'image.isolated' });
    const inst = await waitEnd(clients, 'image.isolated', started.instanceId, 60_000).catch(
      async (err: Error) => {
        throw new Error(`${err.message}\n${await logs()}`);
      },
    );
    assert.equal(inst.status, 'SUCCEEDED', `${inst.steps[0]?.error ?? inst.error}\n${await logs()}`);
    const out = Object.fromEntries(
      Object.entries(inst.steps[0].outputs).map(([k, v]) => [k, fromParamValue(v)]),
    );
    // nobody (STEP_RUN_AS_USER's default), as PID 2 of its own PID namespace (baton-isolate is 1).
    assert.deepEqual(out, { uid: 65534, gid: 65534, pid: 2 });
    assert.match(await store.podman(['logs', name]), /user code is confined by baton-isolate/);
  });
});

describe('the Dockerfile', () => {
  test('copies the manifest of every workspace before installing dependencies', () => {
    const dockerfile = readRepoFile('Dockerfile');
    const rootManifest = JSON.parse(readRepoFile('package.json')) as { workspaces: string[] };
    const workspaces = rootManifest.workspaces.flatMap((pattern) => {
      const group = pattern.replace(/\/\*$/, '');
      return readdirSync(join(repoRoot, group)).map((name) => `${group}/${name}`);
    });
    assert.ok(workspaces.length >= 12, `found workspaces: ${workspaces.join(', ')}`);
    for (const ws of workspaces)
      assert.ok(
        dockerfile.includes(`COPY ${ws}/package.json ${ws}/`),
        `the Dockerfile's manifests stage lacks ${ws}/package.json: npm ci would not install it`,
      );
  });
});
