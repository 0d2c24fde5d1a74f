import {
  type Attributes,
  type Context,
  type Span,
  SpanStatusCode,
  context,
  propagation,
  trace,
} from '@opentelemetry/api';

/**
 * Baton's own spans (decision, action, attempt, report) and the W3C trace context that carries a
 * run's trace through Redis and MongoDB, where no gRPC metadata does. Only @opentelemetry/api: with
 * telemetry off (no SDK registered) the tracer is the API's no-op one and the context manager a
 * no-op, so a span here costs a closure and an object, and `currentTrace` returns at once.
 */
const tracer = trace.getTracer('baton');

export type { Span };

/** The W3C trace context fields (as in WorkMessage.trace). */
export interface TraceCarrier {
  traceparent: string;
  tracestate: string;
}

/** The active span's trace context, to store or send; undefined when nothing is traced. */
export function currentTrace(ctx: Context = context.active()): TraceCarrier | undefined {
  const span = trace.getSpan(ctx);
  if (!span || !trace.isSpanContextValid(span.spanContext())) return undefined;
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  if (!carrier.traceparent) return undefined;
  return { traceparent: carrier.traceparent, tracestate: carrier.tracestate ?? '' };
}

/** The context a stored or received trace context continues (the active one when there is none). */
export function traceContextOf(carrier: Partial<TraceCarrier> | undefined): Context {
  const active = context.active();
  if (!carrier?.traceparent) return active;
  return propagation.extract(active, {
    traceparent: carrier.traceparent,
    tracestate: carrier.tracestate ?? '',
  });
}

/** Runs `fn` in the context a stored or received trace context continues. */
export function withTrace<T>(carrier: Partial<TraceCarrier> | undefined, fn: () => T): T {
  if (!carrier?.traceparent) return fn();
  return context.with(traceContextOf(carrier), fn);
}

/**
 * Runs `fn` in a new active span (child of `parent`, else of the active context). A throw marks
 * the span an error; the span ends when `fn` settles.
 */
export function inSpan<T>(
  name: string,
  attributes: Attributes,
  fn: (span: Span) => Promise<T>,
  parent?: Context,
): Promise<T> {
  return tracer.startActiveSpan(name, { attributes }, parent ?? context.active(), async (span) => {
    try {
      return await fn(span);
    } catch (err) {
      span.recordException(err as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: String(err) });
      throw err;
    } finally {
      span.end();
    }
  });
}
