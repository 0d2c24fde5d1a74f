import { latestChangeId, readChanges, type RedisClient } from '@baton/kit';
import type { ChangeEvent } from '@baton/proto';
import type { EngineConfig } from '../domain';
import type { RunChanges } from '../redis/run-changes';
import type { InstanceStore } from '../store/instance-store';
import type { Definitions } from './definitions';
import type { EventLog } from './event-log';
import { RunCommands } from './run-commands';
import { RunReads } from './run-reads';
import { RunStarts } from './run-starts';
import type { Runs } from './runs';
import type { WorkflowQueue } from './workflow-queue';
import type { TagPermits } from './tag-permits';
import type { Breakpoints } from './breakpoints';
import type { PermitGate } from '../redis/permit-gate';

export type { LoadedRun, RunRefInput } from './run-refs';

/**
 * The scheduler's use cases behind the RPCs, by kind: making runs (starts), commands on running
 * ones (commands), reading them (reads). Every change is an appended event or a fenced insert.
 */
export class SchedulerApp {
  readonly reads: RunReads;
  readonly starts: RunStarts;
  readonly commands: RunCommands;
  /** The change events stream (Redis), for WatchChanges. */
  readonly feed: ChangeFeed;

  constructor(
    store: InstanceStore,
    events: EventLog,
    runs: Runs,
    defs: Definitions,
    config: EngineConfig,
    queue: WorkflowQueue,
    changes: RunChanges,
    redis: RedisClient,
    /** User tag permits (SetTagPermit...). */
    readonly permits: TagPermits,
    /** Step breakpoints (SetBreakpoint...). */
    readonly breakpoints: Breakpoints,
    /** The permit gate: reads show the steps it holds back. */
    readonly gate?: PermitGate,
  ) {
    this.feed = {
      latest: () => latestChangeId(redis),
      read: (after, count) => readChanges(redis, after, count),
    };
    this.reads = new RunReads(store, changes);
    this.starts = new RunStarts(store, runs, defs, config, queue, this.reads);
    this.commands = new RunCommands(events, this.reads, (key, stepId, attempt) =>
      breakpoints.forgetPause(key, stepId, attempt),
    );
  }
}

export interface ChangeFeed {
  /** The newest stream id ("from now on"). */
  latest(): Promise<string>;
  /** Up to `count` changes after a stream id. */
  read(after: string, count: number): Promise<ChangeEvent[]>;
}
