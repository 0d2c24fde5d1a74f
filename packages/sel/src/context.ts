import type { TypeRef } from './ast';
import { SelError } from './errors';
import type { ParamHost } from './host';
import type { SelLimits } from './limits';
import type { Value } from './values';

export interface Variable {
  type: TypeRef | null;
  value: Value;
}

/** Characters or elements a builtin may touch for the price of one interpreter step. */
export const UNITS_PER_STEP = 64;

/**
 * Per-evaluation state. A fresh context is built for every evaluation, which is what keeps
 * one expression from ever observing another one's variables or counters.
 */
export class EvalContext {
  readonly vars = new Map<string, Variable>();
  /** Host params copied into this evaluation, by name. */
  readonly params = new Map<string, Value>();
  steps = 0;
  depth = 0;
  returned: Value = null;
  readonly deadline: number;

  constructor(
    readonly host: ParamHost,
    readonly limits: SelLimits,
    readonly now: () => number,
  ) {
    this.deadline = Date.now() + limits.timeoutMs;
  }

  /** Counts one unit of work; checks the wall clock every 1024 steps to keep it cheap. */
  tick(cost = 1): void {
    this.steps += cost;
    if (this.steps > this.limits.maxSteps) {
      throw new SelError('LIMIT_STEPS', `evaluation exceeded ${this.limits.maxSteps} steps`);
    }
    if ((this.steps & 1023) < cost && Date.now() > this.deadline) {
      throw new SelError('LIMIT_TIME', `evaluation exceeded ${this.limits.timeoutMs} ms`);
    }
  }

  /**
   * Charges a builtin for `units` of input or output (characters, elements) and checks the
   * wall clock. Builtins do work proportional to their input in one uninterruptible native
   * call, so each one pays for what it touches and the deadline is checked around it, instead
   * of counting a scan of a 1 MiB string as a single step.
   */
  charge(units: number): void {
    this.tick(1 + Math.floor(units / UNITS_PER_STEP));
    this.checkTime();
  }

  /** Milliseconds left before the deadline (never negative). */
  remainingMs(): number {
    return Math.max(0, this.deadline - Date.now());
  }

  checkTime(): void {
    if (Date.now() > this.deadline) {
      throw new SelError('LIMIT_TIME', `evaluation exceeded ${this.limits.timeoutMs} ms`);
    }
  }

  str(s: string): string {
    if (s.length > this.limits.maxStringLength) {
      throw new SelError(
        'LIMIT_STRING',
        `string of ${s.length} characters exceeds ${this.limits.maxStringLength}`,
      );
    }
    return s;
  }

  /** Fails before a collection of `n` elements is built. */
  size(n: number, what = 'array'): void {
    if (n > this.limits.maxArraySize) {
      throw new SelError('LIMIT_ARRAY', `${what} of ${n} elements exceeds ${this.limits.maxArraySize}`);
    }
    this.tick(1 + Math.floor(n / UNITS_PER_STEP));
  }
}
