import { createServer } from 'node:net';
import { PassThrough } from 'node:stream';
import {
  BatonClientError,
  type BatonClients,
  type DefinitionClient,
  type SchedulerClient,
  type SignalClient,
  type StepRuntimeClient,
} from '@baton/sdk';
import type { CliIo, OutStream } from '../src/cli-io';

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

/** The methods a test fakes, per service; any other call rejects with "unexpected call". */
export interface FakeServices {
  scheduler?: Partial<Record<keyof SchedulerClient, unknown>>;
  stepRuntime?: Partial<Record<keyof StepRuntimeClient, unknown>>;
  signal?: Partial<Record<keyof SignalClient, unknown>>;
}

/** Clients whose methods are the given fakes (definition first, for the older tests); any other call throws. */
export function fakeClients(
  definition: Partial<Record<keyof DefinitionClient, unknown>>,
  others: FakeServices = {},
): BatonClients {
  const fake = (service: string, methods: object) =>
    new Proxy(methods, {
      get: (t, name) =>
        name in t
          ? t[name as keyof typeof t]
          : () => Promise.reject(new Error(`unexpected call ${service}.${String(name)}`)),
    });
  return {
    definition: fake('definition', definition) as unknown as DefinitionClient,
    scheduler: fake('scheduler', others.scheduler ?? {}) as unknown as SchedulerClient,
    stepRuntime: fake('stepRuntime', others.stepRuntime ?? {}) as unknown as StepRuntimeClient,
    signal: fake('signal', others.signal ?? {}) as unknown as SignalClient,
    audit: new Proxy({} as BatonClients['audit'], {
      get: (_t, name) => fake(`audit.${String(name)}`, {}),
    }),
    close() {},
  };
}

/**
 * A ServerStream of `items`, then `end` (the stream ends), `hang` (it waits until the
 * call's signal aborts, then fails CANCELLED as the SDK's does) or an error to throw.
 */
export function fakeStream<T>(
  items: T[],
  then: 'end' | 'hang' | Error = 'end',
  signal?: AbortSignal,
): AsyncIterable<T> & { requestId: string; cancel(): void } {
  return {
    requestId: 'fake',
    cancel() {},
    async *[Symbol.asyncIterator]() {
      for (const item of items) yield item;
      if (then === 'hang') {
        await new Promise<void>((resolve) => {
          if (signal?.aborted) resolve();
          signal?.addEventListener('abort', () => resolve(), { once: true });
        });
        throw new BatonClientError('CANCELLED', 'Call cancelled');
      }
      if (then instanceof Error) throw then;
    },
  };
}

/** A loopback port that refuses connections: bound, then closed (for unreachable-service tests). */
export function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}
