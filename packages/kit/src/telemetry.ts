// OpenTelemetry start-up. Load this entry (`@baton/kit/telemetry`) before anything
// that imports @grpc/grpc-js, so the gRPC instrumentation can patch it: trace
// context then crosses services in gRPC metadata.
//
// BATON_OTEL_EXPORTER: none (default: no SDK at all, zero cost), console (spans on
// stdout), otlp (OTLP/HTTP JSON to OTEL_EXPORTER_OTLP_ENDPOINT, which must be loopback
// unless BATON_OTEL_ALLOW_REMOTE=1). Besides gRPC, the MongoDB and ioredis clients are
// instrumented (loaded after this entry too); our own spans are in trace-context.ts.
import { GrpcInstrumentation } from '@opentelemetry/instrumentation-grpc';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { MongoDBInstrumentation } from '@opentelemetry/instrumentation-mongodb';
import { NodeSDK, tracing } from '@opentelemetry/sdk-node';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { EnvReader, readOtlpEndpoint } from './config';

let sdk: NodeSDK | undefined;

export function startTelemetry(serviceName: string, env: NodeJS.ProcessEnv = process.env): boolean {
  if (sdk) return true;
  const r = new EnvReader(env);
  const exporter = r.oneOf('BATON_OTEL_EXPORTER', 'none', ['none', 'console', 'otlp'] as const);
  const endpoint = readOtlpEndpoint(r);
  try {
    r.done();
  } catch {
    // Bad telemetry settings: start nothing here; readServiceConfig reports them
    // together with every other configuration problem and the service exits.
    return false;
  }
  if (exporter === 'none') return false;
  const traceExporter =
    exporter === 'console'
      ? new tracing.ConsoleSpanExporter()
      : new OTLPTraceExporter({ url: `${endpoint.replace(/\/$/, '')}/v1/traces` });
  sdk = new NodeSDK({
    serviceName,
    traceExporter,
    instrumentations: [
      new GrpcInstrumentation(),
      // Spans only inside a traced operation: the workers' idle polls (BRPOP, XREADGROUP, the
      // sweepers' reads) would otherwise each start a trace of their own.
      new IORedisInstrumentation({ requireParentSpan: true }),
      new MongoDBInstrumentation({ requireParentSpan: true }),
    ],
  });
  sdk.start();
  return true;
}

export async function stopTelemetry(): Promise<void> {
  await sdk?.shutdown();
  sdk = undefined;
}
