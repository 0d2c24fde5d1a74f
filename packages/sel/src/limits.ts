/**
 * Hard limits applied to every evaluation. Each one fails with a SelError whose code is
 * LIMIT_*; none of them can hang or crash the process.
 */
export interface SelLimits {
  /** Interpreter steps (one per evaluated node or builtin call). */
  maxSteps: number;
  /** Iterations of any single loop statement execution. */
  maxLoopIterations: number;
  /** Elements of one array or entries of one map. */
  maxArraySize: number;
  /** Characters of one string value. */
  maxStringLength: number;
  /** Depth of the syntax tree (nesting, operator chains), checked by parser and interpreter. */
  maxDepth: number;
  /** Wall-clock time of one evaluation, in milliseconds. */
  timeoutMs: number;
  /** Characters of SEL source accepted by the parser. */
  maxSourceLength: number;
}

export const DEFAULT_LIMITS: Readonly<SelLimits> = Object.freeze({
  maxSteps: 2_000_000,
  maxLoopIterations: 25_001,
  maxArraySize: 25_001,
  maxStringLength: 1_048_576,
  maxDepth: 256,
  timeoutMs: 2_000,
  maxSourceLength: 100_000,
});

export function resolveLimits(partial?: Partial<SelLimits>): SelLimits {
  if (!partial) return DEFAULT_LIMITS;
  const out: SelLimits = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(DEFAULT_LIMITS) as (keyof SelLimits)[]) {
    const v = partial[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      throw new RangeError(`SEL limit ${key} must be a non-negative finite number, got ${String(v)}`);
    }
    out[key] = Math.floor(v);
  }
  return out;
}
