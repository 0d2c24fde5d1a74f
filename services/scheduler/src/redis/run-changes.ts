import type { RedisClient } from '@baton/kit';
import { KEYS } from './keys';

/**
 * Wake-ups for WatchInstance: the engine publishes a run's key on `{baton}:run:<key>` each time it
 * writes the run's head, and watchers on any replica wait for that instead of re-reading MongoDB
 * on a timer. Pub/sub is lossy (a Redis restart, a dropped connection), so a watcher still looks
 * on its own every `fallbackMs`: a lost message costs latency, never an update.
 */
export class RunChanges {
  private readonly watchers = new Map<string, Set<RunWatch>>();

  /** `sub` must be a connection of its own: a subscribed connection can do nothing else. */
  constructor(
    private readonly sub: RedisClient,
    private readonly fallbackMs = 2_000,
  ) {
    sub.on('message', (channel: string) => {
      const key = channel.slice(KEYS.runChanged('').length);
      for (const w of this.watchers.get(key) ?? []) w.poke();
    });
  }

  /** Starts watching `key`; call `close()` on the result when done. */
  async watch(key: string): Promise<RunWatch> {
    const w = new RunWatch(this.fallbackMs, () => this.unwatch(key, w));
    let set = this.watchers.get(key);
    if (!set) {
      set = new Set();
      this.watchers.set(key, set);
      // Subscribed before the caller's first read: a change after that read is not missed.
      await this.sub.subscribe(KEYS.runChanged(key)).catch(() => {
        // Redis away: the fallback timer still finds changes.
      });
    }
    set.add(w);
    return w;
  }

  private unwatch(key: string, w: RunWatch): void {
    const set = this.watchers.get(key);
    if (!set) return;
    set.delete(w);
    if (set.size === 0) {
      this.watchers.delete(key);
      this.sub.unsubscribe(KEYS.runChanged(key)).catch(() => {});
    }
  }

  /** Local watchers (for tests and metrics). */
  get size(): number {
    let n = 0;
    for (const s of this.watchers.values()) n += s.size;
    return n;
  }
}

/** One watcher of one run: `next()` resolves at the next change, the fallback timer or abort. */
export class RunWatch {
  private dirty = false;
  private wake?: () => void;

  constructor(
    private readonly fallbackMs: number,
    readonly close: () => void,
  ) {}

  poke(): void {
    this.dirty = true;
    this.wake?.();
  }

  /** Waits unless a change came since the last call. */
  next(signal: AbortSignal): Promise<void> {
    if (this.dirty || signal.aborted) {
      this.dirty = false;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(t);
        signal.removeEventListener('abort', done);
        this.wake = undefined;
        this.dirty = false;
        resolve();
      };
      const t = setTimeout(done, this.fallbackMs);
      signal.addEventListener('abort', done, { once: true });
      this.wake = done;
    });
  }
}
