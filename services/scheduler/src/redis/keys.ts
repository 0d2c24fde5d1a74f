/**
 * Redis key names. The text in `{…}` is the hash tag: on a Redis Cluster keys with the same tag
 * share a slot. The scheduler's shared queues (`{baton}`: the ready list, the timers, the change
 * stream, the sweepers' locks) are one slot, so moving due timers to the ready list and a head's
 * wake-up with its change events stay one MULTI; each run's own keys (`{baton:run:<key>}`: its
 * pending and inbox sets, its lock) are a slot of their own, so runs spread over the cluster.
 * Everything here is coordination only and rebuilt from MongoDB by the sweeper when lost
 * (docs/architecture.md, Stores). Names step-runtime reads too (its work streams) are in
 * @baton/kit's SHARED_KEYS.
 */
const run = (key: string) => `{baton:run:${key}}`;

export const KEYS = {
  /** List of instance keys to decide (LPUSH / BRPOP). */
  ready: '{baton}:ready',
  /** Sorted set: instance key scored by its next wake-up (epoch ms). */
  timers: '{baton}:timers',
  /** Set of pending event ids of one instance. */
  pending: (key: string) => `${run(key)}:pending`,
  /** Set of pending child-event ids of one instance (the `child_events` inbox, see EventLog). */
  inbox: (key: string) => `${run(key)}:inbox`,
  /** The lock of one instance (value = holder token). */
  lock: (key: string) => `${run(key)}:lock`,
  /** The sweeper's lock (one replica sweeps at a time). */
  sweeper: '{baton}:sweeper',
  /**
   * Pub/sub channel announcing that a run's head was written (WatchInstance wake-ups). A channel,
   * not a key: a cluster delivers it from any node (its name only keeps the one-node form).
   */
  runChanged: (key: string) => `{baton}:run:${key}`,
  /** Bumped by every breakpoint change: a scheduler whose copy has another epoch reloads them. */
  breakpointEpoch: '{baton}:breakpoints:epoch',
  /** The instance retention sweep's lock (one replica deletes ended instances at a time). */
  retention: '{baton}:retention',
  /** The run-strategy admission lock of one workflow (a slot per workflow). */
  admission: (workflowId: string) => `{baton:queue:${workflowId}}`,
} as const;
