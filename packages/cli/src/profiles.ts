import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { parse } from 'yaml';
import { SERVICE_DEFAULTS } from '@baton/sdk';
import { CliUsageError } from './cli-errors';
import { SERVICE_FLAGS, splitHostPort } from './global-options';
import { OUTPUT_FORMATS, type OutputFormat } from './output/record-text';

/**
 * A named connection in the config file (`~/.config/baton/config.yaml`):
 *
 *     current_profile: local
 *     profiles:
 *       local: { addr: 127.0.0.1 }
 *       prod:
 *         addr: baton.example.com:443        # or definition_addr, scheduler_addr, ...
 *         tls_ca: ~/certs/baton-ca.pem        # or tls: true for the system's CAs
 *         token_file: ~/.config/baton/prod.token
 *         timeout: 30s
 *         output: wide
 */
export interface Profile {
  name: string;
  /** Where the file is; relative paths in it are relative to its folder. */
  file: string;
  addr?: string;
  definitionAddr?: string;
  schedulerAddr?: string;
  stepRuntimeAddr?: string;
  signalAddr?: string;
  tls?: boolean;
  tlsCa?: string;
  token?: string;
  timeout?: string;
  output?: OutputFormat;
  /** Chosen by --profile or BATON_PROFILE (its values then beat BATON_* variables), not by current_profile. */
  explicit: boolean;
}

const STRING_KEYS: Record<string, keyof Profile> = {
  addr: 'addr',
  definition_addr: 'definitionAddr',
  scheduler_addr: 'schedulerAddr',
  step_runtime_addr: 'stepRuntimeAddr',
  signal_addr: 'signalAddr',
  tls_ca: 'tlsCa',
  token: 'token',
  token_file: 'token',
  timeout: 'timeout',
  output: 'output',
};
const KEYS = new Set([...Object.keys(STRING_KEYS), 'tls']);

/** The config file: $BATON_CONFIG, else $XDG_CONFIG_HOME/baton/config.yaml, else ~/.config/baton/config.yaml. */
export function configPath(env: NodeJS.ProcessEnv): string {
  if (env.BATON_CONFIG) return resolve(env.BATON_CONFIG);
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return join(base, 'baton', 'config.yaml');
}

/**
 * The profile to use: `--profile`, else $BATON_PROFILE, else the file's `current_profile`, else
 * none. A profile asked for by name must exist; a missing file is fine when none is asked for.
 * `warn` receives a warning when a file holding a token can be read by other users.
 */
export function loadProfile(
  asked: string | undefined,
  env: NodeJS.ProcessEnv,
  warn: (text: string) => void,
): Profile | undefined {
  const named = asked || env.BATON_PROFILE || undefined;
  const file = configPath(env);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && !named) return undefined;
    throw new CliUsageError(`cannot read ${file}: ${(err as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new CliUsageError(`${file} is not valid YAML: ${(err as Error).message}`);
  }
  const root = (doc ?? {}) as { current_profile?: unknown; profiles?: unknown };
  if (typeof root !== 'object' || Array.isArray(root)) throw new CliUsageError(`${file}: expected a mapping`);
  const profiles = (root.profiles ?? {}) as Record<string, unknown>;
  if (typeof profiles !== 'object' || Array.isArray(profiles))
    throw new CliUsageError(`${file}: profiles must be a mapping of names to profiles`);
  const name = named ?? (typeof root.current_profile === 'string' ? root.current_profile : undefined);
  if (!name) return undefined;
  const raw = profiles[name];
  if (raw === undefined) {
    const known = Object.keys(profiles);
    throw new CliUsageError(
      `no profile ${name} in ${file} (${known.length ? `profiles: ${known.join(', ')}` : 'it has none'})`,
    );
  }
  const profile = parseProfile(name, raw, file, named !== undefined);
  if (profile.token && raw && typeof raw === 'object' && 'token' in raw && readableByOthers(file))
    warn(`${file} holds a token and other users can read it: chmod 600 it (or use token_file)`);
  return profile;
}

function parseProfile(name: string, raw: unknown, file: string, explicit: boolean): Profile {
  const where = `${file}: profiles.${name}`;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new CliUsageError(`${where}: expected a mapping`);
  const p: Profile = { name, file, explicit };
  for (const [k, v] of Object.entries(raw)) {
    if (!KEYS.has(k))
      throw new CliUsageError(`${where}.${k}: unknown setting (known: ${[...KEYS].join(', ')})`);
    if (k === 'tls') {
      if (typeof v !== 'boolean') throw new CliUsageError(`${where}.tls: expected true or false`);
      p.tls = v;
      continue;
    }
    if (typeof v !== 'string' || v === '')
      throw new CliUsageError(`${where}.${k}: expected a non-empty string`);
    if (k === 'output' && !(OUTPUT_FORMATS as readonly string[]).includes(v))
      throw new CliUsageError(`${where}.output: expected one of ${OUTPUT_FORMATS.join(', ')}`);
    if (k === 'token_file') {
      const path = pathIn(file, v);
      try {
        p.token = readFileSync(path, 'utf8').trim();
      } catch (err) {
        throw new CliUsageError(`${where}.token_file: cannot read ${path}: ${(err as Error).message}`);
      }
      continue;
    }
    (p as unknown as Record<string, string>)[STRING_KEYS[k]!] = k === 'tls_ca' ? pathIn(file, v) : v;
  }
  return p;
}

/** `~/x` from home, a relative path from the config file's folder. */
function pathIn(file: string, path: string): string {
  if (path.startsWith('~/')) return join(homedir(), path.slice(2));
  return isAbsolute(path) ? path : resolve(file, '..', path);
}

function readableByOthers(file: string): boolean {
  try {
    return (statSync(file).mode & 0o077) !== 0;
  } catch {
    return false;
  }
}

/**
 * The BATON_* variables a profile stands for. An explicit profile's values override the
 * environment, and when it names servers, the environment's token and TLS settings are dropped (a
 * token exported for one server must not go to the server a profile names); `current_profile`
 * only fills what the environment leaves unset, and gives no credentials to servers the
 * environment chose.
 */
export function environmentWith(profile: Profile | undefined, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  if (!profile) return env;
  const vars: Record<string, string> = {};
  const base = profile.addr ? splitHostPort(profile.addr, 'profile addr') : undefined;
  for (const [service, key, , offset] of SERVICE_FLAGS) {
    const address =
      (profile[key as keyof Profile] as string | undefined) ?? (base && `${base.host}:${base.port + offset}`);
    if (address) vars[SERVICE_DEFAULTS[service].env] = address;
  }
  if (profile.token) vars.BATON_TOKEN = profile.token;
  if (profile.tlsCa) vars.BATON_TLS_CA = profile.tlsCa;
  if (profile.tls !== undefined) vars.BATON_TLS = profile.tls ? 'on' : 'off';
  const addressVars = SERVICE_FLAGS.map(([service]) => SERVICE_DEFAULTS[service].env);
  const credentialVars = ['BATON_TOKEN', 'BATON_TLS_CA', 'BATON_TLS'];
  const without = (from: NodeJS.ProcessEnv, names: string[]) =>
    Object.fromEntries(Object.entries(from).filter(([k]) => !names.includes(k)));
  if (profile.explicit) {
    // The profile names the servers: credentials exported for other servers stay behind, and
    // only the profile's own (if any) go with its addresses.
    const namesServers = addressVars.some((v) => vars[v] !== undefined);
    return { ...(namesServers ? without(env, credentialVars) : env), ...vars };
  }
  // current_profile fills in; if the environment names its own servers, the profile's
  // credentials must not go to them.
  const envNamesServers = addressVars.some((v) => env[v]);
  return { ...(envNamesServers ? without(vars, credentialVars) : vars), ...env };
}
