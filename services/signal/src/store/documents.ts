/**
 * Documents of the signal service. It owns `signals`, `signal_requests`, `signal_waits`, `ledger`, `started_runs`,
 * `lineage`, `lineage_marks` and `backfills`; no other service reads them (they call this service).
 *
 * Every read on a hot path is by `_id` — the only lookup FerretDB answers without scanning a
 * collection — and every change that needs a fence is an insert with a deterministic `_id`.
 */

/** signals: one document per instance, `_id = <name>#<seq>` (seq gapless per name, from 1). */
export interface SignalDoc {
  _id: string;
  name: string;
  seq: number;
  /** Param name → tagged value (`S:text` / `L:123`, see signal-values). */
  params: Record<string, string>;
  /** The payload as JSON text ('' when none). */
  payload: string;
  request_id: string;
  /** `<name>|<request id>`, under a unique index: the fence against a second publish of one request. */
  request_key: string;
  /** Set when a step published it: `<workflow>|<instance>|<run>|<step>|<attempt key>`. */
  producer?: string;
  created_at: number;
}

/** signal_requests: `_id = <name>|<request id>` → the seq it was given (the fast path of a repeat). */
export interface RequestDoc {
  _id: string;
  seq: number;
}

/**
 * ledger: the state of each trigger, wait and backfill as a log of decisions, `_id = <key>#<n>`
 * (n from 1). The insert of decision n+1 is the fence: of two replicas deciding at once, one
 * insert wins. `effects` (runs to start, matches to report) are performed after the insert and
 * again by whoever finds the decision not `applied` (they are idempotent), so a crash only delays them.
 */
export interface LedgerDoc {
  _id: string;
  key: string;
  n: number;
  state: string;
  effects: string;
  applied?: boolean;
  created_at: number;
}

/** signal_waits: the registration of one step's wait, `_id = wait key`; deleted when it ends. */
export interface WaitDoc {
  _id: string;
  spec: string;
  /** Signal names it waits on (the sweeper rebuilds Redis's name → waits index from these). */
  names: string[];
  created_at: number;
}

/**
 * lineage: append-only lists, `_id = <subject>#<k>` (k gapless from 1), subject `sig:<name>#<seq>`
 * or `run:<workflow>:<instance>`. A link is appended at most once per subject: its mark
 * (`lineage_marks._id = <subject>|<link id>`) is inserted after it; a crash in between may append
 * it twice, and readers drop the repeat by `link_id`.
 */
export interface LineageDoc {
  _id: string;
  link_id: string;
  link: string;
  created_at: number;
}

/** backfills: one per (workflow, trigger, from, to), `_id` = its digest. */
export interface BackfillDoc {
  _id: string;
  workflow_id: string;
  trigger_id: string;
  from: number;
  to: number;
  concurrency: number;
  total: number;
  created_at: number;
}

export const COLLECTIONS = {
  signals: 'signals',
  requests: 'signal_requests',
  waits: 'signal_waits',
  ledger: 'ledger',
  lineage: 'lineage',
  marks: 'lineage_marks',
  backfills: 'backfills',
} as const;
