#!/usr/bin/env node
import { startTelemetry } from '@baton/kit/telemetry';

startTelemetry('signal');

import { runServiceMain } from '@baton/kit';
import { SignalServiceService } from '@baton/proto';

// Defined and reflected; answers UNIMPLEMENTED until the signal issue lands.
runServiceMain({
  name: 'signal',
  defaultPort: 7404,
  setup: async () => ({
    services: [{ name: 'baton.v1.SignalService', definition: SignalServiceService, handlers: {} }],
  }),
});
