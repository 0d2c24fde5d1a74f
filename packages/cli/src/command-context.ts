import {
  type BatonClients,
  type ConnectOptions,
  connect,
  resolveAddress,
  type ServiceName,
} from '@baton/sdk';
import type { CliIo } from './cli-io';
import { Output } from './output/output';
import type { OutputFormat } from './output/record-text';
import { colorEnabled, createStyle } from './output/style';

/** What every command function gets: where to print, and the service clients. */
export interface CommandContext {
  readonly io: CliIo;
  readonly env: NodeJS.ProcessEnv;
  readonly out: Output;
  /** The service clients, created on first use (a command that fails early opens no channel). */
  clients(): BatonClients;
  /** The address a service is reached at, for hints in error messages. */
  addressOf(service: ServiceName): string;
}

/** How the CLI gets its clients; tests inject fakes here. */
export type ConnectFn = (options: ConnectOptions) => BatonClients;

export interface ContextInit {
  /** --json (the same as format json). */
  json?: boolean;
  /** -o: text (default), wide, json or yaml. */
  format?: OutputFormat;
  connectOptions?: ConnectOptions;
  connect?: ConnectFn;
}

export function createCommandContext(io: CliIo, init: ContextInit): CommandContext & { close(): void } {
  const env = io.env ?? process.env;
  const out = new Output(
    io.stdout,
    io.stderr,
    init.format ?? (init.json ? 'json' : 'text'),
    createStyle(colorEnabled(io.stdout, env)),
    createStyle(colorEnabled(io.stderr, env)),
  );
  const options: ConnectOptions = { env, ...init.connectOptions };
  let clients: BatonClients | undefined;
  return {
    io,
    env,
    out,
    clients() {
      clients ??= (init.connect ?? connect)(options);
      return clients;
    },
    addressOf(service) {
      return resolveAddress(service, options.addresses?.[service], options.env ?? env);
    },
    close() {
      clients?.close();
    },
  };
}
