// OpenTelemetry start-up. Load this entry (`@baton/kit/telemetry`) before anything
// that imports @grpc/grpc-js, so the gRPC instrumentation can patch it: trace
// context then crosses services in gRPC metadata.
//
// BATON_OTEL_EXPORTER: none (default: no SDK at all, zero cost), console (spans on
// stdout), otlp (OTLP/HTTP to OTEL_EXPORTER_OTLP_ENDPOINT, which must be loopback).
import { GrpcInstrumentation } from '@opentelemetry/instrumentation-grpc';
import { NodeSDK, tracing } from '@opentelemetry/sdk-node';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { EnvReader, loopbackUrl } from './config';

let sdk: NodeSDK | undefined;

export function startTelemetry(serviceName: string, env: NodeJS.ProcessEnv = process.env): boolean {
  if (sdk) return true;
  const r = new EnvReader(env);
  const exporter = r.oneOf('BATON_OTEL_EXPORTER', 'none', ['none', 'console', 'otlp'] as const);
  const endpoint = r.string('OTEL_EXPORTER_OTLP_ENDPOINT', 'http://127.0.0.1:4318', loopbackUrl);
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
    instrumentations: [new GrpcInstrumentation()],
  });
  sdk.start();
  return true;
}

export async function stopTelemetry(): Promise<void> {
  await sdk?.shutdown();
  sdk = undefined;
}
