import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { tryLock, unlock, type RedisClient } from '@baton/kit';
import {
  type Admission,
  type QueueEntry,
  type RunParamMap,
  type RunStrategyRule,
  type StartEvent,
  type TriggerInfo,
  admit,
  instanceKeyOf,
} from '../domain';
import type { InstanceDoc } from '../store/documents';
import type { InstanceStore } from '../store/instance-store';
import { inChunks } from '../store/mongo-ops';
import type { EventLog } from './event-log';
import { KEYS } from '../redis/keys';

/**
 * PARALLEL with room even if every instance since the cursor (the first one not
 * finished) were running: no need to count which actually are.
 */
function roomToSpare(
  strategy: InstanceDoc['run_strategy'] | undefined,
  cursor: number,
  latest: number,
): boolean {
  return strategy?.rule === 'PARALLEL' && latest - cursor + 1 <= strategy.workflow_concurrency;
}

type StartPayload = Pick<StartEvent, 'runParams' | 'initiator' | 'trigger'>;

/** The start event's payload as StartWorkflow stored it on the instance document. */
function startOf(inst: InstanceDoc): StartPayload {
  const st = inst.start;
  const out: StartPayload = {};
  if (st?.run_params) out.runParams = JSON.parse(st.run_params) as RunParamMap;
  if (st?.initiator) out.initiator = st.initiator;
  if (st?.trigger) out.trigger = JSON.parse(st.trigger) as TriggerInfo;
  return out;
}

const NONE: Admission = { start: [], stop: [] };

/** How many instances one admission looks at past the cursor. */
const WINDOW = 500;

/**
 * Applies a workflow's run strategy: which queued (CREATED) instances start and
 * which are stopped. Admission runs under a short Redis lock per workflow so two
 * replicas do not both fill the last slot; its effects are events with
 * deterministic ids (`<run>:start`, `<run>:strategy-stop`), so a repeat is harmless.
 */
export class WorkflowQueue {
  private readonly token = randomUUID();
  /** Admissions running in this replica, by workflow, and whether news came in meanwhile. */
  private readonly admitting = new Map<string, { news: boolean; done: Promise<Admission> }>();
  /** First runs known to have their start event (see hasStarted). */
  private readonly started = new Set<string>();
  /** Last queue cursor read or written per workflow: a lower bound, as the cursor only moves up. */
  private readonly cursors = new Map<string, number>();

  constructor(
    private readonly store: InstanceStore,
    private readonly redis: RedisClient,
    private readonly events: EventLog,
    private readonly log: Logger,
  ) {}

  /**
   * Admits instances StartWorkflow (or StartRuns) has just created (no start event yet). Under
   * PARALLEL with room to spare one starts at once, with one write: its own id bounds the
   * instances that may be running (every one since the cursor counted as running), and a cursor
   * remembered from an earlier admission is a lower bound, so the check can only be stricter than
   * the real one. The start events of all that may start go in one batched insert; the others go
   * through the locked admission, and a paused workflow's wait (CREATED) until ResumeWorkflow.
   */
  async admitNewMany(insts: readonly InstanceDoc[]): Promise<Admission[]> {
    const workflows = [...new Set(insts.map((i) => i.workflow_id))];
    const pausedFlags = await inChunks(workflows, 64, (w) => this.store.queues.isPaused(w));
    const paused = new Set(workflows.filter((_, k) => pausedFlags[k]));
    const room = (inst: InstanceDoc) => {
      const cursor = this.cursors.get(inst.workflow_id);
      return cursor !== undefined && roomToSpare(inst.run_strategy, cursor, inst.instance_id);
    };
    const open = insts.filter((i) => !paused.has(i.workflow_id));
    const unsure = [...new Set(open.filter((i) => !room(i)).map((i) => i.workflow_id))];
    await inChunks(unsure, 64, (w) => this.readCursor(w));
    const has = insts.map((i) => !paused.has(i.workflow_id) && room(i));
    const items = insts
      .filter((_, k) => has[k])
      .map((inst) => {
        const key = instanceKeyOf(inst.workflow_id, inst.instance_id, 1);
        return { key, event: { type: 'start' as const, id: `${key}:start`, ...startOf(inst) } };
      });
    await this.events.appendMany(items);
    for (const it of items) this.rememberStarted(it.key);
    return Promise.all(
      insts.map((inst, k) =>
        paused.has(inst.workflow_id)
          ? { start: [], stop: [] }
          : has[k]
            ? { start: [inst.instance_id], stop: [] }
            : this.admitQueued(inst.workflow_id, inst.instance_id),
      ),
    );
  }

  /**
   * Whether a first run has its start event. Remembered once true (a start event is never taken
   * back), so an admission scan reads it once per run rather than once per scan: a busy workflow
   * with a concurrency limit rescans its running instances at every start and every end.
   */
  private async hasStarted(key: string): Promise<boolean> {
    if (this.started.has(key)) return true;
    const yes = (await this.store.events.getEvent(`${key}:start`)) !== null;
    if (yes) this.rememberStarted(key);
    return yes;
  }

  private rememberStarted(key: string): void {
    if (this.started.size >= 100_000) this.started.clear();
    this.started.add(key);
  }

  private async readCursor(workflowId: string): Promise<number> {
    const cursor = Math.max(1, await this.store.queues.queueCursor(workflowId));
    this.remember(workflowId, cursor);
    return cursor;
  }

  private remember(workflowId: string, cursor: number): void {
    if (cursor > (this.cursors.get(workflowId) ?? 0)) this.cursors.set(workflowId, cursor);
    if (this.cursors.size > 100_000) this.cursors.clear();
  }

  /** Admits what the strategy allows now; retries a few times when another replica holds the lock. */
  async admit(workflowId: string, own?: number): Promise<Admission> {
    if (own !== undefined) {
      // A paused workflow starts nothing (the locked admission below checks for itself).
      if (await this.store.queues.isPaused(workflowId)) return NONE;
      // A start under PARALLEL with room to spare needs no lock: the room check counts every
      // instance since the cursor as running (started or not), so racing starts cannot overfill.
      const latest = await this.store.instances.latestInstanceId(workflowId);
      const cursor = await this.readCursor(workflowId);
      const strategy = (await this.store.instances.getInstance(workflowId, latest))?.run_strategy;
      if (roomToSpare(strategy, cursor, latest)) {
        return this.startUnscanned(workflowId, own, own);
      }
    }
    return this.admitQueued(workflowId, own);
  }

  /** The locked admission (the scan), one at a time per workflow in this replica. */
  private admitQueued(workflowId: string, own?: number): Promise<Admission> {
    // An admission of this workflow running here already: it goes round once more for us (with
    // the whole window), rather than us spinning on the Redis lock it holds. Busy workflows admit
    // at every start and every end; spinning cost seconds at the 99th percentile.
    const running = this.admitting.get(workflowId);
    if (running) {
      running.news = true;
      return running.done;
    }
    const entry: { news: boolean; done: Promise<Admission> } = { news: false, done: Promise.resolve(NONE) };
    entry.done = (async () => {
      const merged: Admission = { start: [], stop: [] };
      try {
        for (let round = 0; ; round++) {
          entry.news = false;
          const a = await this.admitWithLock(workflowId, round === 0 ? own : undefined);
          merged.start.push(...a.start);
          merged.stop.push(...a.stop);
          if (a.blockedBy !== undefined) merged.blockedBy = a.blockedBy;
          // Checked and let go in one synchronous step: news that comes after finds no entry
          // and admits by itself.
          if (!entry.news || round >= 20) {
            this.admitting.delete(workflowId);
            if (entry.news) this.admitSoon(workflowId);
            return merged;
          }
        }
      } catch (err) {
        this.admitting.delete(workflowId);
        throw err;
      }
    })();
    this.admitting.set(workflowId, entry);
    return entry.done;
  }

  private async admitWithLock(workflowId: string, own: number | undefined): Promise<Admission> {
    const lock = KEYS.admission(workflowId);
    for (let i = 0; i < 100; i++) {
      if (await tryLock(this.redis, lock, this.token, 10_000)) {
        try {
          return await this.admitLocked(workflowId, own);
        } finally {
          await unlock(this.redis, lock, this.token).catch(() => {});
        }
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    this.log.warn({ workflowId }, 'admission lock busy; the sweeper will admit later');
    return NONE;
  }

  /** Fire and forget (from action performers); errors only log. */
  admitSoon(workflowId: string): void {
    this.admit(workflowId).catch((err) =>
      this.log.warn({ workflowId, err: String(err) }, 'admission failed'),
    );
  }

  /**
   * PARALLEL with room to spare: every not-yet-started instance in [from, to] starts.
   * A start admits just its own instance (from = to); the sweeper and ended runs look
   * at the whole window, so an instance whose own admission was lost still starts.
   */
  private async startUnscanned(workflowId: string, from: number, to: number): Promise<Admission> {
    const started: number[] = [];
    for (let n = to; n >= from; n--) {
      const key = instanceKeyOf(workflowId, n, 1);
      if (await this.hasStarted(key)) continue;
      const inst = await this.store.instances.getInstance(workflowId, n);
      if (!inst) continue;
      await this.events.append(key, { type: 'start', id: `${key}:start`, ...startOf(inst) });
      this.rememberStarted(key);
      started.push(n);
    }
    return { start: started.reverse(), stop: [] };
  }

  private async admitLocked(workflowId: string, own?: number): Promise<Admission> {
    if (await this.store.queues.isPaused(workflowId)) return NONE;
    const latest = await this.store.instances.latestInstanceId(workflowId);
    const cursor = await this.readCursor(workflowId);
    const newest = await this.store.instances.getInstance(workflowId, latest);
    const strategy = newest?.run_strategy;
    if (roomToSpare(strategy, cursor, latest)) {
      // Start the queued ones without scanning (the scan is O(instances in flight) lookups).
      return this.startUnscanned(
        workflowId,
        own !== undefined ? own : cursor,
        own !== undefined ? own : latest,
      );
    }
    const entries: (QueueEntry & { runId: number })[] = [];
    // The newest instance carries the strategy in force (properties as of its start).
    const rule = (strategy?.rule as RunStrategyRule | undefined) ?? 'SEQUENTIAL';
    const concurrency = strategy?.workflow_concurrency ?? 1;
    // FIFO rules decide from the first queued instances alone: stop reading once there are
    // as many as could start (so a long sequential queue costs O(1) per admission, not O(n)).
    const fifo = rule === 'SEQUENTIAL' || rule === 'STRICT_SEQUENTIAL' || rule === 'PARALLEL';
    const enough = rule === 'PARALLEL' ? Math.max(1, concurrency) : 1;
    let queuedSeen = 0;
    const starts = new Map<number, StartPayload>();
    for (let n = cursor; n <= latest && n < cursor + WINDOW; n++) {
      if (fifo && queuedSeen >= enough) break;
      const runId = await this.store.instances.latestRunId(workflowId, n);
      if (runId === 0) continue;
      const key = instanceKeyOf(workflowId, n, runId);
      const head = await this.store.heads.getHead(key);
      if (!head) continue;
      const admitted = runId > 1 || (await this.hasStarted(key));
      if (!admitted) {
        // Only a run still to start needs its instance document (the start's payload).
        const inst = n === latest ? newest : await this.store.instances.getInstance(workflowId, n);
        if (!inst) continue;
        starts.set(n, startOf(inst));
      }
      const unblocked = head.status === 'FAILED' && (await this.store.queues.isUnblocked(workflowId, n));
      entries.push({ instanceId: n, runId, status: head.status, admitted, unblocked });
      if (!admitted && head.status === 'CREATED') queuedSeen++;
    }
    const a = admit(rule, concurrency, entries);
    for (const id of a.start) {
      const key = instanceKeyOf(workflowId, id, 1);
      const s = starts.get(id) ?? {};
      await this.events.append(key, { type: 'start', id: `${key}:start`, ...s });
      this.rememberStarted(key);
    }
    for (const s of a.stop) {
      const e = entries.find((x) => x.instanceId === s.instanceId)!;
      const key = instanceKeyOf(workflowId, s.instanceId, e.runId);
      await this.events.append(key, { type: 'stop', id: `${key}:strategy-stop`, reason: s.reason });
    }
    // Everything below the first unfinished (or blocking) instance is settled: start there next time.
    const started = new Set(a.start);
    const stopped = new Set(a.stop.map((s) => s.instanceId));
    const open = entries.find(
      (e) =>
        started.has(e.instanceId) ||
        (!stopped.has(e.instanceId) &&
          (e.status === 'CREATED' || e.status === 'IN_PROGRESS' || e.status === 'PAUSED')) ||
        e.instanceId === a.blockedBy ||
        // A failure that can block a strict queue stays in view until restarted or unblocked.
        (rule === 'STRICT_SEQUENTIAL' && e.status === 'FAILED' && !e.unblocked),
    );
    const next = open?.instanceId ?? Math.min(latest + 1, cursor + WINDOW);
    if (next !== cursor) {
      await this.store.queues.setQueueCursor(workflowId, next);
      this.remember(workflowId, next);
    }
    return a;
  }
}
