import assert from 'node:assert/strict';
import { afterAll, beforeAll, beforeEach, describe, test } from '@jest/globals';
import { type RedisHandle, startRedis, startRedisCluster } from '@baton/testing';
import { internal } from '@baton/proto';
import { type RedisClient, createRedisClient, isCluster, scanKeys } from '@baton/kit';
import { PERMIT_KEYS, PermitGate, type PermitTag } from './permit-gate';

// The permit gate's scripts against a real redis-server and a real 3-master Redis Cluster (where
// the scripts answer the messages they start and the gate adds them to the stream, another slot):
// limits hold, waiters start in arrival order when permits come back, and every move is idempotent
// (a decision redone after a crash).
describe.each(['single', 'cluster'] as const)('permit gate (%s Redis)', (kind) => {
  let server: RedisHandle;
  let redis: RedisClient;
  let gate: PermitGate;
  const stream = '{baton:work:test}';

  beforeAll(async () => {
    server = kind === 'cluster' ? await startRedisCluster() : await startRedis();
    redis = createRedisClient(server.url);
    assert.equal(isCluster(redis), kind === 'cluster');
    gate = new PermitGate(redis);
  });
  afterAll(async () => {
    redis?.disconnect();
    await server?.stop();
  });
  beforeEach(async () => {
    await server.flushAll();
  });

  /** The attempt keys on the work stream, in order. */
  async function started(): Promise<string[]> {
    const entries = await redis.xrange(stream, '-', '+');
    return entries.map(([, fields]) => String(JSON.parse(fields[1]!).k));
  }
  const acquire = (k: string, tags: PermitTag[]) => gate.acquire(k, stream, JSON.stringify({ k }), tags);
  const release = (k: string, tags: PermitTag[]) =>
    gate.release([{ attemptKey: k, tags: tags.map(([t]) => t) }]);

  test('up to the limit at once; the rest wait, and start in arrival order as permits come back', async () => {
    const wf: PermitTag[] = [['maestro_workflow:w', 2]];
    const answers = [];
    for (const k of ['a', 'b', 'c', 'd']) answers.push(await acquire(k, wf));
    assert.deepEqual(answers, [
      { granted: true },
      { granted: true },
      { granted: false, tag: 'maestro_workflow:w' },
      { granted: false, tag: 'maestro_workflow:w' },
    ]);
    assert.deepEqual(await started(), ['a', 'b']);
    assert.deepEqual(await gate.usage(['maestro_workflow:w']), [{ held: 2, waiting: 2 }]);
    await release('b', wf);
    assert.deepEqual(await started(), ['a', 'b', 'c']);
    await release('a', wf);
    assert.deepEqual(await started(), ['a', 'b', 'c', 'd']);
    await release('c', wf);
    await release('d', wf);
    assert.deepEqual(await gate.usage(['maestro_workflow:w']), [{ held: 0, waiting: 0 }]);
  });

  test('a parked message reaches the stream byte for byte (a binary WorkMessage)', async () => {
    const wf: PermitTag[] = [['maestro_workflow:bin', 1]];
    const body = (k: string) =>
      Buffer.from(
        internal.WorkMessage.encode({
          attemptKey: k,
          instanceKey: 'w:1:1',
          workflowId: 'w',
          instanceId: '1',
          runId: '1',
          stepId: 's',
          attempt: 1,
          stepType: 'SHELL',
          // Bytes that are not UTF-8, and a NUL: a text round trip would change them.
          paramsJson: JSON.stringify({ s: 'é\u0000' }),
          timeoutSeconds: 0.5,
          pool: 'test',
          trace: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', tracestate: '' },
        }).finish(),
      );
    const first = Buffer.concat([body('x'), Buffer.from([0xff, 0xfe])]);
    const second = body('y');
    assert.deepEqual(await gate.acquire('x', stream, first, wf), { granted: true });
    assert.deepEqual(await gate.acquire('y', stream, second, wf), {
      granted: false,
      tag: 'maestro_workflow:bin',
    });
    await release('x', wf);
    const entries = (await redis.xrangeBuffer(stream, '-', '+')).map(([, fields]) => fields[1]!);
    assert.deepEqual(entries, [first, second], 'parked and started by the release script, unchanged');
    assert.equal(internal.WorkMessage.decode(entries[1]!).attemptKey, 'y');
  });

  test('every move is idempotent: a repeat takes, adds or gives back nothing twice', async () => {
    const wf: PermitTag[] = [['maestro_workflow:w', 1]];
    assert.deepEqual(await acquire('a', wf), { granted: true });
    assert.deepEqual(await acquire('a', wf), { granted: true }, 'a holder asking again keeps its permit');
    assert.deepEqual(await gate.usage(['maestro_workflow:w']), [{ held: 1, waiting: 0 }]);
    assert.deepEqual(await acquire('b', wf), { granted: false, tag: 'maestro_workflow:w' });
    assert.deepEqual(await acquire('b', wf), { granted: false, tag: 'maestro_workflow:w' });
    assert.deepEqual(await gate.usage(['maestro_workflow:w']), [{ held: 1, waiting: 1 }]);
    await release('a', wf);
    await release('a', wf);
    assert.deepEqual(await gate.usage(['maestro_workflow:w']), [{ held: 1, waiting: 0 }]);
    // The gate started b; the redone dispatch of b adds no second message.
    assert.deepEqual(await acquire('b', wf), { granted: true });
    assert.deepEqual(await started(), ['a', 'a', 'b'], 'a holder asking again is sent again (claims dedupe)');
  });

  test('a take redone after its attempt gave its permits back takes nothing (no leak)', async () => {
    const wf: PermitTag[] = [['maestro_workflow:w', 1]];
    await acquire('a', wf);
    await release('a', wf);
    // A foreach's launch applied again performs its iterations' first dispatches again.
    assert.deepEqual(await acquire('a', wf), { granted: true });
    assert.deepEqual(await gate.usage(['maestro_workflow:w']), [{ held: 0, waiting: 0 }]);
    assert.deepEqual(await started(), ['a'], 'and sends nothing');
  });

  test('reconciliation gives back old permits no live run holds, and starts their waiters', async () => {
    const wf: PermitTag[] = [['maestro_workflow:w', 3]];
    const at = (k: string, now: number) => gate.acquire(k, stream, JSON.stringify({ k }), wf, now);
    await at('leaked', 1_000);
    await at('live', 1_000);
    await at('fresh', 55_000);
    assert.equal((await acquire('waiter', wf)).granted, false);
    // `fresh` is not in flight yet (its run's head is being written) but too young to judge.
    assert.equal(await gate.reconcile(new Set(['live']), 10_000, 60_000), 1);
    const left = await redis.zrange(PERMIT_KEYS.held('maestro_workflow:w'), '0', '-1');
    assert.deepEqual(left.sort(), ['fresh', 'live', 'waiter']);
    assert.deepEqual(await gate.usage(['maestro_workflow:w']), [{ held: 3, waiting: 0 }]);
    assert.deepEqual(await started(), ['leaked', 'live', 'fresh', 'waiter']);
  });

  test('an attempt takes a permit of each of its tags; one blocked on another tag moves to its queue', async () => {
    const wf: PermitTag[] = [['maestro_workflow:w', 2]];
    const tree = (k: string): PermitTag[] => [...wf, [`maestro_instance:${k}`, 1]];
    assert.ok((await acquire('r1.a', tree('r1'))).granted);
    assert.ok((await acquire('r2.a', tree('r2'))).granted);
    // The workflow is full: r1.b waits there first...
    assert.deepEqual(await acquire('r1.b', tree('r1')), { granted: false, tag: 'maestro_workflow:w' });
    // ...and when r2.a ends, it still lacks its tree's permit (r1.a runs): it moves to that queue.
    await release('r2.a', tree('r2'));
    assert.deepEqual(await gate.usage(['maestro_workflow:w', 'maestro_instance:r1']), [
      { held: 1, waiting: 0 },
      { held: 1, waiting: 1 },
    ]);
    assert.deepEqual(await started(), ['r1.a', 'r2.a']);
    await release('r1.a', tree('r1'));
    assert.deepEqual(await started(), ['r1.a', 'r2.a', 'r1.b']);
  });

  test('a user tag caps only once its permit is set; raising or removing it starts the waiters', async () => {
    const gpu: PermitTag[] = [['gpu', -1]];
    assert.ok((await acquire('a', gpu)).granted, 'no permit set: no cap');
    await gate.setLimits({ gpu: 1 });
    assert.deepEqual(
      await acquire('b', gpu),
      { granted: false, tag: 'gpu' },
      'a counts, though it started uncapped',
    );
    assert.deepEqual(await acquire('c', gpu), { granted: false, tag: 'gpu' });
    await gate.setLimits({ gpu: 2 });
    assert.deepEqual(await started(), ['a', 'b']);
    await gate.setLimits({ gpu: 0 });
    await release('a', gpu);
    await release('b', gpu);
    assert.deepEqual(await gate.usage(['gpu']), [{ held: 0, waiting: 1 }], 'a permit of 0 starts nothing');
    await gate.setLimits({ gpu: null });
    assert.deepEqual(await started(), ['a', 'b', 'c']);
    assert.deepEqual(await gate.limits(), {});
  });

  test('a waiter given back before it started leaves its queue; the sweeper sees who waits', async () => {
    const wf: PermitTag[] = [['maestro_workflow:w', 1]];
    await acquire('a', wf);
    await acquire('b', wf);
    await acquire('c', wf);
    const w = { waiting: true, tag: 'maestro_workflow:w' };
    assert.deepEqual(await gate.states(['a', 'b', 'c']), { b: w, c: w });
    await release('b', wf); // stopped while it waited
    await release('a', wf);
    assert.deepEqual(await started(), ['a', 'c']);
    const s = await gate.states(['b', 'c']);
    assert.equal(s.b, undefined);
    assert.equal(s.c?.waiting, false);
    assert.ok(s.c && !s.c.waiting && s.c.grantedAt! > 0);
    assert.equal(await redis.exists(PERMIT_KEYS.wait('maestro_workflow:w')), 0);
  });

  test('random dispatches and ends over three tags: never over a limit, nothing left behind', async () => {
    // A deterministic pseudo-random walk (bounded: 600 moves).
    let seed = 7;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const limits: Record<string, number> = { 'maestro_workflow:w': 3, 'maestro_instance:r': 2, gpu: 1 };
    await gate.setLimits({ gpu: 1 });
    const tagsOf = (k: number): PermitTag[] => {
      const out: PermitTag[] = [['maestro_workflow:w', 3]];
      if (k % 2 === 0) out.push(['maestro_instance:r', 2]);
      if (k % 3 === 0) out.push(['gpu', -1]);
      return out;
    };
    const live = new Set<number>();
    let next = 0;
    for (let move = 0; move < 600; move++) {
      if (live.size === 0 || rnd(2) === 0) {
        const k = next++;
        live.add(k);
        await acquire(`k${k}`, tagsOf(k));
      } else {
        const all = [...live];
        const k = all[rnd(all.length)]!;
        live.delete(k);
        await release(`k${k}`, tagsOf(k));
      }
      const use = await gate.usage(Object.keys(limits));
      for (const [i, t] of Object.keys(limits).entries()) {
        assert.ok(use[i]!.held <= limits[t]!, `${t} over its limit`);
      }
    }
    // Every attempt started holds all its tags or waits in one queue, never both.
    const runningNow = new Set(await started());
    for (const k of live) {
      const holds = await Promise.all(tagsOf(k).map(([t]) => redis.zscore(PERMIT_KEYS.held(t), `k${k}`)));
      const state = (await gate.states([`k${k}`]))[`k${k}`];
      if (state?.waiting)
        assert.ok(
          holds.every((h) => h === null),
          `k${k} waits and holds`,
        );
      else assert.ok(holds.every((h) => h !== null) && runningNow.has(`k${k}`), `k${k} half held`);
    }
    for (const k of live) await release(`k${k}`, tagsOf(k));
    const use = await gate.usage(Object.keys(limits));
    assert.deepEqual(
      use,
      Object.keys(limits).map(() => ({ held: 0, waiting: 0 })),
    );
    const left: string[] = [];
    await scanKeys(redis, PERMIT_KEYS.attempt('*'), 100, (keys) => {
      left.push(...keys);
    });
    assert.deepEqual(left, []);
  });
});
