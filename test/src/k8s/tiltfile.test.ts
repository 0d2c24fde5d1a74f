// tilt/Tiltfile cannot drift from stack.json: it reads the table instead of
// repeating ports, commands or names, it is valid Starlark, and when run by the
// real Starlark interpreter (tilt/starlark-check: go.starlark.net with stand-ins
// for Tilt's builtins) it declares exactly the processes of the table (process
// mode, the default) or the image, the dev overlay and one Kubernetes resource
// per service with its port forwarded (`-- --mode=cluster`).
// Tilt itself cannot be installed here, so this is as far as offline checks go.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from '@jest/globals';
import { type Stack, readStack, repoRoot, substitute } from './stack';
import { cleanupsAfterEach } from '../support/cleanups';

const root = repoRoot();
const stack = readStack(root);
const tiltfilePath = join(root, 'tilt', 'Tiltfile');
const tiltfile = readFileSync(tiltfilePath, 'utf8');
const DATA_DIR = '.baton/data';

/** The Tiltfile without comments (full-line and trailing `# ...` outside quotes). */
function code(src: string): string {
  return src
    .split('\n')
    .map((line) => {
      let quote: string | undefined;
      for (let i = 0; i < line.length; i++) {
        const ch = line[i];
        if (quote) {
          if (ch === '\\') i++;
          else if (ch === quote) quote = undefined;
        } else if (ch === "'" || ch === '"') quote = ch;
        else if (ch === '#') return line.slice(0, i);
      }
      return line;
    })
    .join('\n');
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('tilt/Tiltfile reads stack.json instead of repeating it', () => {
  const src = code(tiltfile);

  test('reads the table with read_json and uses no online extensions', () => {
    assert.match(src, /read_json\([^)]*stack\.json/);
    assert.doesNotMatch(src, /load\(\s*['"]ext:\/\//, "load('ext://...') fetches online");
    assert.match(tiltfile, /tilt up -f tilt\/Tiltfile/, 'usage comment at the top');
  });

  test('no port from the table appears as a literal', () => {
    const ports = [
      ...Object.values(stack.infra).map((i) => i.port),
      ...stack.services.flatMap((s) => [s.port, s.internalPort]),
      ...(stack.console ? [stack.console.port] : []),
    ];
    for (const port of ports)
      assert.doesNotMatch(src, new RegExp(`\\b${port}\\b`), `port ${port} is hard-coded`);
    assert.doesNotMatch(src, /\b74\d\d\b/, 'a 74xx service port is hard-coded');
  });

  test('no command, program or name from the table appears in the code', () => {
    const words = new Set<string>();
    for (const [key, infra] of Object.entries(stack.infra)) {
      words.add(key);
      words.add(infra.command[0]);
      words.add(infra.url.replace(/\{port\}.*/, ''));
    }
    for (const s of stack.services) {
      for (const w of [
        s.name,
        s.portEnv,
        s.internalPortEnv,
        s.internalAddrEnv,
        s.grpcService,
        s.command.join(' '),
        ...s.command.slice(1),
      ])
        words.add(w);
    }
    // The console's row (its name is also the table's key `console`, which the Tiltfile reads).
    if (stack.console)
      for (const w of [
        stack.console.portEnv,
        stack.console.healthPath,
        stack.console.command.join(' '),
        ...stack.console.command.slice(1),
      ])
        words.add(w);
    for (const w of words) {
      assert.doesNotMatch(
        src,
        new RegExp(`(^|[^A-Za-z0-9_-])${escapeRegExp(w)}($|[^A-Za-z0-9_-])`),
        `"${w}" is hard-coded`,
      );
    }
  });

  test('placeholders are substituted: {port}, {dataDir} (.baton/data) and {root}', () => {
    for (const p of ['{port}', '{dataDir}', '{root}'])
      assert.ok(src.includes(`'${p}'`), `${p} not substituted`);
    assert.ok(src.includes(`'${DATA_DIR}'`), `dataDir is ${DATA_DIR}`);
  });
});

describe('tilt/Tiltfile is valid Starlark', () => {
  const havePython = !spawnSync('python3', ['--version']).error;
  if (!havePython) console.warn('skipped: python3 is not installed');
  (havePython ? test : test.skip)('parses as Python (Starlark is a Python subset)', () => {
    const r = spawnSync(
      'python3',
      ['-c', 'import ast,sys; ast.parse(open(sys.argv[1]).read(), sys.argv[1])', tiltfilePath],
      {
        encoding: 'utf8',
      },
    );
    assert.equal(r.status, 0, r.stderr);
  });

  test('uses only the common Starlark subset', () => {
    const src = code(tiltfile);
    // Top-level control flow and reassignment need dialect flags; keep all logic in functions.
    for (const [i, line] of src.split('\n').entries()) {
      assert.doesNotMatch(line, /^(for|if|while|try|with|class|import|from)\b/, `line ${i + 1}: ${line}`);
    }
    assert.doesNotMatch(
      src,
      /\bwhile\b|\btry:|\bexcept\b|\blambda\b|\bf'|\bf"|\bimport\b|\bglobal\b|\byield\b/,
    );
  });
});

interface Probe {
  periodSecs: number;
  tcpSocket?: { port: number; host: string };
  httpGet?: { port: number; host: string; scheme: string; path: string };
  exec?: { command: string[] };
}
interface Resource {
  name: string;
  cmd: string[] | null;
  cmdShell: boolean;
  serveCmd: string[] | null;
  serveEnv: Record<string, string> | null;
  dir: string;
  serveDir: string;
  deps: string[] | null;
  resourceDeps: string[] | null;
  labels: string[] | null;
  readinessProbe: Probe | null;
}

/** Builds tilt/starlark-check once; undefined + reason when Go or its modules are unavailable. */
let checker: string | undefined;
let noChecker: string | undefined;

interface PortForward {
  local: number;
  container: number;
  name?: string;
}
interface Checked {
  resources: Resource[];
  images: Array<{ ref: string; context: string; dockerfile: string; liveUpdate: object[] }>;
  k8sYaml: Array<{
    source: string;
    path: string;
    objects: Array<{ kind: string; name: string; namespace?: string }>;
  }>;
  k8sResources: Array<{
    name: string;
    workload: string;
    portForwards: PortForward[] | null;
    resourceDeps: string[] | null;
    labels: string[] | null;
  }>;
}

function checkTiltfile(path: string, tiltArgs: string[] = []): Checked {
  assert.ok(checker, noChecker);
  const args = tiltArgs.length > 0 ? [path, '--', ...tiltArgs] : [path];
  const r = spawnSync(checker, args, { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, `starlark-check ${args.join(' ')} failed:\n${r.stderr}`);
  return JSON.parse(r.stdout) as Checked;
}

function runTiltfile(path: string): Resource[] {
  const checked = checkTiltfile(path);
  // Process mode touches no image and no cluster.
  assert.deepEqual(checked.images, []);
  assert.deepEqual(checked.k8sYaml, []);
  assert.deepEqual(checked.k8sResources, []);
  return checked.resources;
}

const haveKubectl = !spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).error;

function expectMatchesTable(resources: Resource[], table: Stack, base: string): void {
  const byName = new Map(resources.map((r) => [r.name, r]));
  assert.equal(byName.size, resources.length, 'resource names are unique');
  const infraNames = Object.keys(table.infra);
  assert.deepEqual(
    [...byName.keys()].sort(),
    [
      ...infraNames,
      ...table.services.map((s) => s.name),
      ...(table.console ? [table.console.name] : []),
      'build',
    ].sort(),
    'one resource per infra entry and service, the console, plus build',
  );
  const vars = (port?: number) => ({ port, dataDir: DATA_DIR, root: base });

  for (const [name, infra] of Object.entries(table.infra)) {
    const r = byName.get(name) as Resource;
    assert.deepEqual(
      r.serveCmd,
      infra.command.map((a) => substitute(a, vars(infra.port))),
      `${name} serve_cmd`,
    );
    assert.equal(r.serveDir, base);
    assert.deepEqual(
      r.readinessProbe?.tcpSocket,
      { port: infra.port, host: '127.0.0.1' },
      `${name} readiness`,
    );
    // Every {dataDir} path of the command exists before the server starts.
    for (const a of infra.command.filter((x) => x.includes('{dataDir}'))) {
      assert.ok(r.cmd?.includes(substitute(a, vars())), `${name} creates ${a}`);
    }
    assert.equal(r.dir, base);
  }

  const build = byName.get('build') as Resource;
  assert.deepEqual(build.cmd, ['npm run build']);
  assert.equal(build.dir, base);
  for (const s of table.services)
    assert.ok(build.deps?.includes(join(base, 'services', s.name, 'src')), `build watches ${s.name}`);
  if (table.console) {
    assert.ok(
      build.deps?.includes(join(base, 'services', table.console.name, 'src')),
      'build watches the console',
    );
    assert.ok(build.deps?.includes(join(base, 'services', table.console.name, 'web')), 'and its browser app');
  }
  for (const d of build.deps ?? []) {
    assert.doesNotMatch(d, /[/\\]dist([/\\]|$)|tsbuildinfo/, `build must not watch its own output: ${d}`);
  }

  const haveGrpcurl = existsSync(join(base, '.baton', 'bin', 'grpcurl'));
  for (const s of table.services) {
    const r = byName.get(s.name) as Resource;
    assert.deepEqual(
      r.serveCmd,
      s.command.map((a) => substitute(a, vars(s.port))),
      `${s.name} serve_cmd`,
    );
    assert.equal(r.serveDir, base);
    const env = r.serveEnv ?? {};
    assert.equal(env[s.portEnv], String(s.port));
    assert.equal(env.BATON_HOST, '127.0.0.1');
    // Its own internal port, and every service's internal address (as @baton/testing sets them).
    assert.equal(env[s.internalPortEnv], String(s.internalPort), `${s.name} internal port`);
    for (const peer of table.services) {
      assert.equal(
        env[peer.internalAddrEnv],
        `127.0.0.1:${peer.internalPort}`,
        `${s.name} finds ${peer.name}`,
      );
    }
    // Loopback binds run in dev mode; a dev stack must not half-enable security.
    assert.equal(env.BATON_TLS, undefined);
    assert.equal(env.BATON_AUTH, undefined);
    for (const [key, infra] of Object.entries(table.infra)) {
      assert.equal(
        env[`${key.toUpperCase()}_URL`],
        substitute(infra.url, vars(infra.port)),
        `${s.name} ${key} URL`,
      );
    }
    for (const v of Object.values(env)) {
      const host = /^[a-z]+:\/\/([^:/]+)/.exec(v)?.[1];
      if (host) assert.equal(host, '127.0.0.1', `only loopback: ${v}`);
    }
    assert.deepEqual(
      [...(r.resourceDeps ?? [])].sort(),
      ['build', ...infraNames].sort(),
      `${s.name} waits for build and infra`,
    );
    assert.ok(
      r.deps?.includes(join(base, 'services', s.name, 'dist')),
      `${s.name} restarts on new build output`,
    );
    const probe = r.readinessProbe;
    assert.ok(probe, `${s.name} has a readiness probe`);
    if (haveGrpcurl) {
      const cmd = probe.exec?.command.join(' ') ?? '';
      assert.ok(cmd.includes(`127.0.0.1:${s.port}`), cmd);
      assert.ok(cmd.includes(s.grpcService), cmd);
      assert.ok(cmd.includes('grpc.health.v1.Health/Check'), cmd);
    } else {
      assert.deepEqual(probe.tcpSocket, { port: s.port, host: '127.0.0.1' });
    }
  }
  if (table.console) {
    const c = table.console;
    const r = byName.get(c.name) as Resource;
    assert.deepEqual(
      r.serveCmd,
      c.command.map((a) => substitute(a, vars(c.port))),
      'console serve_cmd',
    );
    assert.equal(r.serveDir, base);
    const env = r.serveEnv ?? {};
    assert.equal(env[c.portEnv], String(c.port));
    assert.equal(env.BATON_HOST, '127.0.0.1');
    // A client of every service's public port, as the SDK finds them; no store, no token, no TLS.
    for (const s of table.services)
      assert.equal(
        env[`BATON_${s.name.toUpperCase().replace(/-/g, '_')}_ADDR`],
        `127.0.0.1:${s.port}`,
        `console finds ${s.name}`,
      );
    for (const key of ['MONGODB_URL', 'REDIS_URL', 'BATON_TOKEN', 'BATON_TLS', 'BATON_AUTH'])
      assert.equal(env[key], undefined, `console env has no ${key}`);
    assert.deepEqual(r.readinessProbe?.httpGet, {
      port: c.port,
      host: '127.0.0.1',
      scheme: 'http',
      path: c.healthPath,
    });
    assert.deepEqual(
      [...(r.resourceDeps ?? [])].sort(),
      ['build', ...table.services.map((s) => s.name)].sort(),
    );
    assert.ok(
      r.deps?.includes(join(base, 'services', c.name, 'dist')),
      'console restarts on new build output',
    );
  }
}

describe('tilt/Tiltfile under the real Starlark interpreter', () => {
  // Built while the file is collected, not in a hook: whether the tests run or skip depends on it.
  {
    const out = join(root, '.tmp', 'starlark-check');
    const r = spawnSync('go', ['build', '-C', join(root, 'tilt', 'starlark-check'), '-o', out, '.'], {
      encoding: 'utf8',
      timeout: 300_000,
    });
    if (r.error) noChecker = `go is not installed (${r.error.message})`;
    else if (r.status !== 0 && /dial tcp|lookup |proxy|i\/o timeout|no such host/i.test(r.stderr)) {
      noChecker = `go.starlark.net could not be downloaded: ${r.stderr.trim().split('\n')[0]}`;
    } else {
      assert.equal(r.status, 0, `building tilt/starlark-check failed:\n${r.stderr}`);
      checker = out;
    }
  }
  if (noChecker) console.warn(`skipped: ${noChecker}`);
  const withChecker = checker ? test : test.skip;
  const cleanup = cleanupsAfterEach();

  withChecker('declares exactly the processes of stack.json, substituted', () => {
    expectMatchesTable(runTiltfile(tiltfilePath), stack, root);
  });

  withChecker('follows a different table: nothing is hard-coded', () => {
    // A copy of the layout with other ports, an extra service and an extra infra entry.
    const dir = mkdtempSync(join(tmpdir(), 'baton-tilt-'));
    cleanup(() => rmSync(dir, { recursive: true, force: true }));
    mkdirSync(join(dir, 'tilt'));
    cpSync(tiltfilePath, join(dir, 'tilt', 'Tiltfile'));
    mkdirSync(join(dir, 'packages', 'kit'), { recursive: true });
    const other: Stack = JSON.parse(JSON.stringify(stack));
    for (const i of Object.values(other.infra)) i.port += 1000;
    for (const s of other.services) {
      s.port += 1000;
      s.internalPort += 1000;
    }
    if (other.console) other.console.port += 1000;
    other.infra.queue = {
      port: 14222,
      url: 'nats://127.0.0.1:{port}',
      command: ['nats-server', '-p', '{port}', '-sd', '{dataDir}/nats'],
    };
    other.services.push({
      name: 'extra',
      port: 18405,
      portEnv: 'EXTRA_PORT',
      internalPort: 18415,
      internalPortEnv: 'EXTRA_INTERNAL_PORT',
      internalAddrEnv: 'BATON_EXTRA_INTERNAL_ADDR',
      grpcService: 'baton.v1.ExtraService',
      command: ['node', '{root}/services/extra/dist/main.js', '--port', '{port}'],
    });
    writeFileSync(join(dir, 'stack.json'), JSON.stringify(other));
    writeFileSync(join(dir, 'package.json'), '{}');
    expectMatchesTable(runTiltfile(join(dir, 'tilt', 'Tiltfile')), other, dir);
  });

  // kustomize() renders the overlay with kubectl.
  (haveKubectl ? withChecker : test.skip)(
    'cluster mode: the image from the root Dockerfile, k8s/overlays/dev, a resource per service',
    () => {
      const c = checkTiltfile(tiltfilePath, ['--mode=cluster']);
      // The one image every Deployment runs, built from the repository root.
      assert.deepEqual(
        c.images.map((i) => [i.ref, i.context, i.dockerfile]),
        [['baton', root, join(root, 'Dockerfile')]],
      );
      assert.deepEqual(
        c.k8sYaml.map((y) => [y.source, y.path]),
        [['kustomize', join(root, 'k8s', 'overlays', 'dev')]],
      );
      const objects = c.k8sYaml[0].objects;
      const infraNames = Object.keys(stack.infra).sort();
      const byName = new Map(c.k8sResources.map((r) => [r.name, r]));
      assert.deepEqual(
        [...byName.keys()].sort(),
        [
          ...infraNames,
          ...stack.services.map((s) => s.name),
          ...(stack.console ? [stack.console.name] : []),
        ].sort(),
        "one k8s_resource per service, the console and per infra entry (the overlay's MongoDB and Redis)",
      );
      // No local processes: only the resource that makes the Secrets in the overlay's namespace.
      assert.deepEqual(
        c.resources.map((r) => r.name),
        ['k8s-secrets'],
      );
      const secrets = c.resources[0];
      const namespaces = new Set(objects.filter((o) => o.kind !== 'Namespace').map((o) => o.namespace));
      assert.deepEqual([...namespaces], ['baton-dev'], "the dev overlay's namespace");
      assert.match(
        secrets.cmd?.join(' ') ?? '',
        /make-k8s-secrets\.mjs --namespace baton-dev --apply --keep-existing/,
      );
      assert.equal(secrets.dir, root);
      for (const s of stack.services) {
        const r = byName.get(s.name);
        assert.ok(r, `k8s_resource ${s.name}`);
        assert.equal(r.workload, s.name);
        assert.ok(
          objects.some((o) => o.kind === 'Deployment' && o.name === s.name),
          `the overlay has a Deployment ${s.name}`,
        );
        assert.deepEqual(
          r.portForwards?.map((p) => [p.local, p.container]),
          [[s.port, s.port]],
          `${s.name} forwards its public port ${s.port}`,
        );
        assert.deepEqual([...(r.resourceDeps ?? [])].sort(), ['k8s-secrets', ...infraNames].sort());
      }
      if (stack.console) {
        const c = byName.get(stack.console.name);
        assert.ok(c, 'k8s_resource console');
        assert.ok(
          objects.some((o) => o.kind === 'Deployment' && o.name === stack.console!.name),
          'the overlay has the console Deployment',
        );
        assert.deepEqual(
          c.portForwards?.map((p) => [p.local, p.container]),
          [[stack.console.port, stack.console.port]],
        );
      }
      for (const name of infraNames) {
        assert.ok(
          objects.some((o) => o.kind === 'StatefulSet' && o.name === name),
          `the overlay runs ${name} as a StatefulSet`,
        );
      }
    },
  );

  withChecker('an unknown mode or flag is refused', () => {
    assert.ok(checker);
    for (const args of [['--mode=clusterr'], ['--mood=cluster']]) {
      const r = spawnSync(checker, [tiltfilePath, '--', ...args], { encoding: 'utf8', timeout: 60_000 });
      assert.notEqual(r.status, 0, `${args} accepted`);
      assert.match(r.stderr, /mode must be process or cluster|unknown flag --mood/);
    }
  });
});
