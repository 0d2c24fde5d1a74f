// The web console as a process beside a test stack: `node services/console/dist/main.js` on a free
// loopback port, calling the stack's public ports as any client does. (Once @baton/testing's
// startStack({ console: true }) is on main this helper gives way to stack.consoleUrl.)
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { failure, findRepoRoot, freePort, type Stack, startProc, stopProc, waitFor } from '@baton/testing';

export interface ConsoleProcess {
  /** http://127.0.0.1:<port>, no trailing slash. */
  consoleUrl: string;
  stop(): Promise<void>;
}

export async function startConsole(stack: Stack): Promise<ConsoleProcess> {
  const root = findRepoRoot();
  const main = join(root, 'services', 'console', 'dist', 'main.js');
  if (!existsSync(join(root, 'services', 'console', 'dist', 'web', 'app.js')))
    throw new Error('the console web app is not built: run `npm run build` (tsc -b and build-web)');
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...stack.clientEnv,
    CONSOLE_PORT: String(port),
    BATON_HOST: '127.0.0.1',
    BATON_LOG_LEVEL: 'warn',
  };
  // The console has no credentials of its own: the browser sends its token.
  delete env.BATON_TOKEN;
  const proc = startProc(process.execPath, [main], 'console', { env, cwd: root });
  const consoleUrl = `http://127.0.0.1:${port}`;
  try {
    await waitFor(
      // An exit ends the wait at once (and fails below) rather than at the deadline.
      async () => proc.exitInfo() !== undefined || (await fetch(`${consoleUrl}/healthz`)).ok,
      { timeoutMs: 20_000, intervalMs: 100, what: 'the console to answer /healthz' },
    );
    if (proc.exitInfo() !== undefined) throw failure('console', proc, 'exited while starting');
  } catch (err) {
    await stopProc(proc, 2000);
    throw err;
  }
  return { consoleUrl, stop: () => stopProc(proc, 5000) };
}
