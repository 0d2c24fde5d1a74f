import { BatonError } from '../errors';

/**
 * A token bucket per principal, in this replica's memory: `perSecond` calls refill each second,
 * up to `burst`. Replicas limit independently, so a deployment's limit is per replica (documented).
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {}

  get enabled(): boolean {
    return this.perSecond > 0;
  }

  /** Takes one call from the principal's bucket; throws RESOURCE_EXHAUSTED with retry info. */
  take(principal: string): void {
    if (!this.enabled) return;
    const now = this.now();
    const cap = Math.max(1, this.burst || this.perSecond);
    const b = this.buckets.get(principal) ?? { tokens: cap, at: now };
    b.tokens = Math.min(cap, b.tokens + ((now - b.at) / 1000) * this.perSecond);
    b.at = now;
    if (b.tokens < 1) {
      this.buckets.set(principal, b);
      const retryAfterMs = ((1 - b.tokens) / this.perSecond) * 1000;
      throw new BatonError(
        'RESOURCE_EXHAUSTED',
        `rate limit of ${this.perSecond} calls/s for ${principal} reached`,
        {
          reason: 'RATE_LIMITED',
          retryAfterMs,
        },
      );
    }
    b.tokens -= 1;
    this.buckets.set(principal, b);
    // Forget idle principals now and then, so the map stays the size of the active callers.
    if (this.buckets.size > 10_000) {
      for (const [k, v] of this.buckets) if (now - v.at > 60_000) this.buckets.delete(k);
    }
  }
}
