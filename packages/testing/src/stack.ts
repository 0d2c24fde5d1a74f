// The whole local stack — FerretDB, Redis and the four services as separate
// processes — as the tests and `npm start` use it. Ports, commands and port
// variables come from stack.json (the table tilt/Tiltfile reads too).
import { chmodSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { credentials, makeGenericClientConstructor } from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';
import { type FerretHandle, findRepoRoot, startFerret } from './ferret';
import { type SecurityMaterial, makeSecurityMaterial } from './security';
import { type Proc, failure, killGroup, startProc, stopProc } from './process';
import { type RedisHandle, startRedis } from './redis';
import { type RedisClusterHandle, startRedisCluster } from './redis-cluster';
import { freePort, waitFor } from './wait';

/** The web console's row of stack.json: an HTTP server, ready when healthPath answers 200. */
export interface StackConsoleSpec {
  name: string;
  port: number;
  portEnv: string;
  healthPath: string;
  command: string[];
}

export interface StackTable {
  infra: Record<'mongodb' | 'redis', { port: number; url: string; command: string[] }>;
  console?: StackConsoleSpec;
  services: {
    name: string;
    port: number;
    portEnv: string;
    /** The port for service-to-service calls, its variable, and where peers find it. */
    internalPort: number;
    internalPortEnv: string;
    internalAddrEnv: string;
    /** Where `npm start` serves its Prometheus metrics (BATON_METRICS_PORT). */
    metricsPort: number;
    grpcService: string;
    command: string[];
  }[];
}

export function readStackTable(root = findRepoRoot()): StackTable {
  return JSON.parse(readFileSync(join(root, 'stack.json'), 'utf8')) as StackTable;
}

export interface StackOptions {
  /** "free" (default): hermetic free ports; "table": stack.json's ports, overridable by their env variables. */
  ports?: 'free' | 'table';
  /** Data dir for FerretDB and Redis; default a temp dir removed by stop(). */
  dataDir?: string;
  /** Where each service writes its log (<name>.log); default <dataDir or tmp>/logs. */
  logDir?: string;
  /** Only these services (default all four). */
  services?: string[];
  /** Extra environment for the services (e.g. LOG_LEVEL). */
  env?: Record<string, string>;
  /** The FerretDB started stores in this PostgreSQL database instead of SQLite (benchmarks). */
  ferretPostgresqlUrl?: string;
  /** Use these servers instead of starting FerretDB / Redis. */
  mongoUrl?: string;
  redisUrl?: string;
  /**
   * The Redis to start: "single" (one redis-server) or "cluster" (a local 3-master Redis Cluster,
   * REDIS_URL `redis+cluster://...`). Default: the BATON_TEST_REDIS variable ("single" or
   * "cluster"), else "single".
   */
  redis?: 'single' | 'cluster';
  /** Deadline for each service to report SERVING (default 30 s). */
  startTimeoutMs?: number;
  /**
   * "dev" (default): plaintext, no auth, as `npm start` runs on loopback. "secure": a throwaway CA
   * and service certificates (TLS on every port, mTLS on the internal ones) and BATON_AUTH=required
   * with the tokens of `security.tokens`.
   */
  security?: 'dev' | 'secure';
  /** Secure mode only: turn off one half (npm start's BATON_TLS / BATON_AUTH); both on by default. */
  tls?: boolean;
  auth?: boolean;
  /** Secure mode: where the material is written (default a fresh folder beside the logs). */
  securityDir?: string;
  /**
   * Serve Prometheus metrics (BATON_METRICS_PORT) on a port of each service's own: free ports,
   * or stack.json's metricsPort in "table" mode. Default: on in "table" mode, off otherwise.
   */
  metrics?: boolean;
  /**
   * Also start the web console (services/console, after the services), calling their public ports
   * as any client does: `stack.consoleUrl` is its base URL (http://127.0.0.1:<port>, no trailing
   * slash), `stack.console` its process. Needs `npm run build` (the web bundle). It gets no token
   * of its own: in secure mode a caller sends `Authorization: Bearer …` as a browser would.
   */
  console?: boolean;
}

export interface ServiceProcess {
  name: string;
  port: number;
  /** The internal (service-to-service) port, and 127.0.0.1:<it>. */
  internalPort: number;
  internalAddr: string;
  /** 127.0.0.1:<port> */
  addr: string;
  /** Its Prometheus endpoint (http://127.0.0.1:<port>/metrics), when metrics are on. */
  metricsUrl?: string;
  logFile: string;
  readonly pid: number | undefined;
  /** SIGKILL the process group now (crash simulation). */
  kill9(): void;
  /** SIGTERM and wait (graceful shutdown). */
  stop(): Promise<void>;
  /** Start again on the same port; waits until SERVING. */
  start(): Promise<void>;
  /** The exit of the current process (resolves when it ends). */
  exited(): Promise<void>;
}

export interface Stack {
  mongoUrl: string;
  redisUrl: string;
  ferret?: FerretHandle;
  /** The Redis it started: one server, or (see `redisCluster`) every master of a cluster at once. */
  redis?: RedisHandle;
  /** The cluster it started, when `redis: "cluster"`. */
  redisCluster?: RedisClusterHandle;
  services: Record<string, ServiceProcess>;
  /** Service name → 127.0.0.1:port. */
  addresses: Record<string, string>;
  /** Environment that points the SDK/CLI at this stack (BATON_<SERVICE>_ADDR; in secure mode the CA and an admin token too). */
  clientEnv: Record<string, string>;
  /** Service name → 127.0.0.1:internal port. */
  internalAddresses: Record<string, string>;
  /** Secure mode: the CA, certificates and tokens the stack made. */
  security?: SecurityMaterial;
  /** With `console: true`: the console's base URL (http://127.0.0.1:<port>) and its process. */
  consoleUrl?: string;
  console?: ServiceProcess;
  /** Starts one more replica of a service (same environment, its own free port). */
  addReplica(name: string): Promise<ServiceProcess>;
  stop(): Promise<void>;
}

/** Asks grpc.health.v1.Health/Check once; resolves to the status name or an error text. */
export function healthStatus(addr: string, service = '', timeoutMs = 1000, caFile?: string): Promise<string> {
  const Client = makeGenericClientConstructor(healthService, 'Health');
  const client = new Client(
    addr,
    caFile ? credentials.createSsl(readFileSync(caFile)) : credentials.createInsecure(),
  );
  return new Promise<string>((resolve) => {
    (client as unknown as Record<string, (...a: unknown[]) => void>).check(
      { service },
      { deadline: Date.now() + timeoutMs },
      (err: Error | null, res: { status: string | number }) => {
        client.close();
        resolve(err ? `error: ${err.message}` : String(res.status));
      },
    );
  });
}

function portFor(table: StackTable['services'][number], mode: 'free' | 'table'): Promise<number> | number {
  if (mode === 'free') return freePort();
  const fromEnv = process.env[table.portEnv];
  return fromEnv ? Number(fromEnv) : table.port;
}

/** BATON_TEST_REDIS: which Redis test stacks start by default ("single" or "cluster"). */
export function testRedisKind(env: NodeJS.ProcessEnv = process.env): 'single' | 'cluster' {
  const v = env.BATON_TEST_REDIS ?? 'single';
  if (v !== 'single' && v !== 'cluster')
    throw new Error(`BATON_TEST_REDIS must be single or cluster, not ${JSON.stringify(v)}`);
  return v;
}

export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const root = findRepoRoot();
  const table = readStackTable(root);
  const mode = opts.ports ?? 'free';
  const infraPort = (name: 'mongodb' | 'redis') => (mode === 'free' ? undefined : table.infra[name].port);
  const stopInfra: (() => Promise<void>)[] = [];
  let ferret: FerretHandle | undefined;
  let redis: RedisHandle | undefined;
  let redisCluster: RedisClusterHandle | undefined;
  const redisKind = opts.redis ?? testRedisKind();
  let mongoUrl = opts.mongoUrl;
  let redisUrl = opts.redisUrl;
  const dataDir = opts.dataDir;
  // Private to the service user: step code runs as another user and must not read the database files.
  if (dataDir) privateDir(dataDir);
  try {
    await Promise.all([
      mongoUrl
        ? undefined
        : startFerret({
            port: infraPort('mongodb'),
            dataDir: dataDir && join(dataDir, 'ferretdb'),
            ...(opts.ferretPostgresqlUrl ? { postgresqlUrl: opts.ferretPostgresqlUrl } : {}),
          }).then((f) => {
            ferret = f;
            stopInfra.push(() => f.stop());
            mongoUrl = `mongodb://127.0.0.1:${f.port}/baton`;
          }),
      redisUrl
        ? undefined
        : (redisKind === 'cluster'
            ? startRedisCluster({ dir: dataDir && join(dataDir, 'redis-cluster') }).then((c) => {
                redisCluster = c;
                return c;
              })
            : startRedis({ port: infraPort('redis'), dir: dataDir && join(dataDir, 'redis') })
          ).then((r) => {
            redis = r;
            stopInfra.push(() => r.stop());
            redisUrl = r.url;
          }),
    ]);
  } catch (err) {
    await Promise.allSettled(stopInfra.map((s) => s()));
    throw err;
  }
  const logDir =
    opts.logDir ?? join(dataDir ?? ferret?.dataDir ?? root, dataDir || ferret ? 'logs' : '.baton/logs');
  privateDir(logDir);

  const wanted = table.services.filter((s) => !opts.services || opts.services.includes(s.name));
  const ports = new Map<string, number>();
  const internalPorts = new Map<string, number>();
  for (const s of wanted) {
    ports.set(s.name, await portFor(s, mode));
    internalPorts.set(
      s.name,
      mode === 'free' ? await freePort() : Number(process.env[s.internalPortEnv] || s.internalPort),
    );
  }
  const metricsPorts = new Map<string, number>();
  if (opts.metrics ?? mode === 'table')
    for (const s of wanted) metricsPorts.set(s.name, mode === 'free' ? await freePort() : s.metricsPort);
  const addresses = Object.fromEntries(wanted.map((s) => [s.name, `127.0.0.1:${ports.get(s.name)}`]));
  const internalAddresses = Object.fromEntries(
    wanted.map((s) => [s.name, `127.0.0.1:${internalPorts.get(s.name)}`]),
  );
  const material =
    opts.security === 'secure'
      ? makeSecurityMaterial(opts.securityDir ?? join(logDir, '..', `security-${process.pid}-${Date.now()}`))
      : undefined;
  const tlsOn = material !== undefined && opts.tls !== false;
  const authOn = material !== undefined && opts.auth !== false;
  const security = material && {
    ...material,
    serviceEnv: Object.fromEntries(
      Object.entries(material.serviceEnv).filter(
        ([k]) => (tlsOn || !k.startsWith('BATON_TLS')) && (authOn || !k.startsWith('BATON_AUTH')),
      ),
    ),
  };
  const clientEnv: Record<string, string> = {
    ...Object.fromEntries(
      wanted.map((s) => [`BATON_${s.name.toUpperCase().replace(/-/g, '_')}_ADDR`, addresses[s.name]!]),
    ),
    ...(security && tlsOn ? { BATON_TLS_CA: security.caFile } : {}),
    ...(security && authOn ? { BATON_TOKEN: security.tokens.admin! } : {}),
  };
  const baseEnv: NodeJS.ProcessEnv = {
    ...process.env,
    MONGODB_URL: mongoUrl,
    REDIS_URL: redisUrl,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    // Each service finds the others on their internal ports (scheduler → definition, step-runtime → scheduler...).
    ...Object.fromEntries(wanted.map((s) => [s.internalAddrEnv, internalAddresses[s.name]])),
    ...(security ? security.serviceEnv : {}),
    ...opts.env,
  };
  const services: Record<string, ServiceProcess> = {};
  for (const s of wanted)
    services[s.name] = makeService(
      root,
      s,
      ports.get(s.name)!,
      internalPorts.get(s.name)!,
      logDir,
      baseEnv,
      opts.startTimeoutMs ?? 30_000,
      tlsOn ? security : undefined,
      metricsPorts.get(s.name),
    );
  try {
    await Promise.all(Object.values(services).map((s) => s.start()));
  } catch (err) {
    await Promise.allSettled(Object.values(services).map((s) => s.stop()));
    await Promise.allSettled(stopInfra.map((s) => s()));
    throw err;
  }
  let consoleProc: ServiceProcess | undefined;
  if (opts.console) {
    const spec = table.console;
    const stopAll = async () => {
      await Promise.allSettled(Object.values(services).map((s) => s.stop()));
      await Promise.allSettled(stopInfra.map((s) => s()));
    };
    if (!spec) {
      await stopAll();
      throw new Error('stack.json has no console entry');
    }
    const port = mode === 'free' ? await freePort() : Number(process.env[spec.portEnv] || spec.port);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      LOG_LEVEL: baseEnv.LOG_LEVEL,
      BATON_HOST: '127.0.0.1',
      // The services' public ports as clientEnv names them (and the CA in TLS mode).
      ...clientEnv,
      ...opts.env,
    };
    // Never a token of its own: the console forwards each caller's.
    delete env.BATON_TOKEN;
    consoleProc = makeConsole(root, spec, port, logDir, env, opts.startTimeoutMs ?? 30_000);
    try {
      await consoleProc.start();
    } catch (err) {
      await consoleProc.stop();
      await stopAll();
      throw err;
    }
  }
  const replicas: ServiceProcess[] = [];
  return {
    mongoUrl: mongoUrl!,
    redisUrl: redisUrl!,
    ferret,
    redis,
    ...(redisCluster ? { redisCluster } : {}),
    services,
    addresses,
    internalAddresses,
    clientEnv,
    ...(security ? { security } : {}),
    ...(consoleProc ? { console: consoleProc, consoleUrl: `http://${consoleProc.addr}` } : {}),
    async addReplica(name: string) {
      const spec = table.services.find((s) => s.name === name);
      if (!spec) throw new Error(`no service ${name} in stack.json`);
      const replica = makeService(
        root,
        { ...spec, name: `${name}-${replicas.length + 2}` },
        await freePort(),
        await freePort(),
        logDir,
        baseEnv,
        opts.startTimeoutMs ?? 30_000,
        tlsOn ? security : undefined,
        metricsPorts.size > 0 ? await freePort() : undefined,
      );
      replicas.push(replica);
      await replica.start();
      return replica;
    },
    async stop() {
      await consoleProc?.stop();
      await Promise.allSettled([...Object.values(services), ...replicas].map((s) => s.stop()));
      await Promise.allSettled(stopInfra.map((s) => s()));
    },
  };
}

function makeService(
  root: string,
  spec: StackTable['services'][number],
  port: number,
  internalPort: number,
  logDir: string,
  baseEnv: NodeJS.ProcessEnv,
  timeoutMs: number,
  security: SecurityMaterial | undefined,
  metricsPort?: number,
): ServiceProcess {
  const addr = `127.0.0.1:${port}`;
  const life = processLifecycle({
    root,
    name: spec.name,
    command: spec.command,
    // BATON_SERVICE_NODE_ARGS: extra node flags for the services (e.g. --cpu-prof when profiling a bench).
    nodeArgs: (process.env.BATON_SERVICE_NODE_ARGS ?? '').split(' ').filter(Boolean),
    env: {
      ...baseEnv,
      [spec.portEnv]: String(port),
      [spec.internalPortEnv]: String(internalPort),
      ...(metricsPort ? { BATON_METRICS_PORT: String(metricsPort) } : {}),
    },
    logDir,
    timeoutMs,
    ready: {
      probe: () => healthStatus(addr, spec.grpcService, 1000, security?.caFile),
      answer: 'SERVING',
      what: `report SERVING on ${addr}`,
      failed: `did not become SERVING on ${addr}`,
    },
  });
  return {
    name: spec.name,
    port,
    internalPort,
    internalAddr: `127.0.0.1:${internalPort}`,
    addr,
    ...(metricsPort ? { metricsUrl: `http://127.0.0.1:${metricsPort}/metrics` } : {}),
    logFile: life.logFile,
    get pid() {
      return life.pid;
    },
    kill9: life.kill9,
    stop: life.stop,
    exited: life.exited,
    start: life.start,
  };
}

/** The web console as a process of the stack: ready once GET <healthPath> answers 200. */
function makeConsole(
  root: string,
  spec: StackConsoleSpec,
  port: number,
  logDir: string,
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): ServiceProcess {
  const addr = `127.0.0.1:${port}`;
  const life = processLifecycle({
    root,
    name: spec.name,
    command: spec.command,
    nodeArgs: [],
    env: { ...env, [spec.portEnv]: String(port) },
    logDir,
    timeoutMs,
    ready: {
      probe: () => httpStatus(`http://${addr}${spec.healthPath}`),
      answer: '200',
      what: `answer ${spec.healthPath} on ${addr}`,
      failed: `did not answer ${spec.healthPath} on ${addr}`,
    },
  });
  return {
    name: spec.name,
    port,
    // The console has no internal port: nothing calls it but browsers.
    internalPort: port,
    internalAddr: addr,
    addr,
    logFile: life.logFile,
    get pid() {
      return life.pid;
    },
    kill9: life.kill9,
    stop: life.stop,
    exited: life.exited,
    start: life.start,
  };
}

/**
 * One process of a stack (a service or the console): started in its own process group with its log
 * in `<logDir>/<name>.log`, ready once `ready.probe` answers `ready.answer`; kill -9, stop and
 * restart on the same port.
 */
function processLifecycle(opts: {
  root: string;
  name: string;
  command: string[];
  /** Extra node flags, when the command is `node`. */
  nodeArgs: string[];
  env: NodeJS.ProcessEnv;
  logDir: string;
  timeoutMs: number;
  ready: { probe: () => Promise<string>; answer: string; what: string; failed: string };
}): Pick<ServiceProcess, 'logFile' | 'pid' | 'kill9' | 'stop' | 'exited' | 'start'> {
  const logFile = join(opts.logDir, `${opts.name}.log`);
  let proc: Proc | undefined;
  const [cmd, ...args] = opts.command;
  return {
    logFile,
    get pid() {
      return proc?.exitInfo() === undefined ? proc?.child.pid : undefined;
    },
    kill9() {
      if (proc) killGroup(proc.child, 'SIGKILL');
    },
    async stop() {
      if (proc) await stopProc(proc, 15_000);
    },
    exited: () => {
      if (!proc) return Promise.resolve();
      // The child is unref'd (a forgotten stack must not hold the test process open), so keep
      // the event loop alive while someone is waiting for it to end.
      const keepAlive = setInterval(() => {}, 1000);
      return proc.exited.finally(() => clearInterval(keepAlive));
    },
    async start() {
      if (proc && proc.exitInfo() === undefined) return;
      const node = cmd === 'node';
      const p = startProc(
        node ? process.execPath : cmd,
        [...(node ? opts.nodeArgs : []), ...args],
        opts.name,
        {
          cwd: opts.root,
          env: opts.env,
          logFile,
        },
      );
      proc = p;
      let last = '';
      try {
        await waitFor(
          async () => {
            if (p.exitInfo() !== undefined) throw new Error(`exited (${p.exitInfo()})`);
            last = await opts.ready.probe();
            return last === opts.ready.answer;
          },
          {
            timeoutMs: opts.timeoutMs,
            intervalMs: 100,
            what: `${opts.name} to ${opts.ready.what} (last: ${last})`,
          },
        );
      } catch (err) {
        throw failure(opts.name, p, opts.ready.failed, err);
      }
    },
  };
}

/** One GET: the status code as text, or the error. */
async function httpStatus(url: string): Promise<string> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
    await res.arrayBuffer();
    return String(res.status);
  } catch (err) {
    return `error: ${(err as Error).message}`;
  }
}

/** Creates `dir` (0700), or closes an existing one to other users. */
function privateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
}
