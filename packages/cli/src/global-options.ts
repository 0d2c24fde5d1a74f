import type { ConnectOptions, ServiceName } from '@baton/sdk';
import { type Command, Option } from 'commander';
import { CliUsageError } from './cli-errors';
import { OUTPUT_FORMATS, type OutputFormat } from './output/record-text';
import { parseDuration } from './parse-args';

/** The output format the flags ask for: -o wins over --json. */
export function outputFormatOf(opts: GlobalOptions): OutputFormat {
  return opts.output ?? (opts.json ? 'json' : 'text');
}

/** Options every command accepts (before or after the command name). */
export interface GlobalOptions {
  addr?: string;
  definitionAddr?: string;
  schedulerAddr?: string;
  stepRuntimeAddr?: string;
  signalAddr?: string;
  json?: boolean;
  output?: OutputFormat;
  profile?: string;
  timeout?: string;
  token?: string;
  tlsCa?: string;
  tls?: boolean;
}

/** Each service: its SDK name, its own address option, its flag, its port's offset from --addr's. */
export const SERVICE_FLAGS: Array<[ServiceName, keyof GlobalOptions, string, number]> = [
  ['definition', 'definitionAddr', 'definition', 0],
  ['scheduler', 'schedulerAddr', 'scheduler', 1],
  ['stepRuntime', 'stepRuntimeAddr', 'step-runtime', 2],
  ['signal', 'signalAddr', 'signal', 3],
];
const FIRST_PORT = 7401;

export function addGlobalOptions(program: Command): void {
  program
    .option(
      '--addr <host[:port]>',
      `host of all four services, at ports ${FIRST_PORT}..${FIRST_PORT + 3} or port..port+3`,
    )
    .addOption(
      new Option(
        '-o, --output <format>',
        'text, wide (more columns), json or yaml (errors too, on stderr)',
      ).choices(OUTPUT_FORMATS),
    )
    .addOption(new Option('--json', 'the same as -o json'))
    .option('--timeout <duration>', 'deadline of each call: 500ms, 10s, 2m (default: 10s)')
    .option(
      '--profile <name>',
      'a connection profile of ~/.config/baton/config.yaml (addresses, TLS, token, timeout, output); default: $BATON_PROFILE, else its current_profile',
    )
    .option('--token <token>', 'bearer token (API token or JWT); default: $BATON_TOKEN')
    .option('--tls-ca <file>', 'talk TLS, trusting this CA (PEM); default: $BATON_TLS_CA')
    .option('--tls', "talk TLS, trusting the system's CAs; default: $BATON_TLS=on");
  for (const [, , flag, offset] of SERVICE_FLAGS) {
    const envName = `BATON_${flag.toUpperCase().replace('-', '_')}_ADDR`;
    program.option(
      `--${flag}-addr <host:port>`,
      `default: $${envName}, else 127.0.0.1:${FIRST_PORT + offset}`,
    );
  }
}

/**
 * Connect options from the flags. Precedence per service: its own flag, then
 * --addr, then its BATON_*_ADDR variable, then 127.0.0.1:740x (the last two are
 * the SDK's own fallbacks, applied by connect()).
 */
export function connectOptionsFrom(opts: GlobalOptions, env: NodeJS.ProcessEnv): ConnectOptions {
  const addresses: Partial<Record<ServiceName, string>> = {};
  const base = opts.addr ? splitHostPort(opts.addr) : undefined;
  for (const [service, key, , offset] of SERVICE_FLAGS) {
    const own = opts[key];
    if (typeof own === 'string' && own !== '') addresses[service] = own;
    else if (base) addresses[service] = `${base.host}:${base.port + offset}`;
  }
  // The SDK reads BATON_TOKEN, BATON_TLS_CA and BATON_TLS from env; the flags win over them.
  const withFlags: NodeJS.ProcessEnv = {
    ...env,
    ...(opts.token ? { BATON_TOKEN: opts.token } : {}),
    ...(opts.tlsCa ? { BATON_TLS_CA: opts.tlsCa } : {}),
    ...(opts.tls ? { BATON_TLS: 'on' } : {}),
  };
  // A person waits at the prompt: a service that is down is said in a fraction of a second
  // (three tries, 100 + 200 ms apart), not after the whole deadline of retries a program would want.
  return {
    addresses,
    env: withFlags,
    timeoutMs: parseDuration(opts.timeout ?? '10s'),
    retry: { maxAttempts: 3 },
  };
}

/** host[:port] of all four services (at port..port+3, default 7401); `what` names it in errors. */
export function splitHostPort(addr: string, what = '--addr'): { host: string; port: number } {
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(addr.trim());
  const port = m?.[2] === undefined ? FIRST_PORT : Number(m[2]);
  if (!m || !(port > 0 && port + 3 <= 65535)) {
    throw new CliUsageError(`${what}: expected host or host:port, got "${addr}"`);
  }
  return { host: m[1], port };
}
