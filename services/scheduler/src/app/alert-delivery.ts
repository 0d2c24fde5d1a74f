import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import {
  type HttpAllowList,
  guardedLookup,
  tryLock,
  unlock,
  urlAddressRefusal,
  type RedisClient,
} from '@baton/kit';
import type { Logger } from 'pino';
import type { AlertDoc, AlertStore } from '../store/alert-store';

export interface AlertDeliveryOptions {
  /** Private addresses webhooks may reach (SCHEDULER_ALERT_ALLOW; public ones always). */
  allow: HttpAllowList;
  /** How often the outbox is looked at (and at once after an alert is raised). */
  everyMs: number;
  /** Tries per webhook before it is given up. */
  maxTries: number;
  /** One POST's deadline. */
  timeoutMs: number;
}

export const ALERT_DELIVERY_DEFAULTS: Omit<AlertDeliveryOptions, 'allow'> = {
  everyMs: 1000,
  maxTries: 8,
  timeoutMs: 10_000,
};

const LOCK = '{baton}:alerts:delivery';
/** Delivered alerts are kept this long (the dedup mark), then pruned. */
const KEEP_MS = 7 * 86_400_000;

/**
 * POSTs raised alerts to their webhooks (the `alerts` outbox), one replica at a time: JSON body,
 * `x-baton-alert-id` header (receivers dedup on it: delivery is at least once), 2xx = delivered;
 * anything else is tried again after 1, 2, 4... s (at most 60 s apart), up to maxTries, then given
 * up (logged, kept with its last error). Webhooks pass the SSRF guard of Http steps: a private or
 * loopback address only when SCHEDULER_ALERT_ALLOW lists it.
 */
export class AlertDelivery {
  private readonly token = randomUUID();
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private lastPrune = 0;

  constructor(
    private readonly store: AlertStore,
    private readonly redis: RedisClient,
    private readonly opts: AlertDeliveryOptions,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.nudge(), this.opts.everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Looks at the outbox now (or right after the pass under way). */
  nudge(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.pass()
      .catch((err) => this.log.warn({ err: String(err) }, 'alert delivery pass failed'))
      .finally(() => {
        this.running = undefined;
        if (this.again && this.timer) {
          this.again = false;
          this.nudge();
        }
      });
  }

  private async pass(): Promise<void> {
    const ttl = this.opts.timeoutMs * 3 + 5000;
    if (!(await tryLock(this.redis, LOCK, this.token, ttl))) return;
    try {
      const now = Date.now();
      for (const doc of await this.store.due(now, 20)) await this.deliver(doc);
      if (now - this.lastPrune > 3_600_000) {
        this.lastPrune = now;
        await this.store.prune(now - KEEP_MS);
      }
    } finally {
      await unlock(this.redis, LOCK, this.token).catch(() => {});
    }
  }

  private async deliver(doc: AlertDoc): Promise<void> {
    const left: number[] = [];
    let lastError = '';
    await Promise.all(
      doc.pending.map(async (i) => {
        const url = doc.urls[i]!;
        const problem = await this.post(url, doc._id, doc.body);
        if (problem) {
          left.push(i);
          lastError = `${url}: ${problem}`;
        }
      }),
    );
    const tries = doc.tries + 1;
    const now = Date.now();
    if (left.length === 0) {
      await this.store.update(doc._id, { pending: [], tries, done_at: now });
      return;
    }
    if (tries >= this.opts.maxTries) {
      this.log.error({ alert: doc._id, tries, error: lastError }, 'alert not delivered; given up');
      await this.store.update(doc._id, {
        pending: left.sort(),
        tries,
        done_at: now,
        gave_up: true,
        last_error: lastError,
      });
      return;
    }
    const delay = Math.min(60_000, 1000 * 2 ** (tries - 1));
    this.log.warn(
      { alert: doc._id, tries, retryInMs: delay, error: lastError },
      'alert delivery failed; will retry',
    );
    await this.store.update(doc._id, {
      pending: left.sort(),
      tries,
      next_at: now + delay,
      last_error: lastError,
    });
  }

  /** One POST; undefined when the webhook answered 2xx, else why not. */
  private post(url: string, id: string, body: string): Promise<string | undefined> {
    return new Promise((resolve) => {
      let u: URL;
      try {
        u = new URL(url);
      } catch {
        return resolve('not a URL');
      }
      const why = urlAddressRefusal(u, this.opts.allow);
      if (why) return resolve(why);
      const send = u.protocol === 'https:' ? httpsRequest : httpRequest;
      const req = send(
        u,
        {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            'user-agent': 'baton-alerts',
            'x-baton-alert-id': id,
          },
          lookup: guardedLookup(this.opts.allow),
          timeout: this.opts.timeoutMs,
        },
        (res) => {
          res.resume(); // the answer's body is not needed
          res.on('end', () => {
            const code = res.statusCode ?? 0;
            resolve(code >= 200 && code < 300 ? undefined : `answered ${code}`);
          });
          res.on('error', (err) => resolve(err.message));
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer in ${this.opts.timeoutMs} ms`)));
      req.on('error', (err) => resolve(err.message));
      req.end(body);
    });
  }
}
