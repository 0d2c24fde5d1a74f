import type { RunningAttempt } from '../runner/index.js';

/** Why an attempt was cancelled: a user's request (→ STOPPED) or this replica shutting down. */
export interface CancelCause {
  reason: string;
  shutdown: boolean;
}

/**
 * The attempts this replica is handling, by attempt key. An entry exists from before the claim
 * insert until the result is recorded, so a cancel that arrives between the claim and the start
 * of the process is not lost: it is kept and applied when the process is attached.
 */
export class AttemptEntry {
  cause?: CancelCause;
  private attempt?: RunningAttempt;

  attach(attempt: RunningAttempt): void {
    this.attempt = attempt;
    if (this.cause) attempt.cancel(this.cause.reason);
  }

  cancel(cause: CancelCause): void {
    if (this.cause) return;
    this.cause = cause;
    this.attempt?.cancel(cause.reason);
  }
}

export class RunningAttempts {
  private readonly entries = new Map<string, AttemptEntry>();

  /** Undefined when this replica already handles the key (a duplicate message in one batch). */
  register(attemptKey: string): AttemptEntry | undefined {
    if (this.entries.has(attemptKey)) return undefined;
    const e = new AttemptEntry();
    this.entries.set(attemptKey, e);
    return e;
  }

  unregister(attemptKey: string): void {
    this.entries.delete(attemptKey);
  }

  /** True when the attempt is handled here. */
  cancel(attemptKey: string, cause: CancelCause): boolean {
    const e = this.entries.get(attemptKey);
    e?.cancel(cause);
    return e !== undefined;
  }

  cancelAll(reason: string): void {
    for (const e of this.entries.values()) e.cancel({ reason, shutdown: true });
  }

  get size(): number {
    return this.entries.size;
  }
}
