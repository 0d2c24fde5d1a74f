import type { ChannelCredentials, Client, ClientOptions as GrpcClientOptions } from '@grpc/grpc-js';
import type { DeepPartial, MessageFns } from '@baton/proto';
import type { CallOptions, StreamCallOptions } from './call-options';
import { callMetadata, deadlineIn } from './call-metadata';
import type { ResolvedClientOptions } from './client-options';
import { BatonClientError, toClientError } from './errors';
import { backoffMs, mayRetry } from './retry-policy';
import { type ServerStream, toServerStream } from './server-stream';

/** The shape of a ts-proto grpc-js method definition (`DefinitionServiceService.pushWorkflow`...). */
interface MethodDefinition {
  path: string;
  requestStream: boolean;
  responseStream: boolean;
  // biome-ignore lint/suspicious/noExplicitAny: contravariant position; any request type fits.
  requestSerialize: (value: any) => Buffer;
  responseDeserialize: (value: Buffer) => unknown;
}
type ServiceDefinition = Record<string, MethodDefinition>;

export type RequestOf<M> = M extends { requestSerialize: (value: infer R) => Buffer } ? R : never;
export type ResponseOf<M> = M extends { responseDeserialize: (value: Buffer) => infer R } ? R : never;

/**
 * One promise (or async-iterable) method per RPC, derived from the generated
 * service definition so that the request and response types are ts-proto's own.
 * Requests are DeepPartial: omitted fields take their proto3 defaults.
 */
export type PromiseClient<S> = {
  [K in keyof S]: S[K] extends { responseStream: true }
    ? (request: DeepPartial<RequestOf<S[K]>>, options?: StreamCallOptions) => ServerStream<ResponseOf<S[K]>>
    : (request: DeepPartial<RequestOf<S[K]>>, options?: CallOptions) => Promise<ResponseOf<S[K]>>;
};

/** A promise client of one service plus its lifecycle. */
export type ServiceClient<S> = PromiseClient<S> & {
  /** The `host:port` this client talks to. */
  readonly address: string;
  /** Closes the channel; later calls fail with UNAVAILABLE/CANCELLED. */
  close(): void;
};

/** What a service file tells the generic client about its service. */
export interface ServiceSpec<S extends ServiceDefinition> {
  definition: S;
  /** The generated grpc-js client class. */
  Client: new (
    address: string,
    creds: ChannelCredentials,
    options?: Partial<GrpcClientOptions>,
  ) => Client;
  /** Each method's request codec, to fill in proto3 defaults from a partial request. */
  requests: { [K in keyof S]: MessageFns<RequestOf<S[K]>> };
}

type UnaryInvoker = (
  req: unknown,
  md: unknown,
  opts: unknown,
  cb: (err: unknown, res: unknown) => void,
) => {
  cancel(): void;
};
type StreamInvoker = (req: unknown, md: unknown, opts: unknown) => Parameters<typeof toServerStream>[0];

export function createServiceClient<S extends ServiceDefinition>(
  spec: ServiceSpec<S>,
  options: ResolvedClientOptions,
): ServiceClient<S> {
  const raw = new spec.Client(options.address, options.credentials, options.channelOptions);
  const out: Record<string, unknown> = {
    address: options.address,
    close: () => raw.close(),
  };
  for (const [name, method] of Object.entries(spec.definition)) {
    const codec = spec.requests[name] as MessageFns<unknown>;
    const invoke = (raw as unknown as Record<string, UnaryInvoker & StreamInvoker>)[name].bind(raw);
    out[name] = method.responseStream
      ? (request: unknown, callOptions: StreamCallOptions = {}) => {
          const requestId = callOptions.requestId ?? options.newRequestId();
          const md = callMetadata(options.metadata, callOptions.metadata, requestId);
          const deadline = deadlineIn(callOptions.timeoutMs ?? Number.POSITIVE_INFINITY);
          const call = invoke(codec.fromPartial(request as never), md, { deadline });
          return toServerStream(call, { requestId, method: method.path }, callOptions.signal);
        }
      : (request: unknown, callOptions: CallOptions = {}) =>
          unary(invoke, codec.fromPartial(request as never), method.path, options, callOptions);
  }
  return out as ServiceClient<S>;
}

/**
 * One unary call, retried on UNAVAILABLE when that is safe (see mayRetry) with backoff, all within
 * the call's deadline: a service that restarts under a client costs the caller a pause, not an error.
 */
async function unary(
  invoke: UnaryInvoker,
  request: unknown,
  path: string,
  options: ResolvedClientOptions,
  callOptions: CallOptions,
): Promise<unknown> {
  const requestId = callOptions.requestId ?? options.newRequestId();
  const timeoutMs = callOptions.timeoutMs ?? options.timeoutMs;
  const endsAt = Date.now() + timeoutMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await unaryOnce(invoke, request, path, options, callOptions, requestId, endsAt - Date.now());
    } catch (err) {
      const retry = options.retry;
      if (!(err instanceof BatonClientError) || attempt >= retry.maxAttempts || !mayRetry(path, request, err))
        throw err;
      const pause = backoffMs(attempt, retry);
      // A retry that could not start before the deadline would only fail DEADLINE_EXCEEDED.
      if (Date.now() + pause >= endsAt || callOptions.signal?.aborted) throw err;
      await sleep(pause, callOptions.signal);
      // A timer that fired late may leave no time at all: the last error is the answer then.
      if (endsAt - Date.now() <= 0 || callOptions.signal?.aborted) throw err;
    }
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

function unaryOnce(
  invoke: UnaryInvoker,
  request: unknown,
  path: string,
  options: ResolvedClientOptions,
  callOptions: CallOptions,
  requestId: string,
  timeoutMs: number,
): Promise<unknown> {
  const ctx = { requestId, method: path };
  const { signal } = callOptions;
  if (signal?.aborted) {
    return Promise.reject(new BatonClientError('CANCELLED', 'the call was aborted before it started', ctx));
  }
  return new Promise((resolve, reject) => {
    const md = callMetadata(options.metadata, callOptions.metadata, requestId);
    const deadline = deadlineIn(timeoutMs);
    const onAbort = () => call.cancel();
    const call = invoke(request, md, { deadline }, (err, response) => {
      signal?.removeEventListener('abort', onAbort);
      if (err) reject(toClientError(err, ctx));
      else resolve(response);
    });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
