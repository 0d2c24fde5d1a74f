#!/usr/bin/env node
import { startTelemetry } from '@baton/kit/telemetry';

startTelemetry('step-runtime');

import { runServiceMain } from '@baton/kit';
import { internal, StepRuntimeServiceService } from '@baton/proto';
import { StepRuntime } from './app/step-runtime.js';
import { readStepRuntimeConfig } from './config.js';
import { internalHandlers } from './grpc/internal-handlers.js';
import { stepRuntimeHandlers } from './grpc/step-runtime-handlers.js';
import { ARTIFACTS_COLLECTION } from './store/artifacts-store.js';
import { CLAIMS_COLLECTION } from './store/claims-store.js';
import { LOGS_COLLECTION } from './store/logs-store.js';

runServiceMain({
  name: 'step-runtime',
  defaultPort: 7403,
  collections: [LOGS_COLLECTION, CLAIMS_COLLECTION, ARTIFACTS_COLLECTION],
  setup: async (deps) => {
    const cfg = readStepRuntimeConfig();
    const runtime = new StepRuntime(cfg, deps);
    await runtime.start();
    // Stop taking work the moment SIGTERM arrives, not after the kit has drained its calls.
    process.once('SIGTERM', () => runtime.stopTaking());
    return {
      services: [
        {
          name: 'baton.v1.StepRuntimeService',
          definition: StepRuntimeServiceService,
          handlers: stepRuntimeHandlers(runtime.control, runtime.reader, runtime.artifactReader),
        },
        {
          name: 'baton.internal.v1.StepRuntimeInternalService',
          definition: internal.StepRuntimeInternalServiceService,
          handlers: internalHandlers(runtime.control),
        },
      ],
      stop: () => runtime.stop(deps.config.shutdownGraceMs),
      dependencies: [runtime.pool.dependency],
    };
  },
});
