/**
 * Redis names more than one service uses: the scheduler writes what step-runtime reads, so both
 * take the names from here (a service never imports another). Each pool's stream has a hash tag of
 * its own, so pools spread over a Redis Cluster's slots. Names one service alone uses stay in its
 * `redis/keys.ts`.
 */
export const SHARED_KEYS = {
  /**
   * Work stream of a pool: the scheduler (or its permit gate) adds one message per attempt, whose
   * field `workField` is a WorkMessage (proto baton.internal.v1, binary); step-runtime reads it.
   */
  work: (pool: string) => `{baton:work:${pool}}`,
  /** The consumer group every step-runtime replica reads the work streams with. */
  workGroup: 'step-runtime',
  /** The field of a work stream message that carries the WorkMessage. */
  workField: 'a',
} as const;
