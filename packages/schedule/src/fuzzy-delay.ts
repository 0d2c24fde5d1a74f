import { createHash } from 'node:crypto';

const TWO_TO_48 = 2 ** 48;

/**
 * Deterministic jitter in [0, maxDelayMs) for one fire: the same key always gives the same delay
 * (a stable hash, e.g. of `${workflowId}:${triggerId}:${fireTime}`), so two replicas that plan the
 * same fire agree on when it runs without talking to each other. 0 when maxDelayMs is not positive.
 */
export function fuzzyDelayMs(key: string, maxDelayMs: number): number {
  const max = Math.floor(maxDelayMs);
  if (!(max > 0)) return 0;
  // 48 bits of SHA-256 as a fraction in [0, 1): uniform enough for any delay a trigger can ask for.
  const fraction = createHash('sha256').update(key).digest().readUIntBE(0, 6) / TWO_TO_48;
  return Math.min(max - 1, Math.floor(fraction * max));
}
