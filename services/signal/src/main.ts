#!/usr/bin/env node
import { startTelemetry } from '@baton/kit/telemetry';

startTelemetry('signal');

import { EnvReader, runServiceMain } from '@baton/kit';
import { SignalServiceService, internal } from '@baton/proto';
import { DEFAULT_CHANNEL_OPTIONS, createDefinitionClient, createSchedulerClient } from '@baton/sdk';
import { BrokerApp } from './app/broker-app';
import { EffectPerformer } from './app/effect-performer';
import { BackfillKind } from './app/kinds/backfill-kind';
import { SignalTriggerKind } from './app/kinds/signal-trigger-kind';
import { TimeKind } from './app/kinds/time-kind';
import { WaitKind, waitLedgerKey } from './app/kinds/wait-kind';
import { LEDGER_ENGINE_DEFAULTS, LedgerEngine } from './app/ledger-engine';
import { Publisher } from './app/publisher';
import { SignalApp } from './app/signal-app';
import { SignalReader } from './app/signal-reader';
import { Sweeper } from './app/sweeper';
import { TriggerRegistry } from './app/trigger-registry';
import { Workers } from './app/workers';
import { brokerHandlers } from './grpc/broker-handlers';
import { signalHandlers } from './grpc/signal-handlers';
import { Coordination } from './redis/coordination';
import { BackfillStore } from './store/backfill-store';
import { LedgerStore } from './store/ledger-store';
import { LineageStore } from './store/lineage-store';
import { COLLECTIONS } from './store/documents';
import { RUNS_COLLECTION, RunStore } from './store/run-store';
import { SignalStore } from './store/signal-store';
import { WaitStore } from './store/wait-store';

runServiceMain({
  name: 'signal',
  defaultPort: 7404,
  collections: [...Object.values(COLLECTIONS), RUNS_COLLECTION],
  setup: async ({ mongo, redis, log, peers }) => {
    const env = new EnvReader();
    const concurrency = env.int('SIGNAL_CONCURRENCY', 8, 1, 256);
    const sweepEveryMs = env.int('SIGNAL_SWEEP_MS', 10_000, 100, 600_000);
    const syncEveryMs = env.int('SIGNAL_TRIGGER_SYNC_MS', 2000, 100, 600_000);
    const graceMs = env.int('SIGNAL_CATCH_UP_GRACE_MS', 60_000, 0, 86_400_000);
    const lockTtlMs = env.int('SIGNAL_LOCK_TTL_MS', LEDGER_ENGINE_DEFAULTS.lockTtlMs, 500, 600_000);
    env.done();

    const db = mongo.db;
    const signals = new SignalStore(db);
    await signals.ensureIndexes();
    const ledger = new LedgerStore(db);
    const waits = new WaitStore(db);
    const lineage = new LineageStore(db);
    const runs = new RunStore(db);
    const backfills = new BackfillStore(db);
    const coord = new Coordination(redis.redis);
    // Peers are called on their internal ports, as a service (with this service's certificate).
    const peer = { credentials: peers.credentials };
    const scheduler = createSchedulerClient({ ...peer, address: peers.address('scheduler') });
    const definition = createDefinitionClient({ ...peer, address: peers.address('definition') });
    const reports = new internal.SignalReportServiceClient(
      peers.address('scheduler'),
      peers.credentials,
      DEFAULT_CHANNEL_OPTIONS,
    );
    const registry = new TriggerRegistry(definition, log, (keys) => {
      coord.nudge(keys).catch(() => {});
    });
    const publisher = new Publisher(signals, async (name) => {
      // Wake whatever waits on this name: its signal triggers and the steps waiting on it.
      const waitKeys = await coord.waitsOn([name]);
      await coord.nudge([...registry.signalKeysFor(name), ...waitKeys.map(waitLedgerKey)]);
    });
    const reader = new SignalReader(signals);
    const performer = new EffectPerformer(scheduler, reports, runs, lineage, waits, backfills, coord, log);
    const engine = new LedgerEngine(
      ledger,
      coord,
      performer,
      {
        strig: new SignalTriggerKind(registry, reader),
        wait: new WaitKind(waits, reader),
        time: new TimeKind(registry, graceMs),
        bf: new BackfillKind(backfills, runs, scheduler),
      },
      log,
      { ...LEDGER_ENGINE_DEFAULTS, lockTtlMs },
    );
    const sweeper = new Sweeper(registry, waits, backfills, signals, coord, log);
    const workers = new Workers(redis.redis, coord, engine, registry, sweeper, log, {
      concurrency,
      timerTickMs: 50,
      sweepEveryMs,
      syncEveryMs,
    });
    await workers.start();
    const app = new SignalApp(signals, publisher, registry, ledger, backfills, lineage, coord);
    const broker = new BrokerApp(waits, publisher, lineage, coord);
    return {
      services: [
        { name: 'baton.v1.SignalService', definition: SignalServiceService, handlers: signalHandlers(app) },
        {
          name: 'baton.internal.v1.SignalBrokerService',
          definition: internal.SignalBrokerServiceService,
          handlers: brokerHandlers(broker),
        },
      ],
      stop: async () => {
        await workers.stop();
        reports.close();
        scheduler.close();
        definition.close();
      },
    };
  },
});
