/**
 * @baton/schedule — when time triggers fire. Pure functions over data: no I/O, no clock.
 *
 *   fuzzyDelayMs(key, maxDelayMs)            deterministic jitter in [0, maxDelayMs)
 *   triggerIdOf(triggerJson)                 16 hex characters, stable across versions
 *   parseDurationText(text)                  "20 minutes", "1d 3h" → whole seconds (shared with
 *                                            @baton/model's timeouts)
 */
export { fuzzyDelayMs } from './fuzzy-delay';
export { triggerIdOf } from './trigger-id';
export { parseDurationText } from './duration-text';
