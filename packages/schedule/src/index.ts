/**
 * @baton/schedule — when time triggers fire. Pure functions over data: no I/O, no clock.
 *
 *   parseDurationText(text)                  "20 minutes", "1d 3h" → whole seconds (shared with
 *                                            @baton/model's timeouts)
 */
export { parseDurationText } from './duration-text';
