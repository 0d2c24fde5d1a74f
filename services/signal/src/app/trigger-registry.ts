import { createHash } from 'node:crypto';
import {
  type CatchUp,
  DEFAULT_CATCH_UP,
  type SignalTrigger,
  type TimeTrigger,
  canonicalJson,
  parseTriggerLists,
} from '@baton/model';
import type { DefinitionClient } from '@baton/sdk';
import type { Logger } from 'pino';
import { type CompiledSignalTrigger, compileSignalTrigger } from '../domain/signal-trigger';
import { TIME_SHARDS, type TimeTriggerPlan, shardOf } from '../domain/time-shard';
import { planOf } from './time-plans';

/** A stable id for a trigger: a digest of its canonical JSON, so the same trigger keeps it across versions. */
export function triggerIdOf(raw: unknown): string {
  return createHash('sha256').update(canonicalJson(raw)).digest('hex').slice(0, 16);
}

export interface TimeTriggerEntry {
  triggerId: string;
  raw: unknown;
  def: TimeTrigger;
  plan: TimeTriggerPlan;
}

export interface SignalTriggerEntry {
  triggerId: string;
  raw: unknown;
  def: SignalTrigger;
  compiled: CompiledSignalTrigger;
}

/** One workflow's triggers, from its active version. */
export interface WorkflowEntry {
  workflowId: string;
  activeVersion: number;
  changedAt: number;
  timeDisabled: boolean;
  signalDisabled: boolean;
  catchUp: Required<CatchUp>;
  time: TimeTriggerEntry[];
  signal: SignalTriggerEntry[];
}

export const signalTriggerKey = (workflowId: string, triggerId: string) => `strig:${workflowId}|${triggerId}`;
export const timeShardKey = (shard: number) => `time:${shard}`;

/**
 * The triggers of every workflow's active version, as the definition service lists them
 * (ListWorkflowTriggers), kept in memory by every replica. A full listing every `fullEveryMs`,
 * incremental ones (changed_since) every `pollMs` and on each wake-up the definition service
 * publishes; a lost wake-up only waits for the next poll.
 */
export class TriggerRegistry {
  private readonly workflows = new Map<string, WorkflowEntry>();
  private readonly byName = new Map<string, Set<string>>();
  private readonly signalByKey = new Map<string, { wf: WorkflowEntry; entry: SignalTriggerEntry }>();
  private lastSync = 0;
  private lastFull = 0;
  private syncing: Promise<void> | undefined;
  private again = false;

  constructor(
    private readonly defs: DefinitionClient,
    private readonly log: Logger,
    /** Called with the ledger keys whose triggers appeared or changed. */
    private readonly changed: (keys: string[]) => void,
    private readonly fullEveryMs = 60_000,
  ) {}

  get size(): number {
    return this.workflows.size;
  }

  /** Syncs now (coalesced: a call during a sync runs one more after it). */
  sync(): Promise<void> {
    if (this.syncing) {
      this.again = true;
      return this.syncing;
    }
    this.syncing = (async () => {
      try {
        do {
          this.again = false;
          await this.syncOnce();
        } while (this.again);
      } finally {
        this.syncing = undefined;
      }
    })();
    return this.syncing;
  }

  private async syncOnce(): Promise<void> {
    const started = Date.now();
    const full = started - this.lastFull >= this.fullEveryMs;
    // Overlap the window: another definition replica's clock may run a little behind ours.
    const since = full ? undefined : new Date(this.lastSync - 5000);
    const seen = new Set<string>();
    const touched: string[] = [];
    let token = '';
    do {
      const page = await this.defs.listWorkflowTriggers({
        pageSize: 500,
        pageToken: token,
        ...(since ? { changedSince: since } : {}),
      });
      for (const w of page.workflows) {
        seen.add(w.workflowId);
        touched.push(...this.put(w));
      }
      token = page.nextPageToken;
    } while (token);
    if (full) {
      for (const id of [...this.workflows.keys()]) if (!seen.has(id)) this.drop(id);
      this.lastFull = started;
    }
    this.lastSync = started;
    if (touched.length > 0) this.changed(touched);
  }

  private put(w: {
    workflowId: string;
    activeVersion: string;
    timeTriggersJson: string;
    signalTriggersJson: string;
    timeTriggerDisabled: boolean;
    signalTriggerDisabled: boolean;
    catchUpJson: string;
    changedAt?: Date | undefined;
  }): string[] {
    const changedAt = w.changedAt?.getTime() ?? 0;
    const old = this.workflows.get(w.workflowId);
    if (old && old.changedAt === changedAt && old.activeVersion === Number(w.activeVersion)) return [];
    this.drop(w.workflowId);
    if (Number(w.activeVersion) === 0 || (!w.timeTriggersJson && !w.signalTriggersJson)) return [];
    const lists = parseTriggerLists(w.timeTriggersJson, w.signalTriggersJson, w.catchUpJson);
    if (lists.violations.length > 0) {
      this.log.warn(
        { workflowId: w.workflowId, violations: lists.violations },
        'stored triggers do not parse',
      );
    }
    const rawTime = w.timeTriggersJson ? (JSON.parse(w.timeTriggersJson) as unknown[]) : [];
    const rawSignal = w.signalTriggersJson ? (JSON.parse(w.signalTriggersJson) as unknown[]) : [];
    const entry: WorkflowEntry = {
      workflowId: w.workflowId,
      activeVersion: Number(w.activeVersion),
      changedAt,
      timeDisabled: w.timeTriggerDisabled,
      signalDisabled: w.signalTriggerDisabled,
      catchUp: { ...DEFAULT_CATCH_UP, ...(lists.catchUp ?? {}) },
      time: [],
      signal: [],
    };
    // Parsed lists drop entries that did not parse; match them to the raw ones only when all did.
    if (lists.timeTriggers.length === rawTime.length) {
      lists.timeTriggers.forEach((def, i) => {
        const triggerId = triggerIdOf(rawTime[i]);
        const plan = planOf(entry, triggerId, def);
        if (plan) entry.time.push({ triggerId, raw: rawTime[i], def, plan });
        else this.log.warn({ workflowId: w.workflowId, triggerId }, 'time trigger does not compile');
      });
    }
    if (lists.signalTriggers.length === rawSignal.length) {
      lists.signalTriggers.forEach((def, i) => {
        const triggerId = triggerIdOf(rawSignal[i]);
        entry.signal.push({
          triggerId,
          raw: rawSignal[i],
          def,
          compiled: compileSignalTrigger(w.workflowId, triggerId, def),
        });
      });
    }
    this.workflows.set(w.workflowId, entry);
    const keys: string[] = [];
    for (const s of entry.signal) {
      const key = signalTriggerKey(entry.workflowId, s.triggerId);
      this.signalByKey.set(key, { wf: entry, entry: s });
      for (const name of s.compiled.names) {
        let set = this.byName.get(name);
        if (!set) {
          set = new Set();
          this.byName.set(name, set);
        }
        set.add(key);
      }
      keys.push(key);
    }
    for (const t of entry.time) keys.push(timeShardKey(shardOf(entry.workflowId, t.triggerId)));
    return keys;
  }

  private drop(workflowId: string): void {
    const old = this.workflows.get(workflowId);
    if (!old) return;
    this.workflows.delete(workflowId);
    for (const s of old.signal) {
      const key = signalTriggerKey(workflowId, s.triggerId);
      this.signalByKey.delete(key);
      for (const name of s.compiled.names) this.byName.get(name)?.delete(key);
    }
  }

  workflow(workflowId: string): WorkflowEntry | undefined {
    return this.workflows.get(workflowId);
  }

  /** Ledger keys of the signal triggers that join `name`. */
  signalKeysFor(name: string): string[] {
    return [...(this.byName.get(name) ?? [])];
  }

  signalTrigger(key: string): { wf: WorkflowEntry; entry: SignalTriggerEntry } | undefined {
    return this.signalByKey.get(key);
  }

  /** Every signal name some trigger joins. */
  signalNames(): string[] {
    return [...this.byName].filter(([, keys]) => keys.size > 0).map(([name]) => name);
  }

  allSignalKeys(): string[] {
    return [...this.signalByKey.keys()];
  }

  /** The enabled time triggers of one shard. */
  timeShard(shard: number): TimeTriggerPlan[] {
    const out: TimeTriggerPlan[] = [];
    for (const wf of this.workflows.values()) {
      if (wf.timeDisabled) continue;
      for (const t of wf.time) if (shardOf(wf.workflowId, t.triggerId) === shard) out.push(t.plan);
    }
    return out;
  }

  allTimeShardKeys(): string[] {
    return Array.from({ length: TIME_SHARDS }, (_, i) => timeShardKey(i));
  }
}
