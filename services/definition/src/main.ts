#!/usr/bin/env node
import { startTelemetry } from '@baton/kit/telemetry';

startTelemetry('definition');

import { runServiceMain } from '@baton/kit';
import { DefinitionServiceService } from '@baton/proto';
import { WorkflowService } from './app/workflow-service';
import { selChecker } from './domain/sel-checker';
import { definitionHandlers } from './grpc/definition-handlers';
import { DefinitionStore } from './store/definition-store';

runServiceMain({
  name: 'definition',
  defaultPort: 7401,
  setup: async ({ mongo }) => {
    const store = new DefinitionStore(mongo.db);
    await store.ensureIndexes();
    const service = new WorkflowService(store, selChecker);
    return {
      services: [
        {
          name: 'baton.v1.DefinitionService',
          definition: DefinitionServiceService,
          handlers: definitionHandlers(service),
        },
      ],
    };
  },
});
