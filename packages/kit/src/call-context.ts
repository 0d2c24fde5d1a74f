import type { Metadata } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { Principal } from './security/principal';

/** What a handler knows about the call it serves. */
export interface CallContext {
  /** Full method path, e.g. /baton.v1.DefinitionService/PushWorkflow. */
  method: string;
  /** The caller's x-request-id, or a fresh one. */
  requestId: string;
  metadata: Metadata;
  /** Aborted when the client cancels, the deadline passes or the server stops. */
  signal: AbortSignal;
  /** Absolute deadline (ms since epoch) after the server's own cap. */
  deadline: number;
  log: Logger;
  /** The decoded request message (middleware reads the call's target from it). */
  request: unknown;
  /** Who is at the other end of the connection, as the transport saw it. */
  peer: Peer;
  /**
   * Who makes the call, set by the authentication middleware from the token or the service
   * certificate — never from request fields. Undefined before it runs (and when no auth runs).
   */
  principal?: Principal;
}

/** The transport's view of the caller. */
export interface Peer {
  /** The address as grpc-js reports it (ipv4:127.0.0.1:5000). */
  address: string;
  /** The common name of a verified client certificate (mTLS), else undefined. */
  certificateName?: string;
}

/** A unary handler in domain style: return the response or throw a BatonError. */
export type UnaryHandler<Req, Res> = (request: Req, ctx: CallContext) => Promise<Res>;

/** A server-streaming handler: call `send` for each message; resolve to end the stream. */
export type ServerStreamHandler<Req, Res> = (
  request: Req,
  ctx: CallContext,
  send: (message: Res) => Promise<void>,
) => Promise<void>;

/**
 * Middleware wraps a call. The order around a handler, outermost first:
 *   1. tracing       — the OpenTelemetry gRPC instrumentation (when enabled) opens the span
 *   2. request id + deadline — set when the CallContext is made (adaptService): the
 *      caller's x-request-id or a fresh one, and the client deadline capped at the
 *      server's maximum, both visible to every middleware
 *   3. middleware    — in the order given to createGrpcServer (the kit adds call logging first)
 *   4. error mapping — in adaptService, the only place: BatonError → gRPC status with
 *      google.rpc details; anything else → INTERNAL with the request id
 */
export type Middleware = (ctx: CallContext, next: () => Promise<void>) => Promise<void>;
