/**
 * Documents of the definition service. It owns `workflows`, `workflow_versions`
 * and `workflow_snapshots`; no other service reads them (they call this service).
 *
 * Every change is an INSERT with a deterministic `_id` (`<workflow>:<n>`), never a
 * read-modify-write: FerretDB applies updates as non-atomic read-then-write, but a
 * unique `_id` insert is atomic on FerretDB and MongoDB alike (docs/architecture.md, Fencing). Two
 * concurrent pushes both aim at n+1; one insert wins, the other sees a duplicate
 * key, re-reads and takes n+2 — versions stay gapless and unique.
 */

/** workflow_versions: one immutable document per version. */
export interface VersionDoc {
  _id: string;
  workflow_id: string;
  version: number;
  digest: string;
  name: string;
  description: string;
  /** The `workflow` object exactly as pushed, as JSON text. */
  definition_json: string;
  step_count: number;
  created_at: Date;
  created_by: string;
}

/**
 * workflow_snapshots: the workflow's mutable state as an append-only log. Each
 * properties change or activation appends snapshot n+1 (the merged properties and
 * the active version); the latest snapshot is the current state.
 */
export interface SnapshotDoc {
  _id: string;
  workflow_id: string;
  snapshot: number;
  /** Normalized properties (@baton/model Properties) as JSON text. */
  properties_json: string;
  /** 0 when no version is active. */
  active_version: number;
  change: 'push' | 'properties' | 'activate' | 'deactivate';
  updated_at: Date;
  updated_by: string;
}

/**
 * workflows: one summary per workflow, the index that ListWorkflows pages and
 * filters over. It is a cache derived from the two logs above and rewritten after
 * each change; reads of one workflow always go to the logs.
 */
export interface WorkflowDoc {
  _id: string;
  name: string;
  owner: string;
  tags: string[];
  /** A lower bound of the latest version: where lookups of the latest start (see latestOf). */
  latest_version: number;
  active_version: number;
  /** A lower bound of the latest properties snapshot. */
  snapshot: number;
  created_at: Date;
  updated_at: Date;
  /** The active version's triggers (see TriggerView); absent on summaries written before triggers. */
  time_triggers_json?: string;
  signal_triggers_json?: string;
  time_trigger_disabled?: boolean;
  signal_trigger_disabled?: boolean;
  catch_up_json?: string;
  has_triggers?: boolean;
  trigger_digest?: string;
  /** When the trigger view last changed (ListWorkflowTriggers' changed_since reads it). */
  triggers_changed_at?: Date;
}

export const COLLECTIONS = {
  workflows: 'workflows',
  versions: 'workflow_versions',
  snapshots: 'workflow_snapshots',
} as const;

export const versionId = (workflowId: string, version: number) => `${workflowId}:${version}`;
export const snapshotId = (workflowId: string, snapshot: number) => `${workflowId}:${snapshot}`;

/** What GetWorkflow needs to resolve a selector: where the logs end, and the current state. */
export interface Head {
  /** Changes when a workflow is deleted and pushed again (the summary's creation time). */
  incarnation: number;
  latestVersion: number;
  snapshot: SnapshotDoc | null;
}
