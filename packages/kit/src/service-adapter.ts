import { randomUUID } from 'node:crypto';
import {
  Metadata,
  type ServerUnaryCall,
  type ServerWritableStream,
  type ServiceDefinition,
  type UntypedServiceImplementation,
  status as GrpcStatus,
  type sendUnaryData,
} from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { CallContext, Middleware, Peer, ServerStreamHandler, UnaryHandler } from './call-context';
import { BatonError } from './errors';
import { toServiceError } from './grpc-status';

export interface AdapterOptions {
  log: Logger;
  /** google.rpc.ErrorInfo domain, e.g. definition.baton. */
  domain: string;
  /** Longest a call may run whatever the client asks (ms). */
  maxDeadlineMs: number;
  /** Aborted when the server starts shutting down: server streams end then. */
  shutdown: AbortSignal;
}

// biome-ignore lint/suspicious/noExplicitAny: handlers are typed by the generated service definitions.
type AnyHandler = UnaryHandler<any, any> | ServerStreamHandler<any, any>;

/** The verified client certificate's common name, when the connection is mTLS. */
function peerOf(call: ServerUnaryCall<unknown, unknown> | ServerWritableStream<unknown, unknown>): Peer {
  const auth = call.getAuthContext();
  const cn = auth?.sslPeerCertificate?.subject?.CN;
  return {
    address: call.getPeer(),
    ...(typeof cn === 'string' && cn.length > 0 ? { certificateName: cn } : {}),
  };
}

function makeContext(
  method: string,
  call: ServerUnaryCall<unknown, unknown> | ServerWritableStream<unknown, unknown>,
  opts: AdapterOptions,
  endOnShutdown: boolean,
): { ctx: CallContext; abort: AbortController; done: () => void } {
  const metadata = call.metadata;
  const deadline = call.getDeadline();
  const given = metadata.get('x-request-id')[0];
  const requestId =
    typeof given === 'string' && given.length > 0 && given.length <= 128 ? given : randomUUID();
  const clientDeadline =
    deadline === undefined || deadline === Number.POSITIVE_INFINITY ? Number.POSITIVE_INFINITY : +deadline;
  const effective = Math.min(clientDeadline, Date.now() + opts.maxDeadlineMs);
  const abort = new AbortController();
  const timer = setTimeout(
    () => abort.abort(new BatonError('DEADLINE_EXCEEDED', 'deadline exceeded')),
    Math.max(0, effective - Date.now()),
  );
  timer.unref();
  const onShutdown = () => abort.abort(new BatonError('UNAVAILABLE', 'server is shutting down'));
  // Streams end as soon as shutdown starts; unary calls are left to drain.
  if (endOnShutdown) opts.shutdown.addEventListener('abort', onShutdown, { once: true });
  const ctx: CallContext = {
    method,
    requestId,
    metadata,
    signal: abort.signal,
    deadline: effective,
    log: opts.log.child({ requestId, method }),
    request: call.request,
    peer: peerOf(call),
  };
  const done = () => {
    clearTimeout(timer);
    opts.shutdown.removeEventListener('abort', onShutdown);
  };
  return { ctx, abort, done };
}

function toError(err: unknown, ctx: CallContext, opts: AdapterOptions) {
  if (err instanceof BatonError) return toServiceError(err, opts.domain);
  ctx.log.error({ err }, 'unhandled error');
  return toServiceError(
    new BatonError('INTERNAL', 'internal error; see the service log for request ' + ctx.requestId),
    opts.domain,
  );
}

function run(ctx: CallContext, middleware: Middleware[], body: () => Promise<void>): Promise<void> {
  const step = (i: number): Promise<void> =>
    i < middleware.length ? middleware[i](ctx, () => step(i + 1)) : body();
  return step(0);
}

function responseMetadata(ctx: CallContext): Metadata {
  const md = new Metadata();
  md.set('x-request-id', ctx.requestId);
  return md;
}

/**
 * What a request deserializer yields for bytes that are not a valid message (truncated,
 * wrong wire type, nested past the decoder's stack). grpc-js answers INTERNAL when a
 * deserializer throws, yet the fault is the caller's: the handler answers INVALID_ARGUMENT.
 */
class Undecodable {
  constructor(readonly reason: string) {}
  error(): BatonError {
    return BatonError.invalid(`the request is not a valid protobuf message: ${this.reason}`, [
      { field: 'request', description: `cannot be decoded: ${this.reason}` },
    ]);
  }
}

const GUARDED = Symbol('baton.guardedDeserialize');

/**
 * Wraps a method's request deserializer (in place: grpc-js reads it from the same definition
 * object when the service is added) so that decoding failures reach the handler as data.
 */
function guardDecoding(method: ServiceDefinition[string]): void {
  const m = method as typeof method & { [GUARDED]?: true };
  if (m[GUARDED]) return;
  const decode = method.requestDeserialize;
  (m as { requestDeserialize: (b: Buffer) => unknown }).requestDeserialize = (bytes: Buffer) => {
    try {
      return decode(bytes);
    } catch (err) {
      const msg = err instanceof RangeError && /call stack/i.test(err.message) ? 'nested too deeply' : err;
      return new Undecodable(String(msg instanceof Error ? msg.message : msg).slice(0, 200));
    }
  };
  m[GUARDED] = true;
}

/**
 * Turns async domain-style handlers into grpc-js handlers, running the middleware
 * chain around each call. Methods missing from `impl` answer UNIMPLEMENTED, so a
 * service can be registered (and seen by reflection) before its issue lands.
 */
export function adaptService(
  definition: ServiceDefinition,
  impl: Record<string, AnyHandler | undefined>,
  middleware: Middleware[],
  opts: AdapterOptions,
): UntypedServiceImplementation {
  const out: UntypedServiceImplementation = {};
  // Handlers are keyed by the proto method name (PushWorkflow); ts-proto keys the
  // definition in lowerCamel (pushWorkflow). A key that names no method is a bug: fail at start.
  const protoName = (key: string) => key[0].toUpperCase() + key.slice(1);
  const known = new Set(Object.keys(definition).map(protoName));
  for (const key of Object.keys(impl)) {
    if (!known.has(key)) throw new Error(`handler ${key} matches no method of the service`);
  }
  for (const [name, method] of Object.entries(definition)) {
    guardDecoding(method);
    const handler =
      impl[protoName(name)] ??
      (async () => {
        throw BatonError.unimplemented(method.path);
      });
    if (method.responseStream && !method.requestStream) {
      out[name] = (call: ServerWritableStream<unknown, unknown>) => {
        const { ctx, abort, done } = makeContext(method.path, call, opts, true);
        if (call.request instanceof Undecodable) {
          done();
          call.emit('error', Object.assign(new Error(), toError(call.request.error(), ctx, opts)));
          return;
        }
        call.on('cancelled', () => abort.abort(new BatonError('ABORTED', 'cancelled by the client')));
        call.sendMetadata(responseMetadata(ctx));
        const send = (message: unknown) =>
          new Promise<void>((resolve, reject) => {
            if (ctx.signal.aborted) return reject(ctx.signal.reason);
            call.write(message, (err?: Error | null) => (err ? reject(err) : resolve()));
          });
        run(ctx, middleware, () =>
          (handler as ServerStreamHandler<unknown, unknown>)(call.request, ctx, send),
        )
          .then(() => call.end())
          .catch((err) => {
            // emit('error') sends the status to the client; destroy(err) would end the
            // stream without one and leave the client waiting.
            call.emit('error', Object.assign(new Error(), toError(err, ctx, opts)));
          })
          .finally(done);
      };
    } else if (!method.requestStream && !method.responseStream) {
      out[name] = (call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) => {
        const { ctx, done } = makeContext(method.path, call, opts, false);
        if (call.request instanceof Undecodable) {
          done();
          return callback(toError(call.request.error(), ctx, opts));
        }
        let response: unknown;
        run(ctx, middleware, async () => {
          response = await (handler as UnaryHandler<unknown, unknown>)(call.request, ctx);
        })
          .then(() => callback(null, response, responseMetadata(ctx)))
          .catch((err) => callback(toError(err, ctx, opts)))
          .finally(done);
      };
    } else {
      out[name] = (call: { destroy?: (e: Error) => void; emit: (e: string, err: unknown) => void }) => {
        const err = Object.assign(new Error('client streaming is not supported'), {
          code: GrpcStatus.UNIMPLEMENTED,
        });
        call.emit('error', err);
      };
    }
  }
  return out;
}
