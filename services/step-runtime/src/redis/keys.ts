/**
 * Redis names of step-runtime alone (the work streams it reads are @baton/kit's SHARED_KEYS).
 * `{baton}` is a hash tag (one slot on Redis Cluster). All of it is coordination: losing it delays work, never loses it (the scheduler's
 * sweeper re-enqueues unclaimed attempts; claims and results live in MongoDB).
 */
export const KEYS = {
  /** Pub/sub channel: attempt keys to cancel now. */
  cancel: '{baton}:cancel',
  /** Lock of the report sweeper (one replica sweeps at a time). */
  reportSweep: '{baton}:step-runtime:report-sweep',
  /** Lock of the retention sweeper (one replica deletes expired logs and claims at a time). */
  retentionSweep: '{baton}:step-runtime:retention-sweep',
} as const;
