import { duplicateClient } from '@baton/kit';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { ServiceDeps } from '@baton/kit';
import type { StepRuntimeConfig } from '../config.js';
import { ReportClient } from '../grpc/report-client.js';
import { CancelChannel } from '../redis/cancel-channel.js';
import { WorkQueue } from '../redis/work-queue.js';
import { canIsolate, lookupUser, resolveIsolateBin, type StepIsolation } from '../runner/isolation.js';
import { resolveRunnerOptions } from '../runner/index.js';
import type { JobSettings } from '../jobs/job.js';
import { jobSettings } from '../jobs/job-settings.js';
import { OrphanSweeper } from './orphan-sweeper.js';
import { ClaimsStore } from '../store/claims-store.js';
import { LogsStore } from '../store/logs-store.js';
import { AttemptControl } from './attempt-control.js';
import { AttemptLifecycle } from './attempt-lifecycle.js';
import { LogReader } from './log-reader.js';
import { ArtifactReader } from './artifact-reader.js';
import { ArtifactsStore } from '../store/artifacts-store.js';
import { ReportDelivery } from './report-delivery.js';
import { Reporter } from './reporter.js';
import { ReportSweeper } from './report-sweeper.js';
import { RetentionSweeper } from './retention-sweeper.js';
import { RunningAttempts } from './running-attempts.js';
import { WorkerPool } from './worker-pool.js';

/** Everything a step-runtime replica runs, built from its dependencies and started/stopped as one. */
export class StepRuntime {
  readonly worker: string;
  readonly control: AttemptControl;
  readonly reader: LogReader;
  readonly artifactReader: ArtifactReader;
  readonly pool: WorkerPool;
  private readonly delivery: ReportDelivery;
  private readonly sweeper: ReportSweeper;
  private readonly retention: RetentionSweeper;
  private readonly reportClient: ReportClient;
  private readonly cancels: CancelChannel;
  private readonly running = new RunningAttempts();
  private readonly blocking: ServiceDeps['redis']['redis'];
  private readonly subscriber: ServiceDeps['redis']['redis'];
  /** Http/SQL settings; the SQL pools live as long as the service. */
  private readonly jobs: JobSettings;
  private readonly orphans: OrphanSweeper;

  constructor(
    private readonly cfg: StepRuntimeConfig,
    private readonly deps: ServiceDeps,
  ) {
    const { mongo, redis, log, peers } = deps;
    // The worker id names this process in claims, reports and the consumer group.
    this.worker = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
    this.jobs = jobSettings(cfg.httpAllow, cfg.connectionsFile);
    const runner = resolveRunnerOptions({
      workRoot: cfg.workDir,
      killGraceMs: cfg.killGraceMs,
      maxWorkDirBytes: cfg.workDirMb * 1024 * 1024,
      isolation: stepIsolation(cfg, log),
      jobs: this.jobs,
      ...(cfg.notebookPython ? { interpreters: { NOTEBOOK: cfg.notebookPython } } : {}),
    });
    const { onLog: _unused, ...runnerOpts } = runner;
    const claims = new ClaimsStore(mongo.db);
    const logs = new LogsStore(mongo.db);
    const artifacts = new ArtifactsStore(mongo.db);
    this.blocking = duplicateClient(redis.redis);
    this.subscriber = duplicateClient(redis.redis);
    this.blocking.on('error', () => {});
    this.subscriber.on('error', () => {});
    this.cancels = new CancelChannel(redis.redis, this.subscriber);
    const queue = new WorkQueue(this.blocking, redis.redis, cfg.pools, this.worker);
    this.reportClient = new ReportClient(cfg.schedulerAddr, cfg.reportTimeoutMs, peers.credentials);
    const reporter = new Reporter(this.reportClient, this.worker);
    this.delivery = new ReportDelivery(claims, reporter);
    const lifecycle = new AttemptLifecycle({
      queue,
      claims,
      logs,
      artifacts,
      running: this.running,
      delivery: this.delivery,
      worker: this.worker,
      leaseMs: cfg.leaseMs,
      runner: runnerOpts,
      log,
    });
    this.pool = new WorkerPool(
      queue,
      lifecycle,
      this.running,
      { slots: cfg.slots, reclaimIdleMs: cfg.reclaimIdleMs },
      log,
    );
    this.sweeper = new ReportSweeper(
      redis.redis,
      claims,
      reporter,
      this.delivery,
      { sweepMs: cfg.sweepMs, resendAfterMs: cfg.resendAfterMs, holder: this.worker },
      log,
    );
    this.retention = new RetentionSweeper(
      redis.redis,
      logs,
      claims,
      artifacts,
      {
        logRetentionDays: cfg.logRetentionDays,
        attemptRetentionDays: cfg.attemptRetentionDays,
        sweepMs: cfg.retentionSweepMs,
        holder: this.worker,
      },
      log,
    );
    this.orphans = new OrphanSweeper(this.jobs, claims, cfg.sweepMs, log);
    this.control = new AttemptControl(claims, this.cancels);
    this.reader = new LogReader(logs, claims, cfg.logRetentionDays);
    this.artifactReader = new ArtifactReader(this.reader, artifacts);
  }

  async start(): Promise<void> {
    await this.cancels.subscribe((key) => {
      if (this.running.cancel(key, { reason: 'cancelled by request', shutdown: false })) {
        this.deps.log.info({ attemptKey: key }, 'cancel received');
      }
    });
    await this.pool.start();
    this.sweeper.start();
    this.retention.start();
    this.orphans.start();
    this.deps.log.info(
      {
        worker: this.worker,
        pools: this.cfg.pools,
        slots: this.cfg.slots,
        scheduler: this.cfg.schedulerAddr,
        logRetentionDays: this.cfg.logRetentionDays,
        attemptRetentionDays: this.cfg.attemptRetentionDays,
      },
      'step-runtime consuming work',
    );
  }

  /** SIGTERM: take no more work at once (the kit drains calls before calling stop). */
  stopTaking(): void {
    this.pool.stopTaking();
  }

  async stop(graceMs: number): Promise<void> {
    await this.pool.stop(graceMs);
    await this.sweeper.stop();
    await this.retention.stop();
    await this.orphans.stop();
    await this.delivery.stop(2_000);
    this.reportClient.close();
    await this.jobs.sql.close();
    this.blocking.disconnect();
    this.subscriber.disconnect();
  }
}

const MiB = 1024 * 1024;

/**
 * The isolation settings, or none: STEP_RUN_AS_USER empty turns it off on purpose; a service that is
 * not root cannot switch users or create namespaces, so it says so and runs user code as itself.
 * An unknown user is a start-up error (a typo must not silently run code unconfined).
 */
function stepIsolation(cfg: StepRuntimeConfig, log: ServiceDeps['log']): StepIsolation | undefined {
  if (cfg.runAsUser === '') {
    log.warn("STEP_RUN_AS_USER is empty: user code runs as this service's user, not isolated");
    return undefined;
  }
  if (!canIsolate()) {
    log.warn(
      { runAsUser: cfg.runAsUser },
      "not running as root: user code runs as this service's user, without a PID namespace or rlimits",
    );
    return undefined;
  }
  const { uid, gid } = lookupUser(cfg.runAsUser);
  const isolateBin = resolveIsolateBin(cfg.isolateBin);
  if (isolateBin !== undefined) log.info({ isolateBin }, 'user code is confined by baton-isolate');
  else
    log.info(
      { isolateBin: cfg.isolateBin || 'not found' },
      'user code is confined by util-linux unshare/prlimit/setpriv (baton-isolate not in use; scripts/install-tools.sh builds it)',
    );
  return {
    ...(isolateBin !== undefined ? { isolateBin } : {}),
    user: cfg.runAsUser,
    uid,
    gid,
    pidNamespace: true,
    limits: {
      cpuSeconds: cfg.cpuSeconds,
      memoryBytes: cfg.memoryMb * MiB,
      processes: cfg.processes,
      fileSizeBytes: cfg.fileSizeMb * MiB,
    },
  };
}
