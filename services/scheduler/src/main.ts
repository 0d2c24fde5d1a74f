#!/usr/bin/env node
import { startTelemetry } from '@baton/kit/telemetry';

startTelemetry('scheduler');

import { Metadata } from '@grpc/grpc-js';
import {
  batonMeter,
  EnvReader,
  NOTHING_ALLOWED,
  parseAllowList,
  readDefinitionStamp,
  runServiceMain,
  startDefinitionStamp,
  duplicateClient,
} from '@baton/kit';
import { internal, SchedulerServiceService } from '@baton/proto';
import { createDefinitionClient, createStepRuntimeClient, DEFAULT_CHANNEL_OPTIONS } from '@baton/sdk';
import { ActionPerformer } from './app/action-performer';
import { SignalBroker } from './app/signal-broker';
import { ChildLauncher } from './app/child-launcher';
import { Decider } from './app/decision-recorder';
import { Definitions } from './app/definitions';
import { ENGINE_OPTIONS, Engine } from './app/engine';
import { EventLog } from './app/event-log';
import { ForeachValues } from './app/foreach-values';
import { InstanceRetention } from './app/instance-retention';
import { Runs } from './app/runs';
import { SchedulerApp } from './app/scheduler-app';
import { SWEEPER_DEFAULTS, Sweeper } from './app/sweeper';
import { Workers } from './app/workers';
import { WorkflowQueue } from './app/workflow-queue';
import { TagPermits } from './app/tag-permits';
import { Breakpoints } from './app/breakpoints';
import { Alerts } from './app/alerts';
import { observeQueues } from './app/scheduler-metrics';
import { ALERT_DELIVERY_DEFAULTS, AlertDelivery } from './app/alert-delivery';
import { ENGINE_DEFAULTS, type EngineConfig } from './domain';
import { REPORT_DEFAULTS, reportHandlers } from './grpc/report-handlers';
import { signalReportHandlers } from './grpc/signal-report-handlers';
import { schedulerHandlers } from './grpc/scheduler-handlers';
import { RunChanges } from './redis/run-changes';
import { Coordination } from './redis/coordination';
import { PermitGate } from './redis/permit-gate';
import { InstanceStore, SCHEDULER_COLLECTIONS } from './store/instance-store';

runServiceMain({
  name: 'scheduler',
  defaultPort: 7402,
  collections: SCHEDULER_COLLECTIONS,
  setup: async ({ mongo, redis, log, peers }) => {
    observeQueues(batonMeter(), redis.redis);
    const env = new EnvReader();
    const concurrency = env.int('SCHEDULER_CONCURRENCY', 8, 1, 256);
    const sweepEveryMs = env.int('SCHEDULER_SWEEP_MS', SWEEPER_DEFAULTS.everyMs, 100, 600_000);
    const runningDelayMs = env.int('SCHEDULER_RUNNING_DELAY_MS', REPORT_DEFAULTS.runningDelayMs, 0, 10_000);
    const watchFallbackMs = env.int('SCHEDULER_WATCH_FALLBACK_MS', 2_000, 100, 3_600_000);
    const unclaimedMs = env.int('SCHEDULER_UNCLAIMED_MS', SWEEPER_DEFAULTS.unclaimedMs, 1000, 3_600_000);
    const lockTtlMs = env.int('SCHEDULER_LOCK_TTL_MS', ENGINE_OPTIONS.lockTtlMs, 500, 600_000);
    // Loop limits (issue 5): Maestro's are 25,000 iterations and a concurrency of 500.
    const config: EngineConfig = {
      ...ENGINE_DEFAULTS,
      maxForeachIterations: env.int(
        'SCHEDULER_MAX_FOREACH_ITERATIONS',
        ENGINE_DEFAULTS.maxForeachIterations,
        1,
        10_000_000,
      ),
      maxWhileIterations: env.int(
        'SCHEDULER_MAX_WHILE_ITERATIONS',
        ENGINE_DEFAULTS.maxWhileIterations,
        1,
        10_000_000,
      ),
      maxForeachConcurrency: env.int(
        'SCHEDULER_MAX_FOREACH_CONCURRENCY',
        ENGINE_DEFAULTS.maxForeachConcurrency,
        1,
        1000,
      ),
    };
    // Retention of ended instances (off by default: deleting run history is the operator's call).
    const retentionDays = env.number('INSTANCE_RETENTION_DAYS', 0, 0, 36_500);
    const retentionEveryMs = env.int('SCHEDULER_RETENTION_SWEEP_MS', 3_600_000, 100, 86_400_000);
    // A folder to record every decide call in, for the decision-log replay tests (off: empty).
    const decider = new Decider(env.string('SCHEDULER_RECORD_DECISIONS', '') || undefined);
    const changeEvents =
      env.string('SCHEDULER_CHANGE_EVENTS', 'on', (v) =>
        v === 'on' || v === 'off' ? undefined : 'must be on or off',
      ) === 'on';
    // Private or loopback addresses alert webhooks may reach (as BATON_HTTP_ALLOW for Http steps).
    const alertAllow = env.string('SCHEDULER_ALERT_ALLOW', '', (v) => {
      const r = parseAllowList(v);
      return typeof r === 'string' ? r : undefined;
    });
    env.done();

    const store = new InstanceStore(mongo.db);
    const coord = new Coordination(redis.redis, changeEvents);
    // WatchInstance waits on head writes announced over pub/sub (a connection of its own).
    const changesConn = duplicateClient(redis.redis);
    changesConn.on('error', () => {}); // reconnects by itself; watchers fall back to their timer
    const changes = new RunChanges(changesConn, watchFallbackMs);
    const events = new EventLog(store, coord);
    // Peers are called on their internal ports, as a service (with this service's certificate).
    const peer = { credentials: peers.credentials };
    const defs = new Definitions(createDefinitionClient({ ...peer, address: peers.address('definition') }), {
      read: (id) => readDefinitionStamp(redis.redis, id),
      start: (id) => startDefinitionStamp(redis.redis, id),
    });
    const stepRuntime = createStepRuntimeClient({ ...peer, address: peers.address('stepRuntime') });
    const stepInternal = new internal.StepRuntimeInternalServiceClient(
      peers.address('stepRuntime'),
      peers.credentials,
      DEFAULT_CHANNEL_OPTIONS,
    );
    const signalBroker = new internal.SignalBrokerServiceClient(
      peers.address('signal'),
      peers.credentials,
      DEFAULT_CHANNEL_OPTIONS,
    );
    const runs = new Runs(store, events, config);
    const gate = new PermitGate(redis.redis);
    const permits = new TagPermits(store.permits, gate);
    const breakpoints = new Breakpoints(store.breakpoints, redis.redis, defs, events);
    const allow = parseAllowList(alertAllow, { who: 'alert webhooks', setting: 'SCHEDULER_ALERT_ALLOW' });
    const delivery = new AlertDelivery(
      store.alerts,
      redis.redis,
      { ...ALERT_DELIVERY_DEFAULTS, allow: typeof allow === 'string' ? NOTHING_ALLOWED : allow },
      log,
    );
    const alerts = new Alerts(store.alerts, defs, coord, log, () => delivery.nudge());
    const queue = new WorkflowQueue(store, redis.redis, events, log);
    const foreachValues = new ForeachValues(store);
    const children = new ChildLauncher(
      store,
      coord,
      events,
      runs,
      defs,
      config,
      log,
      foreachValues,
      Date.now,
      decider,
      breakpoints,
    );
    const performer = new ActionPerformer(
      redis.redis,
      events,
      children,
      stepRuntime,
      log,
      queue,
      new SignalBroker(signalBroker),
      gate,
      breakpoints,
    );
    const engine = new Engine(
      store,
      coord,
      defs,
      performer,
      config,
      log,
      { ...ENGINE_OPTIONS, lockTtlMs },
      Date.now,
      foreachValues,
      decider,
      breakpoints,
      alerts,
    );
    const checkAttempts = (keys: string[]) =>
      new Promise<Record<string, internal.AttemptLiveness>>((resolve, reject) =>
        stepInternal.checkAttempts(
          { attemptKeys: keys },
          new Metadata(),
          { deadline: Date.now() + 10_000 },
          (err, res) => (err ? reject(err) : resolve(res.attempts)),
        ),
      );
    const sweeper = new Sweeper(
      store,
      coord,
      events,
      checkAttempts,
      log,
      { ...SWEEPER_DEFAULTS, everyMs: sweepEveryMs, unclaimedMs },
      queue,
      gate,
      () => permits.restore(),
      alerts,
    );
    const workers = new Workers(redis.redis, coord, engine, sweeper, log, {
      concurrency,
      timerTickMs: 50,
      sweepEveryMs,
    });
    workers.start();
    delivery.start();
    const retention = new InstanceRetention(
      store,
      redis.redis,
      { days: retentionDays, everyMs: retentionEveryMs },
      log,
    );
    retention.start();
    if (retentionDays > 0)
      log.info({ retentionDays }, 'ended instances are deleted after INSTANCE_RETENTION_DAYS');
    const app = new SchedulerApp(
      store,
      events,
      runs,
      defs,
      config,
      queue,
      changes,
      redis.redis,
      permits,
      breakpoints,
    );
    return {
      services: [
        {
          name: 'baton.v1.SchedulerService',
          definition: SchedulerServiceService,
          handlers: schedulerHandlers(app, defs),
        },
        {
          name: 'baton.internal.v1.StepReportService',
          definition: internal.StepReportServiceService,
          handlers: reportHandlers(events, store, { ...REPORT_DEFAULTS, runningDelayMs }),
        },
        {
          name: 'baton.internal.v1.SignalReportService',
          definition: internal.SignalReportServiceService,
          handlers: signalReportHandlers(events, store, app.starts),
        },
      ],
      stop: async () => {
        await retention.stop();
        await delivery.stop();
        await workers.stop();
        changesConn.disconnect();
        stepInternal.close();
        signalBroker.close();
        stepRuntime.close();
      },
    };
  },
});
