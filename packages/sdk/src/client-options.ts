import { randomUUID } from 'node:crypto';
import { type ChannelCredentials, type ChannelOptions, credentials } from '@grpc/grpc-js';
import { DEFAULT_RETRY, type RetryOptions } from './retry-policy';

/** Options of one service client (`createDefinitionClient(options)` and friends). */
export interface ClientOptions {
  /**
   * `host:port` of the service.
   * Default: the service's env variable (`BATON_DEFINITION_ADDR`, `BATON_SCHEDULER_ADDR`,
   * `BATON_STEP_RUNTIME_ADDR`, `BATON_SIGNAL_ADDR`), else `127.0.0.1:7401`..`7404`.
   */
  address?: string;
  /**
   * Deadline of every unary call in milliseconds, unless the call sets its own.
   * `Infinity` sends no deadline. Streams never get this default (they may last hours).
   * Default: 10 000 (10 s).
   */
  timeoutMs?: number;
  /** Channel credentials. Default: `credentials.createInsecure()` (local plaintext). */
  credentials?: ChannelCredentials;
  /**
   * grpc-js channel options (keepalive, message sizes...), merged over
   * DEFAULT_CHANNEL_OPTIONS: reconnects start after 100 ms and back off to at most
   * 2 s (grpc-js alone backs off to 120 s, so a client whose server restarted a few
   * times in a row would fail calls for minutes after it is back).
   */
  channelOptions?: ChannelOptions;
  /**
   * A bearer token (static API token or JWT) sent as `authorization: Bearer <token>` with every call.
   * `connect()` falls back to the BATON_TOKEN env variable.
   */
  token?: string;
  /** Metadata sent with every call (per-call metadata wins on conflicts). Default: none. */
  metadata?: Record<string, string>;
  /** Makes the x-request-id of calls that do not bring one. Default: `crypto.randomUUID`. */
  newRequestId?: () => string;
  /**
   * Retries of unary calls that fail UNAVAILABLE, within the call's deadline: reads, idempotent
   * writes and requests with a `requestId` (see retry-policy.ts). Default: 10 attempts, 100 ms
   * doubling to 2 s. `{ maxAttempts: 1 }` turns them off.
   */
  retry?: RetryOptions;
}

/** ClientOptions with every default applied; `address` is resolved by the caller. */
export type ResolvedClientOptions = Required<Omit<ClientOptions, 'address' | 'token' | 'retry'>> & {
  address: string;
  retry: Required<RetryOptions>;
};

export const DEFAULT_TIMEOUT_MS = 10_000;

export const DEFAULT_CHANNEL_OPTIONS: ChannelOptions = {
  'grpc.initial_reconnect_backoff_ms': 100,
  'grpc.min_reconnect_backoff_ms': 100,
  'grpc.max_reconnect_backoff_ms': 2000,
};

export function resolveClientOptions(options: ClientOptions, address: string): ResolvedClientOptions {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!(timeoutMs > 0)) throw new RangeError(`timeoutMs must be > 0 (or Infinity), got ${timeoutMs}`);
  const attempts = options.retry?.maxAttempts ?? DEFAULT_RETRY.maxAttempts;
  if (!(Number.isInteger(attempts) && attempts >= 1))
    throw new RangeError(`retry.maxAttempts must be a whole number ≥ 1, got ${attempts}`);
  for (const k of ['initialBackoffMs', 'maxBackoffMs'] as const) {
    const v = options.retry?.[k];
    if (v !== undefined && !(Number.isFinite(v) && v >= 0))
      throw new RangeError(`retry.${k} must be a number of ms ≥ 0, got ${v}`);
  }
  return {
    address,
    timeoutMs,
    credentials: options.credentials ?? credentials.createInsecure(),
    channelOptions: { ...DEFAULT_CHANNEL_OPTIONS, ...options.channelOptions },
    metadata: {
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...options.metadata,
    },
    newRequestId: options.newRequestId ?? randomUUID,
    // Only the settings given: `{ initialBackoffMs: undefined }` keeps the default.
    retry: {
      ...DEFAULT_RETRY,
      ...Object.fromEntries(Object.entries(options.retry ?? {}).filter(([, v]) => v !== undefined)),
    },
  };
}
