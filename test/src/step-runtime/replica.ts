import { join } from 'node:path';
import { freePort, healthStatus, type Proc, type Stack, startProc, stopProc, waitFor } from '@baton/testing';
import { repoRoot } from '../support/repo';

export interface Replica {
  proc: Proc;
  addr: string;
  internalAddr: string;
  stop(): Promise<void>;
}

/** Another step-runtime process on the same FerretDB and Redis (and the same fake scheduler). */
export async function startReplica(stack: Stack, env: Record<string, string>): Promise<Replica> {
  const port = await freePort();
  const addr = `127.0.0.1:${port}`;
  const internalPort = await freePort();
  const proc = startProc(
    process.execPath,
    [join(repoRoot, 'services/step-runtime/dist/main.js')],
    'step-runtime-2',
    {
      cwd: repoRoot,
      env: {
        ...process.env,
        ...env,
        MONGODB_URL: stack.mongoUrl,
        REDIS_URL: stack.redisUrl,
        STEP_RUNTIME_PORT: String(port),
        STEP_RUNTIME_INTERNAL_PORT: String(internalPort),
      },
    },
  );
  await waitFor(
    async () => {
      if (proc.exitInfo() !== undefined) throw new Error(`replica ${proc.exitInfo()}: ${proc.tail()}`);
      return (await healthStatus(addr, 'baton.v1.StepRuntimeService')) === 'SERVING';
    },
    { timeoutMs: 30_000, intervalMs: 100, what: `the second replica to serve on ${addr}` },
  );
  return { proc, addr, internalAddr: `127.0.0.1:${internalPort}`, stop: () => stopProc(proc, 15_000) };
}
