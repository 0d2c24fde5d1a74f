#!/usr/bin/env node
import { startTelemetry } from '@baton/kit/telemetry';

startTelemetry('definition');

import { CHANNELS, EnvReader, publishChanges, runServiceMain, stampDefinitionChange } from '@baton/kit';
import { DefinitionServiceService } from '@baton/proto';
import { TemplateService } from './app/template-service';
import { type DefinitionChangeNote, WorkflowService } from './app/workflow-service';
import { TEMPLATES_COLLECTION, TemplateStore } from './store/template-store';
import { selChecker } from './domain/sel-checker';
import { definitionHandlers } from './grpc/definition-handlers';
import { DefinitionStore } from './store/definition-store';
import { COLLECTIONS } from './store/documents';
import { DEFAULT_READ_CACHE } from './store/read-cache';

runServiceMain({
  name: 'definition',
  defaultPort: 7401,
  collections: [...Object.values(COLLECTIONS), TEMPLATES_COLLECTION],
  setup: async ({ mongo, redis, log }) => {
    const store = new DefinitionStore(mongo.db);
    await store.ensureIndexes();
    const env = new EnvReader();
    const cache = {
      headTtlMs: env.int('DEFINITION_CACHE_TTL_MS', DEFAULT_READ_CACHE.headTtlMs, 0, 60_000),
      maxVersionBytes: env.int(
        'DEFINITION_CACHE_BYTES',
        DEFAULT_READ_CACHE.maxVersionBytes,
        0,
        4 * 1024 ** 3,
      ),
    };
    env.done();
    // Wakes the signal service's trigger sync; a lost message only waits for its next poll.
    const triggersChanged = (workflowId: string) => {
      redis.redis
        .publish(CHANNELS.triggersChanged, workflowId)
        .catch((err) => log.warn({ err: String(err) }, 'trigger change not announced'));
    };
    const templates = new TemplateService(new TemplateStore(mongo.db));
    // The change events stream: best effort, after the change is stored (the snapshot log keeps it).
    const announce = (c: DefinitionChangeNote) => {
      publishChanges(redis.redis, [
        {
          id: `def:${c.workflowId}:${c.id}`,
          streamId: '',
          time: c.time,
          change: {
            $case: 'definition',
            value: { workflowId: c.workflowId, action: c.action, version: String(c.version) },
          },
        },
      ]).catch((err) => log.warn({ err: String(err) }, 'definition change not published'));
    };
    const service = new WorkflowService(store, selChecker, cache, triggersChanged, templates, announce);
    return {
      services: [
        {
          name: 'baton.v1.DefinitionService',
          definition: DefinitionServiceService,
          handlers: definitionHandlers(service, templates, (workflowId) =>
            stampDefinitionChange(redis.redis, workflowId),
          ),
        },
      ],
    };
  },
});
