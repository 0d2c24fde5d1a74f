import type { RedisClient } from '@baton/kit';
import type { Logger } from 'pino';
import { instanceExpired, instanceKeyOf, retentionCutoff } from '../domain';
import { KEYS } from '../redis/keys';
import type { InstanceDoc } from '../store/documents';
import type { InstanceStore } from '../store/instance-store';
import { RunPurge } from './run-purge';

export interface InstanceRetentionOptions {
  /** INSTANCE_RETENTION_DAYS: 0 = keep forever (the default). */
  days: number;
  /** SCHEDULER_RETENTION_SWEEP_MS: how often one replica sweeps. */
  everyMs: number;
}

/** Instance documents read per page of the candidate scan. */
const PAGE = 100;
/** Instances deleted per sweep at most: a backlog drains over several sweeps. */
const MAX_PER_SWEEP = 1_000;

/**
 * Deletes instances whose every run ended before the INSTANCE_RETENTION_DAYS cutoff: runs,
 * children, decisions and events (see RunPurge), then the instance document becomes a tombstone
 * so its id is never handed out again. The instance is marked `purging` first: from then on it
 * reads as not found, and a sweep killed halfway is finished by the next one. One replica at a
 * time (a Redis lock, liveness only: two sweeps at once delete the same documents twice).
 */
export class InstanceRetention {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopping = false;
  private readonly runs: RunPurge;

  constructor(
    private readonly store: InstanceStore,
    private readonly redis: RedisClient,
    private readonly opts: InstanceRetentionOptions,
    private readonly log: Logger,
  ) {
    this.runs = new RunPurge(store);
  }

  start(): void {
    if (this.opts.days <= 0) return;
    this.timer = setInterval(() => {
      this.running ??= this.sweep()
        .then((n) => {
          if (n > 0) this.log.info({ instances: n }, 'retention: deleted ended instances');
        })
        .catch((err) => this.log.warn({ err: String(err) }, 'instance retention sweep failed'))
        .finally(() => {
          this.running = undefined;
        });
    }, this.opts.everyMs);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** One sweep (when this replica takes the lock); returns the instances deleted. */
  async sweep(now = Date.now()): Promise<number> {
    const cutoff = retentionCutoff(this.opts.days, now);
    if (cutoff === undefined) return 0;
    const ttl = Math.max(100, Math.floor(this.opts.everyMs * 0.9));
    if ((await this.redis.set(KEYS.retention, String(process.pid), 'PX', ttl, 'NX')) !== 'OK') return 0;
    let deleted = 0;
    let after = '';
    while (!this.stopping && deleted < MAX_PER_SWEEP) {
      const page = await this.store.instances.expiryCandidates(cutoff, after, PAGE);
      for (const doc of page) {
        if (this.stopping || deleted >= MAX_PER_SWEEP) break;
        if (await this.expire(doc, cutoff)) deleted++;
      }
      if (page.length < PAGE) break;
      after = page[page.length - 1]!._id;
    }
    return deleted;
  }

  /** Deletes one instance if every run of it ended before the cutoff; true when it did. */
  private async expire(doc: InstanceDoc, cutoff: number): Promise<boolean> {
    const wf = doc.workflow_id;
    const n = doc.instance_id;
    // A purge that died halfway: its runs may be partly gone (so the latest can no longer be
    // found by probing), but it recorded how many there were.
    let runs = doc.purging?.runs;
    if (runs === undefined) {
      runs = await this.store.instances.latestRunId(wf, n);
      const heads = await this.store.heads.getHeads(
        Array.from({ length: runs }, (_, i) => instanceKeyOf(wf, n, i + 1)),
      );
      if (heads.length !== runs) return false;
      const unapplied = new Set(await this.store.decisions.unapplied(heads));
      const facts = heads.map((h) => ({
        status: h.status,
        ended_at: h.ended_at,
        unapplied: unapplied.has(h._id),
      }));
      if (!instanceExpired(facts, cutoff)) return false;
      await this.store.instances.markPurging(doc, runs);
    }
    const keys = Array.from({ length: runs }, (_, i) => instanceKeyOf(wf, n, runs - i));
    const docs = await this.runs.purge(keys);
    // A restart that slipped in before the mark: the instance lives on in its new run.
    if ((await this.store.heads.getHead(instanceKeyOf(wf, n, runs + 1))) !== null) {
      this.log.warn({ workflowId: wf, instanceId: n }, 'retention: a new run appeared while deleting; kept');
      await this.store.instances.unmarkPurging(doc);
      return false;
    }
    await this.store.queues.deleteUnblock(wf, n);
    await this.store.instances.tombstone(doc);
    this.log.debug({ workflowId: wf, instanceId: n, runs, docs }, 'retention: instance deleted');
    return true;
  }
}
