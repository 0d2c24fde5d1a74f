import { readFileSync } from 'node:fs';
import { credentials } from '@grpc/grpc-js';
import { type AuditClient, createAuditClient } from './audit-client';
import type { ConnectOptions } from './connect-options';
import { createDefinitionClient, type DefinitionClient } from './definition-client';
import { createSchedulerClient, type SchedulerClient } from './scheduler-client';
import { resolveAddress } from './service-addresses';
import { createSignalClient, type SignalClient } from './signal-client';
import { createStepRuntimeClient, type StepRuntimeClient } from './step-runtime-client';

/** Clients of all four services. Channels connect lazily, on the first call to each. */
export interface BatonClients {
  definition: DefinitionClient;
  scheduler: SchedulerClient;
  stepRuntime: StepRuntimeClient;
  signal: SignalClient;
  /** Each service's audit record (AuditService on its public port). */
  audit: Record<'definition' | 'scheduler' | 'stepRuntime' | 'signal', AuditClient>;
  /** Closes all four channels. */
  close(): void;
}

/** Clients of all four services, sharing deadlines, credentials and metadata. */
export function connect(options: ConnectOptions = {}): BatonClients {
  const { addresses = {}, env = process.env, ...given } = options;
  // TLS and the token come from the environment unless given: BATON_TLS_CA (a PEM file: TLS with
  // this CA; BATON_TLS=on alone: TLS with the system's CAs) and BATON_TOKEN.
  const shared = { ...given };
  if (!shared.credentials && (env.BATON_TLS_CA || env.BATON_TLS === 'on'))
    shared.credentials = credentials.createSsl(env.BATON_TLS_CA ? readFileSync(env.BATON_TLS_CA) : null);
  if (!shared.token && env.BATON_TOKEN) shared.token = env.BATON_TOKEN;
  const definition = createDefinitionClient({
    ...shared,
    address: resolveAddress('definition', addresses.definition, env),
  });
  const scheduler = createSchedulerClient({
    ...shared,
    address: resolveAddress('scheduler', addresses.scheduler, env),
  });
  const stepRuntime = createStepRuntimeClient({
    ...shared,
    address: resolveAddress('stepRuntime', addresses.stepRuntime, env),
  });
  const signal = createSignalClient({ ...shared, address: resolveAddress('signal', addresses.signal, env) });
  const audit = {
    definition: createAuditClient({ ...shared, address: definition.address }),
    scheduler: createAuditClient({ ...shared, address: scheduler.address }),
    stepRuntime: createAuditClient({ ...shared, address: stepRuntime.address }),
    signal: createAuditClient({ ...shared, address: signal.address }),
  };
  return {
    definition,
    scheduler,
    stepRuntime,
    signal,
    audit,
    close() {
      for (const client of [definition, scheduler, stepRuntime, signal, ...Object.values(audit)])
        client.close();
    },
  };
}
