import { trace } from '@opentelemetry/api';
import pino, { type Logger } from 'pino';

/**
 * pino JSON logs on stdout. Every line carries the service name and, inside a
 * traced call, trace_id and span_id so logs join traces.
 */
export function createLogger(service: string, level: string): Logger {
  return pino({
    level,
    base: { service, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin() {
      const span = trace.getActiveSpan();
      if (!span) return {};
      const { traceId, spanId } = span.spanContext();
      return { trace_id: traceId, span_id: spanId };
    },
  });
}
