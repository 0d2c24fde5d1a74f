import { type RedisClient, SHARED_KEYS, hashTagOf, isCluster } from '@baton/kit';

const WORK_GROUP = SHARED_KEYS.workGroup;

/**
 * How long one wait lasts when this replica's pools are on several slots of a Redis Cluster (an
 * XREADGROUP may only name streams of one slot): the wait goes to each slot in turn, so a message
 * on another slot waits at most about this long.
 */
export const SLOT_WAIT_MS = 100;

export interface QueueMessage {
  stream: string;
  id: string;
  /** Field `a` (a WorkMessage, binary); undefined when absent (a malformed message). */
  body: Buffer | undefined;
}

/** An entry as read in binary: id and fields are Buffers (strings in tests). */
export type RawEntry = [string | Buffer, (string | Buffer)[] | null] | null;

/**
 * The work streams of this replica's pools, read through the `step-runtime` consumer group.
 * Delivery is at least once (a message can be read again after a consumer died); the claim insert
 * in MongoDB decides who runs an attempt, so a message is acked (and deleted, keeping streams
 * short) as soon as its claim is settled either way.
 */
export class WorkQueue {
  private readonly streams: string[];
  /** The streams by hash slot (one group on one Redis, or when the pools share a tag). */
  private readonly slots: string[][];
  /** The slot the next wait goes to (several slots only). */
  private turn = 0;

  /** `blocking` must be a connection of its own: XREADGROUP BLOCK holds it. */
  constructor(
    private readonly blocking: RedisClient,
    private readonly redis: RedisClient,
    pools: string[],
    private readonly consumer: string,
  ) {
    this.streams = pools.map((p) => SHARED_KEYS.work(p));
    const byTag = new Map<string, string[]>();
    for (const s of this.streams) {
      const tag = isCluster(redis) ? hashTagOf(s) : '';
      byTag.set(tag, [...(byTag.get(tag) ?? []), s]);
    }
    this.slots = [...byTag.values()];
  }

  /** Creates the group on each stream (at its end, creating the stream); BUSYGROUP is fine. */
  async ensureGroups(): Promise<void> {
    for (const s of this.streams) {
      try {
        await this.redis.call('XGROUP', 'CREATE', s, WORK_GROUP, '$', 'MKSTREAM');
      } catch (err) {
        if (!String(err).includes('BUSYGROUP')) throw err;
      }
    }
  }

  /**
   * New messages for this consumer, waiting up to blockMs. Recreates lost groups (Redis flushed).
   * Pools on several slots of a cluster: each slot is looked at without waiting, then the wait
   * (SLOT_WAIT_MS) goes to one slot, the next one the next time.
   */
  async read(count: number, blockMs: number): Promise<QueueMessage[]> {
    if (this.slots.length === 1) return this.readSlot(this.slots[0]!, count, blockMs);
    const out: QueueMessage[] = [];
    for (const streams of this.slots) {
      if (out.length >= count) return out;
      out.push(...(await this.readSlot(streams, count - out.length, undefined)));
    }
    if (out.length > 0) return out;
    this.turn = (this.turn + 1) % this.slots.length;
    return this.readSlot(this.slots[this.turn]!, count, Math.min(blockMs, SLOT_WAIT_MS));
  }

  /** XREADGROUP over streams of one slot; blockMs undefined: answer at once. */
  private async readSlot(
    streams: string[],
    count: number,
    blockMs: number | undefined,
  ): Promise<QueueMessage[]> {
    const args: (string | number)[] = ['GROUP', WORK_GROUP, this.consumer, 'COUNT', count];
    if (blockMs !== undefined) args.push('BLOCK', blockMs);
    args.push('STREAMS');
    try {
      // In binary: the message bodies are protobuf, not text.
      const reply = (await binary(this.blocking).xreadgroupBuffer(
        ...args,
        ...streams,
        ...streams.map(() => '>'),
      )) as unknown;
      const out: QueueMessage[] = [];
      const pairs = streamsOf(reply);
      for (const [stream, entries] of pairs) out.push(...toMessages(stream, entries));
      return out;
    } catch (err) {
      if (String(err).includes('NOGROUP')) {
        await this.ensureGroups();
        return [];
      }
      throw err;
    }
  }

  /**
   * Takes over messages another consumer read but never acked for `idleMs` (it died between
   * reading and claiming). Returns them for processing like new ones.
   */
  async reclaim(count: number, idleMs: number): Promise<QueueMessage[]> {
    const out: QueueMessage[] = [];
    for (const stream of this.streams) {
      if (out.length >= count) break;
      try {
        const reply = (await binary(this.redis).xautoclaimBuffer(
          stream,
          WORK_GROUP,
          this.consumer,
          idleMs,
          '0-0',
          'COUNT',
          count - out.length,
        )) as [Buffer, RawEntry[], Buffer[]?];
        out.push(...toMessages(stream, reply[1]));
        // Ids of entries deleted while pending: nothing to run, drop them from the PEL.
        const deleted = reply[2] ?? [];
        if (deleted.length > 0) await this.redis.call('XACK', stream, WORK_GROUP, ...deleted);
      } catch (err) {
        if (!String(err).includes('NOGROUP')) throw err;
      }
    }
    return out;
  }

  /** Acknowledges and deletes a message: its claim (or its rejection) is settled. */
  async done(msg: QueueMessage): Promise<void> {
    await this.redis.multi().xack(msg.stream, WORK_GROUP, msg.id).xdel(msg.stream, msg.id).exec();
  }
}

/**
 * The binary forms of the two reads, by name: ioredis' `callBuffer` loses the command name on a
 * Cluster client (it sends `GROUP ...` for `XREADGROUP GROUP ...`), the named Buffer methods do not.
 */
function binary(redis: RedisClient): {
  xreadgroupBuffer(...args: (string | number)[]): Promise<unknown>;
  xautoclaimBuffer(...args: (string | number)[]): Promise<unknown>;
} {
  return redis as unknown as ReturnType<typeof binary>;
}

/**
 * The per-stream entries of an XREADGROUP reply in any protocol: RESP2 nests `[[stream, entries]…]`;
 * RESP3 (ioredis 6's default) answers a map, which arrives flat `[stream, entries, …]` or as an object.
 * Stream names may be Buffers (binary reads).
 */
export function streamsOf(reply: unknown): [string, RawEntry[]][] {
  if (reply === null || reply === undefined) return [];
  if (Array.isArray(reply)) {
    if (reply.length === 0) return [];
    if (Array.isArray(reply[0])) {
      return (reply as [string | Buffer, RawEntry[]][]).map(([s, e]) => [String(s), e]);
    }
    const out: [string, RawEntry[]][] = [];
    for (let i = 0; i + 1 < reply.length; i += 2) out.push([String(reply[i]), reply[i + 1] as RawEntry[]]);
    return out;
  }
  if (reply instanceof Map) return [...reply.entries()].map(([s, e]) => [String(s), e as RawEntry[]]);
  if (typeof reply === 'object') return Object.entries(reply as Record<string, RawEntry[]>);
  return [];
}

function toMessages(stream: string, entries: RawEntry[]): QueueMessage[] {
  const out: QueueMessage[] = [];
  for (const e of entries) {
    if (!e) continue;
    const [id, fields] = e;
    let body: Buffer | undefined;
    for (let i = 0; fields && i + 1 < fields.length; i += 2) {
      if (String(fields[i]) === SHARED_KEYS.workField) body = Buffer.from(fields[i + 1]!);
    }
    out.push({ stream, id: String(id), body });
  }
  return out;
}
