import type { Duration } from '@baton/model';
import { parseDurationText } from '@baton/model';
import { interpolate } from '@baton/sel';
import type { JsonValue } from './json';

/**
 * Resolves a timeout to whole seconds: a number is seconds; text (which the model keeps raw when
 * it references a param, e.g. `"${p}s"` or `"$hours h"`) is interpolated and then parsed as a
 * duration ("20 minutes", "2h", "90"). Throws with a clear message when it does not resolve.
 */
export function resolveDuration(
  d: Duration | undefined,
  lookup: (name: string) => JsonValue | undefined,
): number | undefined {
  if (d === undefined) return undefined;
  if (typeof d === 'number') return d;
  const text = interpolate(d, lookup);
  const seconds = parseDurationText(text);
  if (seconds === undefined || seconds <= 0) {
    throw new Error(`timeout '${d}' resolved to '${text}', which is not a positive duration`);
  }
  return seconds;
}
