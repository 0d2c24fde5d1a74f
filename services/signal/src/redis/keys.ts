/**
 * Redis key names of the signal service. The text in `{…}` is the hash tag: on a Redis Cluster keys
 * with the same tag share a slot. The shared queues (`{sig}`: ready list, timers, the sweeper's
 * lock) are one slot, so moving due timers to the ready list stays one MULTI; each ledger key's lock
 * and each signal name's wait set have a tag of their own, so they spread over the cluster.
 * Everything here is coordination only, rebuilt from MongoDB and the definition service by the
 * sweeper when lost (docs/architecture.md, Stores).
 */
export const KEYS = {
  /** List of ledger keys (triggers, waits, time shards, backfills) to process. */
  ready: '{sig}:ready',
  /** Sorted set: ledger key scored by when to look at it again (epoch ms). */
  timers: '{sig}:timers',
  /** The lock of one ledger key (value = holder token). */
  lock: (key: string) => `{sig:lock:${key}}`,
  /** Set of the wait keys waiting on a signal name. */
  waits: (name: string) => `{sig:waits:${name}}`,
  /** The sweeper's lock (one replica sweeps at a time). */
  sweeper: '{sig}:sweeper',
} as const;
