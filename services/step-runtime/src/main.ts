#!/usr/bin/env node
import { startTelemetry } from '@baton/kit/telemetry';

startTelemetry('step-runtime');

import { runServiceMain } from '@baton/kit';
import { StepRuntimeServiceService } from '@baton/proto';

// Defined and reflected; answers UNIMPLEMENTED until the execution issue lands.
runServiceMain({
  name: 'step-runtime',
  defaultPort: 7403,
  setup: async () => ({
    services: [{ name: 'baton.v1.StepRuntimeService', definition: StepRuntimeServiceService, handlers: {} }],
  }),
});
