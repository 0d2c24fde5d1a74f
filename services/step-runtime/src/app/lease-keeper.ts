import type { ClaimsStore } from '../store/claims-store.js';

export interface LeaseLog {
  warn(obj: object, msg: string): void;
}

/**
 * Renews an attempt's lease every third of its length while the user code runs, and checks for a
 * cancel request each time (the fallback when the pub/sub message was lost). A worker that dies
 * stops renewing; the scheduler sees the lapsed lease through CheckAttempts and starts a new
 * attempt under a new key — so the lease is what turns a crash into a retry, never a rerun.
 */
export class LeaseKeeper {
  private timer?: NodeJS.Timeout;
  private busy = false;

  constructor(
    private readonly claims: ClaimsStore,
    private readonly attemptKey: string,
    private readonly leaseMs: number,
    private readonly onCancel: (reason: string) => void,
    private readonly log: LeaseLog,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.tick(), Math.max(200, Math.floor(this.leaseMs / 3)));
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private async tick(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const [, cancel] = await Promise.all([
        this.claims.renewLease(this.attemptKey, this.leaseMs),
        this.claims.cancelRequested(this.attemptKey),
      ]);
      if (cancel !== undefined && this.timer) this.onCancel(cancel);
    } catch (err) {
      this.log.warn({ err: String(err) }, 'lease renewal failed; retrying at the next tick');
    } finally {
      this.busy = false;
    }
  }
}
