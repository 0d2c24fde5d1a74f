import type { TypeRef } from './ast';
import { SelError } from './errors';
import type { ParamHost } from './host';
import type { SelLimits } from './limits';
import type { Value } from './values';

export interface Variable {
  type: TypeRef | null;
  value: Value;
}

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
    this.tick(1 + (n >> 6));
  }
}
