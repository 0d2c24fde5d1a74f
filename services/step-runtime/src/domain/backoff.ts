/** Delay before retry number `n` (0-based): base · 2ⁿ, capped, with ±20 % jitter. */
export function backoffMs(
  n: number,
  baseMs = 200,
  capMs = 5_000,
  random: () => number = Math.random,
): number {
  const plain = Math.min(capMs, baseMs * 2 ** Math.min(n, 30));
  return Math.round(plain * (0.8 + 0.4 * random()));
}
