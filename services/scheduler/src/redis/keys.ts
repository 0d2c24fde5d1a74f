/**
 * Redis key names. `{baton}` is a hash tag: on Redis Cluster the shared queues
 * land in one slot. Everything here is coordination only and rebuilt from
 * MongoDB by the sweeper when lost (docs/architecture.md, Stores). Names step-runtime reads too (its work streams) are
 * in @baton/kit's SHARED_KEYS.
 */
export const KEYS = {
  /** List of instance keys to decide (LPUSH / BRPOP). */
  ready: '{baton}:ready',
  /** Sorted set: instance key scored by its next wake-up (epoch ms). */
  timers: '{baton}:timers',
  /** Set of pending event ids of one instance. */
  pending: (key: string) => `{baton}:pending:${key}`,
  /** Set of pending child-event ids of one instance (the `child_events` inbox, see EventLog). */
  inbox: (key: string) => `{baton}:inbox:${key}`,
  /** The lock of one instance (value = holder token). */
  lock: (key: string) => `{baton}:lock:${key}`,
  /** The sweeper's lock (one replica sweeps at a time). */
  sweeper: '{baton}:sweeper',
  /** Pub/sub channel announcing that a run's head was written (WatchInstance wake-ups). */
  runChanged: (key: string) => `{baton}:run:${key}`,
  /** Bumped by every breakpoint change: a scheduler whose copy has another epoch reloads them. */
  breakpointEpoch: '{baton}:breakpoints:epoch',
  /** The instance retention sweep's lock (one replica deletes ended instances at a time). */
  retention: '{baton}:retention',
} as const;
