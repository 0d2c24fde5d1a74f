import type { SignalParams, SignalValue } from './signal-values';

export const FILTER_OPERATORS = ['=', '>', '>=', '<', '<='] as const;
export type FilterOperator = (typeof FILTER_OPERATORS)[number];

/** `param operator value`: a match param of a trigger or dependency, or a ListSignals filter. */
export interface ParamFilter {
  param: string;
  operator: FilterOperator;
  value: SignalValue;
}

/**
 * Compares as Maestro does: LONG with LONG numerically, STRING with STRING lexicographically (by
 * UTF-16 code units, as Java's String.compareTo). A value of the other type never matches.
 */
export function compareValues(a: SignalValue, b: SignalValue): number | undefined {
  if (typeof a !== typeof b) return undefined;
  return a < b ? -1 : a > b ? 1 : 0;
}

export function filterHolds(params: SignalParams, f: ParamFilter): boolean {
  if (!Object.hasOwn(params, f.param)) return false;
  const c = compareValues(params[f.param]!, f.value);
  if (c === undefined) return false;
  switch (f.operator) {
    case '=':
      return c === 0;
    case '>':
      return c > 0;
    case '>=':
      return c >= 0;
    case '<':
      return c < 0;
    case '<=':
      return c <= 0;
  }
}

export function allHold(params: SignalParams, filters: readonly ParamFilter[]): boolean {
  return filters.every((f) => filterHolds(params, f));
}

export function isFilterOperator(op: string): op is FilterOperator {
  return (FILTER_OPERATORS as readonly string[]).includes(op);
}
