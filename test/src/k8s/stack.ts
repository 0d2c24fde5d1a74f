import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The shape of /stack.json (the one table of local processes). */
export interface StackInfra {
  port: number;
  url: string;
  command: string[];
}
export interface StackService {
  name: string;
  port: number;
  portEnv: string;
  /** The port for service-to-service calls (mTLS when BATON_TLS=on) and its env variable. */
  internalPort: number;
  internalPortEnv: string;
  /** Where the other services find this one's internal port: BATON_<SERVICE>_INTERNAL_ADDR. */
  internalAddrEnv: string;
  grpcService: string;
  command: string[];
}
/** The web console's row: an HTTP server, ready when healthPath answers 200. */
export interface StackConsole {
  name: string;
  port: number;
  portEnv: string;
  healthPath: string;
  command: string[];
}
export interface Stack {
  infra: Record<string, StackInfra>;
  services: StackService[];
  console?: StackConsole;
}

/** The repository root: the nearest folder above this file holding stack.json. */
export function repoRoot(from: string = __dirname): string {
  let dir = from;
  for (;;) {
    if (existsSync(join(dir, 'stack.json')) && existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`no stack.json above ${from}`);
    dir = up;
  }
}

export function readStack(root: string = repoRoot()): Stack {
  return JSON.parse(readFileSync(join(root, 'stack.json'), 'utf8')) as Stack;
}

/** The substitution that scripts/start.mjs, @baton/testing and tilt/Tiltfile all apply. */
export function substitute(value: string, vars: { port?: number; dataDir: string; root: string }): string {
  let out = value.replaceAll('{root}', vars.root).replaceAll('{dataDir}', vars.dataDir);
  if (vars.port !== undefined) out = out.replaceAll('{port}', String(vars.port));
  return out;
}
