/**
 * Redis key names of the signal service. `{sig}` is a hash tag: on Redis Cluster the shared queues
 * land in one slot. Everything here is coordination only, rebuilt from MongoDB and the definition
 * service by the sweeper when lost (docs/architecture.md, Stores).
 */
export const KEYS = {
  /** List of ledger keys (triggers, waits, time shards, backfills) to process. */
  ready: '{sig}:ready',
  /** Sorted set: ledger key scored by when to look at it again (epoch ms). */
  timers: '{sig}:timers',
  /** The lock of one ledger key (value = holder token). */
  lock: (key: string) => `{sig}:lock:${key}`,
  /** Set of the wait keys waiting on a signal name. */
  waits: (name: string) => `{sig}:waits:${name}`,
  /** The sweeper's lock (one replica sweeps at a time). */
  sweeper: '{sig}:sweeper',
} as const;
