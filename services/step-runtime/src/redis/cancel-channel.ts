import type { RedisClient } from '@baton/kit';
import { KEYS } from './keys.js';

/**
 * Pub/sub of attempt keys to cancel, so the replica running one stops it at once. Best effort:
 * a lost message is caught by the lease renewal, which checks the cancel marker in MongoDB.
 */
export class CancelChannel {
  constructor(
    private readonly publisher: RedisClient,
    /** A connection of its own (subscribed connections can do nothing else). */
    private readonly subscriber: RedisClient,
  ) {}

  async publish(attemptKey: string): Promise<void> {
    await this.publisher.publish(KEYS.cancel, attemptKey);
  }

  async subscribe(onCancel: (attemptKey: string) => void): Promise<void> {
    this.subscriber.on('message', (channel: string, message: string) => {
      if (channel === KEYS.cancel) onCancel(message);
    });
    // ioredis re-subscribes by itself after a reconnect.
    await this.subscriber.subscribe(KEYS.cancel);
  }
}
