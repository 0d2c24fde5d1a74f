/**
 * The largest n ≥ 0 with exists(n), for numbers that exist exactly for a gapless
 * range (start..N). `hint` may be stale (low) or too high. O(log) lookups, all by
 * _id — the only reads FerretDB answers without a collection scan.
 */
export async function latestOf(
  exists: (n: number) => Promise<boolean>,
  hint: number,
  start = 1,
): Promise<number> {
  let base = hint >= start && (await exists(hint)) ? hint : start - 1;
  let step = 1;
  while (await exists(base + step)) {
    base += step;
    step *= 2;
  }
  let hi = base + step;
  while (hi - base > 1) {
    const mid = Math.floor((base + hi) / 2);
    if (await exists(mid)) base = mid;
    else hi = mid;
  }
  return base;
}
