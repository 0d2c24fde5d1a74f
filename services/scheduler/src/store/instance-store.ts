import type { Db } from 'mongodb';
import { DecisionLog, type StoredDecision } from './decision-log';
import type {
  ChildEventDoc,
  EventDoc,
  LiveRunDoc,
  PausedWorkflowDoc,
  QueueDoc,
  StartRequestDoc,
} from './documents';
import { EventStore } from './event-store';
import { InstanceDocs } from './instance-docs';
import type { IdDoc } from './mongo-ops';
import { QueueStore } from './queue-store';
import { RunHeads } from './run-heads';
import { StartRequests } from './start-requests';
import { TagPermitStore, type TagPermitDoc } from './tag-permit-store';
import { type AlertDoc, AlertStore } from './alert-store';
import { type BreakpointDoc, type BreakpointPauseDoc, BreakpointStore } from './breakpoint-store';

export { isPurged } from './instance-docs';

/** Every collection the scheduler writes (created when it starts). */
export const SCHEDULER_COLLECTIONS = [
  'instances',
  'start_requests',
  'workflow_queues',
  'live_runs',
  'decisions',
  'instance_events',
  'child_events',
  'tag_permits',
  'breakpoints',
  'breakpoint_pauses',
  'alerts',
] as const;

/**
 * The scheduler's MongoDB stores, one per use case (see documents.ts for the invariants):
 * instance documents and ids, start requests, run-strategy queues, run heads (with the live
 * list), the decision log, and events. Instance documents and heads share `instances`.
 */
export class InstanceStore {
  readonly instances: InstanceDocs;
  readonly requests: StartRequests;
  readonly queues: QueueStore;
  readonly heads: RunHeads;
  readonly decisions: DecisionLog;
  readonly events: EventStore;
  readonly permits: TagPermitStore;
  readonly breakpoints: BreakpointStore;
  readonly alerts: AlertStore;

  constructor(db: Db) {
    const instances = db.collection<IdDoc>('instances');
    this.instances = new InstanceDocs(instances);
    this.requests = new StartRequests(db.collection<StartRequestDoc>('start_requests'));
    this.queues = new QueueStore(
      db.collection<IdDoc & Partial<QueueDoc> & Partial<PausedWorkflowDoc>>('workflow_queues'),
    );
    this.heads = new RunHeads(instances, db.collection<LiveRunDoc>('live_runs'));
    this.decisions = new DecisionLog(db.collection<StoredDecision>('decisions'));
    this.events = new EventStore(
      db.collection<EventDoc>('instance_events'),
      db.collection<ChildEventDoc>('child_events'),
    );
    this.permits = new TagPermitStore(db.collection<TagPermitDoc>('tag_permits'));
    this.breakpoints = new BreakpointStore(
      db.collection<BreakpointDoc>('breakpoints'),
      db.collection<BreakpointPauseDoc>('breakpoint_pauses'),
    );
    this.alerts = new AlertStore(db.collection<AlertDoc>('alerts'));
  }
}
