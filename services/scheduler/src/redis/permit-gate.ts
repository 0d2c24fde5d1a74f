import { type RedisClient, SHARED_KEYS, SlotBatch, isCluster, scanKeys } from '@baton/kit';
import type { ChainableCommander } from 'ioredis';

/**
 * A permit tag an attempt carries and its limit: a number for the reserved tags (the workflow's
 * step_concurrency, an instance tree's instance_step_concurrency: the limit travels with the
 * attempt), -1 for a user tag (its limit is the tag permit set by SetTagPermit, read when checked;
 * none set = no cap, but the attempt is still counted, so a permit set later counts it).
 */
export type PermitTag = [tag: string, limit: number];

/** What the gate answers for one dispatch: it went to the work stream, or it waits on `tag`. */
export type Admission = { granted: true } | { granted: false; tag: string };

/** Where an attempt stands in the gate, for the sweeper (see PermitGate.states). */
export type GateState = { waiting: true; tag: string } | { waiting: false; grantedAt?: number };

const P = '{baton:permits}:';

/**
 * Every key of the gate, under one hash tag: an attempt takes a permit of each of its tags (the
 * workflow's, its run tree's, user tags) in one script, so every tag's counters must be on one
 * slot. On a Redis Cluster the gate is therefore one slot; it is apart from the ready queue and
 * from the work streams, which have tags of their own.
 */
export const PERMIT_KEYS = {
  /** Hash: user tag → its permit (max attempts at once). Mirrors the tag_permits collection. */
  limits: `${P}limits`,
  /** Sorted set: attempt keys holding a permit of the tag, scored by grant time. */
  held: (tag: string) => `${P}held:${tag}`,
  /** Sorted set: attempt keys waiting on the tag, in arrival order. */
  wait: (tag: string) => `${P}wait:${tag}`,
  /** Hash of a waiting (or recently started) attempt: tags, stream, body, state, on, at. */
  attempt: (attemptKey: string) => `${P}att:${attemptKey}`,
  /** Arrival counter (the waiting order). */
  seq: `${P}seq`,
  /** Set when an attempt's permits were given back: a later take for it (a redo) is refused. */
  done: (attemptKey: string) => `${P}done:${attemptKey}`,
} as const;

/**
 * How long a given-back attempt is remembered. A decision redone after its attempt ended (a
 * foreach's launch applied again: its iterations' first actions are performed again) must not take
 * a permit nobody would give back; the sweeper's reconciliation catches anything later than this.
 */
const DONE_KEPT_MS = 3_600_000;

/** How long the gate remembers that it started a waiting attempt (for the sweeper). */
const GRANTED_KEPT_MS = 600_000;
/** Waiters one promotion looks at, at most (a script must stay short; the next release goes on). */
const PROMOTE_BUDGET = 200;

/**
 * Shared Lua: the limit of a tag, whether an attempt is blocked (on which tag), granting, and
 * promotion — starting the waiters of a tag in arrival order while permits last. A waiter blocked
 * on another tag of its own moves to that tag's queue, keeping its place by arrival.
 */
const COMMON = `
local P = '${P}'
local OUT = {}
-- Sends a started attempt's message to its work stream: here (one Redis), or by the caller after
-- the script (a cluster, where the stream is another slot): see EMIT_INLINE / EMIT_RETURNED.
__EMIT__
local function limitOf(t)
  if t[2] >= 0 then return t[2] end
  local v = redis.call('HGET', P .. 'limits', t[1])
  if v then return tonumber(v) end
  return nil
end
local function blockedOn(tags, ak, fifo)
  for _, t in ipairs(tags) do
    local held = P .. 'held:' .. t[1]
    if not redis.call('ZSCORE', held, ak) then
      local lim = limitOf(t)
      if lim then
        if redis.call('ZCARD', held) >= lim then return t[1], 'full' end
        if fifo and redis.call('EXISTS', P .. 'wait:' .. t[1]) == 1 then return t[1], 'queue' end
      end
    end
  end
  return nil
end
local function grant(tags, ak, now)
  for _, t in ipairs(tags) do redis.call('ZADD', P .. 'held:' .. t[1], now, ak) end
end
local function promote(tag, now)
  local wait = P .. 'wait:' .. tag
  for n = 1, ${PROMOTE_BUDGET} do
    local head = redis.call('ZRANGE', wait, 0, 0, 'WITHSCORES')
    if #head == 0 then return end
    local w, seq = head[1], head[2]
    local rec = P .. 'att:' .. w
    local tagsJson = redis.call('HGET', rec, 'tags')
    if not tagsJson then
      redis.call('ZREM', wait, w)
    else
      local wtags = cjson.decode(tagsJson)
      local b = blockedOn(wtags, w, false)
      if b == tag then return end
      redis.call('ZREM', wait, w)
      if b then
        redis.call('ZADD', P .. 'wait:' .. b, seq, w)
        redis.call('HSET', rec, 'on', b)
      else
        grant(wtags, w, now)
        local f = redis.call('HMGET', rec, 'stream', 'body')
        emit(f[1], f[2])
        redis.call('HSET', rec, 'state', 'granted', 'at', now)
        redis.call('HDEL', rec, 'body')
        redis.call('PEXPIRE', rec, ${GRANTED_KEPT_MS})
      end
    end
  end
end
`;

/**
 * ARGV: attempt key, work stream, message body (a WorkMessage: bytes, stored and added as they are,
 * never decoded here), now, tags (JSON [[tag, limit]...]). Answers the messages to send (see
 * emitted) followed by '' when the attempt went on, else by the tag it waits on. Idempotent: a repeat (a decision redone
 * after a crash) of a waiting attempt changes nothing, of one already started by the gate adds
 * nothing, of one holding its permits adds the message again (the claim insert runs it once), of
 * one whose permits were given back (it ended) does nothing at all.
 */
const ACQUIRE = `${COMMON}
local ak, stream, body, now = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
local rec = P .. 'att:' .. ak
if redis.call('EXISTS', P .. 'done:' .. ak) == 1 then return {''} end
local state = redis.call('HGET', rec, 'state')
if state == 'waiting' then return {redis.call('HGET', rec, 'on')} end
if state == 'granted' then return {''} end
local tags = cjson.decode(ARGV[5])
local b, why = blockedOn(tags, ak, true)
if why == 'queue' then
  -- Waiters and a free permit at once (a limit raised meanwhile): start them first, then look again.
  promote(b, now)
  b = blockedOn(tags, ak, true)
end
if not b then
  grant(tags, ak, now)
  emit(stream, body)
  OUT[#OUT + 1] = ''
  return OUT
end
local seq = redis.call('INCR', P .. 'seq')
redis.call('HSET', rec, 'state', 'waiting', 'on', b, 'tags', ARGV[5], 'stream', stream, 'body', body, 'at', now)
redis.call('ZADD', P .. 'wait:' .. b, seq, ak)
OUT[#OUT + 1] = b
return OUT
`;

/**
 * ARGV: now, then JSON [[attempt key, [tag...]]...]. Gives back each attempt's permits (or takes it
 * out of its queue, if it still waited), then starts the waiters of every tag that got one back.
 * Idempotent: a permit given back twice is given back once. Answers the messages to send.
 */
const RELEASE = `${COMMON}
local now = tonumber(ARGV[1])
local items = cjson.decode(ARGV[2])
local freed, seen = {}, {}
for _, it in ipairs(items) do
  local ak = it[1]
  local rec = P .. 'att:' .. ak
  local st = redis.call('HMGET', rec, 'state', 'on')
  if st[1] == 'waiting' then redis.call('ZREM', P .. 'wait:' .. st[2], ak) end
  redis.call('DEL', rec)
  redis.call('SET', P .. 'done:' .. ak, '1', 'PX', ${DONE_KEPT_MS})
  for _, t in ipairs(it[2]) do
    if redis.call('ZREM', P .. 'held:' .. t, ak) == 1 and not seen[t] then
      seen[t] = true
      freed[#freed + 1] = t
    end
  end
end
for _, t in ipairs(freed) do promote(t, now) end
return OUT
`;

/**
 * ARGV: now, tags. Starts what now fits under each tag (its permit was raised or removed). Answers
 * the messages to send.
 */
const PROMOTE = `${COMMON}
local now = tonumber(ARGV[1])
for i = 2, #ARGV do promote(ARGV[i], now) end
return OUT
`;

/**
 * How a script sends a started attempt's message. On one Redis it adds it to the work stream
 * itself (a key it computes, as Baton always did: one round trip, nothing in between). On a Redis
 * Cluster the stream is another slot, so the script answers it (stream, body pairs) and the caller
 * adds it after the script: a crash in between leaves an attempt holding its permits that no worker
 * claims, which the scheduler's sweeper turns into a lost attempt `unclaimedMs` after its grant
 * (the gate's grant time, or its dispatch), and the engine gives its permits back.
 */
const EMIT_INLINE = `local function emit(s, b) redis.call('XADD', s, '*', '${SHARED_KEYS.workField}', b) end`;
const EMIT_RETURNED = `local function emit(s, b) OUT[#OUT + 1] = s; OUT[#OUT + 1] = b end`;

interface GateCommands {
  permitAcquireBuffer(limitsKey: string, ...args: (string | Buffer)[]): Promise<Buffer[]>;
  permitReleaseBuffer(limitsKey: string, ...args: string[]): Promise<Buffer[]>;
  permitPromoteBuffer(limitsKey: string, ...args: string[]): Promise<Buffer[]>;
}

/** An attempt whose permits go back, with the tags it holds them under. */
type Release = { attemptKey: string; tags: readonly string[] };

/** A message a script started and left for the caller to add to its work stream (cluster only). */
export type StartedMessage = { stream: string; body: Buffer };

/** The gate's scripts on a connection or a MULTI (defineCommand adds them to both). */
function commandsOf(c: RedisClient | ChainableCommander): GateCommands {
  return c as unknown as GateCommands;
}

/** The (stream, body) pairs a script answered, without the last element when `answer` is set. */
function emitted(reply: unknown, answer: boolean): StartedMessage[] {
  const flat = Array.isArray(reply) ? (reply as Buffer[]) : [];
  const n = answer ? flat.length - 1 : flat.length;
  const out: StartedMessage[] = [];
  for (let i = 0; i + 1 < n; i += 2) out.push({ stream: flat[i]!.toString(), body: flat[i + 1]! });
  return out;
}

/** ACQUIRE's answer: '' (the attempt went on) or the tag it waits on. */
function answerOf(reply: unknown): string {
  const flat = Array.isArray(reply) ? (reply as Buffer[]) : [];
  return flat.length === 0 ? '' : String(flat[flat.length - 1]);
}

/** ACQUIRE's keys and arguments. */
function acquireArgs(
  attemptKey: string,
  stream: string,
  body: Buffer | string,
  tags: readonly PermitTag[],
  now: number,
): [string, ...(string | Buffer)[]] {
  return [PERMIT_KEYS.limits, attemptKey, stream, body, String(now), JSON.stringify(tags)];
}

/** RELEASE's keys and arguments. */
function releaseArgs(items: readonly Release[], now: number): [string, ...string[]] {
  return [PERMIT_KEYS.limits, String(now), JSON.stringify(items.map((it) => [it.attemptKey, it.tags]))];
}

/** Script names per client: one Redis and a cluster register different bodies (see EMIT_*). */
const SCRIPT_NAMES = ['permitAcquire', 'permitRelease', 'permitPromote'] as const;

/**
 * The permit gate (Redis): every dispatched attempt that carries permit tags passes it on its way to
 * the work stream. An attempt with a permit of each of its tags goes on at once (in the same script
 * that counts it); one without waits in the queue of the tag it lacks, and is started — its message
 * added to the stream — by the script that gives a permit of that tag back. So a permit is held from
 * dispatch until the scheduler applies the attempt's end (a report, a stop, a timeout, a lost lease:
 * the engine gives back the permits of every attempt that left a run's in-flight list), and both
 * moves are idempotent: a decision redone after a crash neither takes nor returns a permit twice.
 */
export class PermitGate {
  private readonly cmd: GateCommands;

  constructor(private readonly redis: RedisClient) {
    if (!(redis as unknown as Partial<GateCommands>).permitAcquireBuffer) {
      const emit = isCluster(redis) ? EMIT_RETURNED : EMIT_INLINE;
      const lua = (script: string) => script.replace('__EMIT__', emit);
      const [acquire, release, promote] = SCRIPT_NAMES;
      redis.defineCommand(acquire, { numberOfKeys: 1, lua: lua(ACQUIRE) });
      redis.defineCommand(release, { numberOfKeys: 1, lua: lua(RELEASE) });
      redis.defineCommand(promote, { numberOfKeys: 1, lua: lua(PROMOTE) });
    }
    this.cmd = commandsOf(redis);
  }

  /**
   * Queues one dispatch on a batch (see ACQUIRE); messages it starts that the caller must send
   * (cluster only) are pushed on `started` once the batch ran.
   */
  queueAcquire(
    b: SlotBatch,
    attemptKey: string,
    stream: string,
    body: Buffer | string,
    tags: readonly PermitTag[],
    now: number,
    started: StartedMessage[],
  ): void {
    b.add(
      PERMIT_KEYS.limits,
      (m) => commandsOf(m).permitAcquireBuffer(...acquireArgs(attemptKey, stream, body, tags, now)),
      ([[, reply]]) => started.push(...emitted(reply, true)),
    );
  }

  /** Queues the release of attempts' permits on a batch (see RELEASE and queueAcquire). */
  queueRelease(b: SlotBatch, items: readonly Release[], now: number, started: StartedMessage[]): void {
    if (items.length === 0) return;
    b.add(
      PERMIT_KEYS.limits,
      (m) => commandsOf(m).permitReleaseBuffer(...releaseArgs(items, now)),
      ([[, reply]]) => started.push(...emitted(reply, false)),
    );
  }

  /**
   * Adds the messages the gate started to their work streams (a cluster's second step; nothing
   * on one Redis, where the scripts added them). See EMIT_INLINE for what repairs a crash before.
   */
  async send(started: readonly StartedMessage[]): Promise<void> {
    if (started.length === 0) return;
    const b = new SlotBatch(this.redis);
    for (const { stream, body } of started)
      b.add(stream, (m) => m.xadd(stream, '*', SHARED_KEYS.workField, body));
    await b.exec();
  }

  async acquire(
    attemptKey: string,
    stream: string,
    body: Buffer | string,
    tags: readonly PermitTag[],
    now = Date.now(),
  ): Promise<Admission> {
    const reply = await this.cmd.permitAcquireBuffer(...acquireArgs(attemptKey, stream, body, tags, now));
    await this.send(emitted(reply, true));
    const tag = answerOf(reply);
    return tag === '' ? { granted: true } : { granted: false, tag };
  }

  async release(items: readonly Release[], now = Date.now()): Promise<void> {
    if (items.length === 0) return;
    await this.send(emitted(await this.cmd.permitReleaseBuffer(...releaseArgs(items, now)), false));
  }

  /** Sets (or with null removes) user tag permits, then starts what now fits. */
  async setLimits(limits: Record<string, number | null>, now = Date.now()): Promise<void> {
    const tags = Object.keys(limits);
    if (tags.length === 0) return;
    const m = this.redis.multi();
    for (const [tag, n] of Object.entries(limits)) {
      if (n === null) m.hdel(PERMIT_KEYS.limits, tag);
      else m.hset(PERMIT_KEYS.limits, tag, String(n));
    }
    commandsOf(m).permitPromoteBuffer(PERMIT_KEYS.limits, String(now), ...tags);
    const res = (await m.exec()) ?? [];
    const failed = res.find(([err]) => err);
    if (failed) throw failed[0];
    await this.send(emitted(res[res.length - 1]?.[1], false));
  }

  /** The user tag permits Redis has (to compare with the stored ones). */
  async limits(): Promise<Record<string, number>> {
    const raw = await this.redis.hgetall(PERMIT_KEYS.limits);
    return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Number(v)]));
  }

  /** Attempts holding a permit of each tag, and attempts waiting on it (all the gate's slot). */
  async usage(tags: readonly string[]): Promise<{ held: number; waiting: number }[]> {
    if (tags.length === 0) return [];
    const m = this.redis.multi();
    for (const t of tags) m.zcard(PERMIT_KEYS.held(t)).zcard(PERMIT_KEYS.wait(t));
    const res = (await m.exec()) ?? [];
    return tags.map((_t, i) => ({
      held: Number(res[2 * i]?.[1] ?? 0),
      waiting: Number(res[2 * i + 1]?.[1] ?? 0),
    }));
  }

  /**
   * Gives back permits held by attempts no run has in flight (`live`: every live run's in-flight
   * attempt keys, read before this call), granted more than `graceMs` ago: the mend for a take
   * nobody will give back (see DONE_KEPT_MS). Returns how many went back.
   */
  async reconcile(live: ReadonlySet<string>, graceMs: number, now = Date.now()): Promise<number> {
    let freed = 0;
    await scanKeys(this.redis, PERMIT_KEYS.held('*'), 500, async (keys) => {
      for (const key of keys) {
        const tag = key.slice(PERMIT_KEYS.held('').length);
        const old = await this.redis.zrangebyscore(key, '-inf', now - graceMs);
        const stale = old.filter((k) => !live.has(k));
        if (stale.length === 0) continue;
        await this.release(
          stale.map((attemptKey) => ({ attemptKey, tags: [tag] })),
          now,
        );
        freed += stale.length;
      }
      return true;
    });
    return freed;
  }

  /**
   * Where each attempt stands: waiting in the gate, started by it (and when), or unknown to it
   * (undefined: started at dispatch, or never gated). The sweeper must not call an attempt lost
   * because no worker claimed it while it waited for a permit.
   */
  async states(attemptKeys: readonly string[]): Promise<Record<string, GateState | undefined>> {
    const out: Record<string, GateState | undefined> = {};
    if (attemptKeys.length === 0) return out;
    const m = this.redis.multi();
    for (const k of attemptKeys) m.hmget(PERMIT_KEYS.attempt(k), 'state', 'at', 'on');
    const res = (await m.exec()) ?? [];
    attemptKeys.forEach((k, i) => {
      const [state, at, on] = (res[i]?.[1] ?? [null, null, null]) as (string | null)[];
      if (state === 'waiting') out[k] = { waiting: true, tag: on ?? '' };
      else if (state === 'granted') out[k] = { waiting: false, grantedAt: Number(at) };
    });
    return out;
  }
}
