import { PassThrough } from 'node:stream';
import type { BatonClients, DefinitionClient } from '@baton/sdk';
import type { CliIo, OutStream } from './cli-io';

/** An OutStream that keeps what was written (for tests of the CLI's output). */
export class Capture implements OutStream {
  text = '';
  constructor(readonly isTTY = false) {}
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

/** Captured stdout/stderr, an empty environment and stdin fed from `stdinText`. */
export function captureIo(
  init: { env?: NodeJS.ProcessEnv; stdinText?: string; tty?: boolean; cwd?: string } = {},
) {
  const stdout = new Capture(init.tty);
  const stderr = new Capture(init.tty);
  const stdin = new PassThrough();
  stdin.end(init.stdinText ?? '');
  const io: CliIo = { stdout, stderr, stdin, env: init.env ?? {}, cwd: init.cwd };
  return { io, stdout, stderr };
}

/** Clients whose definition methods are the given fakes; any other call throws. */
export function fakeClients(definition: Partial<Record<keyof DefinitionClient, unknown>>): BatonClients {
  const missing = (service: string) =>
    new Proxy(
      {},
      { get: (_t, name) => () => Promise.reject(new Error(`unexpected call ${service}.${String(name)}`)) },
    );
  return {
    definition: new Proxy(definition, {
      get: (t, name) =>
        name in t
          ? t[name as keyof typeof t]
          : () => Promise.reject(new Error(`unexpected call definition.${String(name)}`)),
    }) as unknown as DefinitionClient,
    scheduler: missing('scheduler') as BatonClients['scheduler'],
    stepRuntime: missing('stepRuntime') as BatonClients['stepRuntime'],
    signal: missing('signal') as BatonClients['signal'],
    close() {},
  };
}
