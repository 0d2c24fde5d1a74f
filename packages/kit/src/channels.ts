/**
 * Redis pub/sub channels between services. A message is only a wake-up (at most a workflow id):
 * losing it delays work until the receiver's next periodic poll, never loses it (docs/architecture.md, Stores).
 */
export const CHANNELS = {
  /** definition → signal: a workflow's triggers changed (message: the workflow id). */
  triggersChanged: 'baton:triggers-changed',
} as const;
