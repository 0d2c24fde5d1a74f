import { parseEnum } from './enums';
import { keyPath } from './json-path';
import { asObject, optInteger, rejectUnknownKeys } from './reader';
import type { Ctx } from './violations';

/**
 * What the signal service does with the fire times of a workflow's time triggers that passed while
 * it was down (a Baton property, beyond Maestro): `SKIP` them, fire only the `LATEST` of them, or fire
 * `ALL` of them (the latest `max_runs`). Fires that are only a little late (within the service's
 * grace period) always fire.
 */
export interface CatchUp {
  mode: CatchUpMode;
  /** ALL: at most this many missed fires per trigger (the latest ones). */
  maxRuns?: number;
}

export const CATCH_UP_MODES = ['SKIP', 'LATEST', 'ALL'] as const;
export type CatchUpMode = (typeof CATCH_UP_MODES)[number];

/** Default catch-up: the latest missed fire only. */
export const DEFAULT_CATCH_UP: Required<CatchUp> = { mode: 'LATEST', maxRuns: 100 };
export const MAX_CATCH_UP_RUNS = 1000;

const KEYS = new Set(['mode', 'max_runs']);

/** `"LATEST"` or `{"mode": "ALL", "max_runs": 24}` (mode case-insensitive). */
export function parseCatchUp(ctx: Ctx, path: string, v: unknown): CatchUp | undefined {
  if (typeof v === 'string') {
    const mode = parseEnum(ctx, path, v, CATCH_UP_MODES, 'catch-up mode');
    return mode ? { mode } : undefined;
  }
  const obj = asObject(ctx, path, v);
  if (!obj) return undefined;
  rejectUnknownKeys(ctx, path, obj, KEYS);
  const mode = parseEnum(ctx, keyPath(path, 'mode'), obj.mode ?? 'LATEST', CATCH_UP_MODES, 'catch-up mode');
  const maxRuns = optInteger(ctx, path, obj, 'max_runs', 1, MAX_CATCH_UP_RUNS);
  if (!mode) return undefined;
  return maxRuns === undefined ? { mode } : { mode, maxRuns };
}

export function catchUpToJson(c: CatchUp): Record<string, unknown> {
  return c.maxRuns === undefined ? { mode: c.mode } : { mode: c.mode, max_runs: c.maxRuns };
}
