#!/usr/bin/env node
import { startTelemetry } from '@baton/kit/telemetry';

startTelemetry('scheduler');

import { runServiceMain } from '@baton/kit';
import { internal, SchedulerServiceService } from '@baton/proto';

// The scheduler's RPCs are defined (and visible through reflection) but answer
// UNIMPLEMENTED until the execution issue lands.
runServiceMain({
  name: 'scheduler',
  defaultPort: 7402,
  setup: async () => ({
    services: [
      { name: 'baton.v1.SchedulerService', definition: SchedulerServiceService, handlers: {} },
      {
        name: 'baton.internal.v1.StepReportService',
        definition: internal.StepReportServiceService,
        handlers: {},
      },
    ],
  }),
});
