import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { CHANGES_STREAM, type RedisClient, createRedisClient } from '@baton/kit';
import { ChangeEvent } from '@baton/proto';
import { expectCode, fields } from '../support/errors';
import { useStack } from '../support/stack';
import { push, waitEnd } from './support';

// Change events (issue 13): every run and step status change, in order per run, and every
// definition change, on the Redis stream any consumer reads with a consumer group, and through
// WatchChanges with resume. At least once: a change may come twice, always with the same id.
const env = useStack({ services: ['definition', 'scheduler'] });

type Seen = { id: string; kind: string; key: string; step: string; status: string; streamId: string };

function flat(e: ChangeEvent, streamId = e.streamId): Seen {
  const c = e.change!;
  if (c.$case === 'definition')
    return {
      id: e.id,
      kind: 'definition',
      key: c.value.workflowId,
      step: '',
      status: c.value.action,
      streamId,
    };
  if (c.$case === 'run')
    return { id: e.id, kind: 'run', key: c.value.key, step: '', status: c.value.status, streamId };
  return { id: e.id, kind: 'step', key: c.value.key, step: c.value.stepId, status: c.value.status, streamId };
}

/** What a consumer group member reads, from where the group was created. */
async function readGroup(redis: RedisClient, group: string): Promise<Seen[]> {
  const out: Seen[] = [];
  for (;;) {
    const res = (await redis.xreadgroup(
      'GROUP',
      group,
      'c1',
      'COUNT',
      1000,
      'STREAMS',
      CHANGES_STREAM,
      '>',
    )) as [string, [string, string[]][]][] | null;
    const entries = res?.[0]?.[1] ?? [];
    if (entries.length === 0) return out;
    for (const [sid, f] of entries) {
      const json = f[f.indexOf('event') + 1]!;
      out.push(flat(ChangeEvent.fromJSON(JSON.parse(json)), sid));
      await redis.xack(CHANGES_STREAM, group, sid);
    }
  }
}

/** A run's statuses and each step's, in the order published, duplicates (same id) dropped. */
function orderOf(seen: Seen[], key: string) {
  const ids = new Set<string>();
  const run: string[] = [];
  const steps: Record<string, string[]> = {};
  for (const s of seen) {
    if (s.key !== key || ids.has(s.id)) continue;
    ids.add(s.id);
    if (s.kind === 'run') run.push(s.status);
    else steps[s.step] = [...(steps[s.step] ?? []), s.status];
  }
  return { run, steps };
}

describe('change events: a Redis stream and WatchChanges', () => {
  let redis: RedisClient;

  test('a consumer group reads a push, and a run and its steps in order', async () => {
    redis = createRedisClient(env.stack.redisUrl);
    await redis.xgroup('CREATE', CHANGES_STREAM, 'test-group', '$', 'MKSTREAM');
    await push(env.clients, {
      id: 'chg.wf',
      steps: [
        { step: { id: 'a', type: 'NoOp', transition: { successors: { b: 'true' } } } },
        { step: { id: 'b', type: 'NoOp' } },
      ],
    });
    const st = await env.clients.scheduler.startWorkflow({ workflowId: 'chg.wf' });
    assert.equal((await waitEnd(env.clients, 'chg.wf', st.instanceId)).status, 'SUCCEEDED');
    const key = `chg.wf:${st.instanceId}:1`;
    let seen: Seen[] = [];
    const deadline = Date.now() + 10_000;
    // The run's last decision publishes its changes before the engine lets the run go.
    while (!orderOf(seen, key).run.includes('SUCCEEDED') && Date.now() < deadline)
      seen = [...seen, ...(await readGroup(redis, 'test-group'))];
    assert.ok(
      seen.some((s) => s.kind === 'definition' && s.key === 'chg.wf' && s.status === 'PUSHED'),
      'the push is announced',
    );
    const { run, steps } = orderOf(seen, key);
    assert.deepEqual(run.at(-1), 'SUCCEEDED', run.join());
    assert.ok(run.indexOf('IN_PROGRESS') < run.indexOf('SUCCEEDED'), run.join());
    assert.equal(steps.a?.at(-1), 'SUCCEEDED', JSON.stringify(steps));
    assert.equal(steps.b?.at(-1), 'SUCCEEDED', JSON.stringify(steps));
    const at = (step: string, status: string) =>
      seen.findIndex((s) => s.key === key && s.step === step && s.status === status);
    assert.ok(at('a', 'SUCCEEDED') < at('b', 'SUCCEEDED'), 'a ends before b (one run, in order)');
  });

  test('WatchChanges from "0" sees the same, and resumes after any stream id', async () => {
    const all: Seen[] = [];
    const ac = new AbortController();
    const watch = env.clients.scheduler.watchChanges(
      { after: '0', workflowIdPrefix: 'chg.' },
      { signal: ac.signal },
    );
    try {
      for await (const { event: e } of watch) {
        all.push(flat(e!));
        if (e!.change?.$case === 'run' && e!.change.value.status === 'SUCCEEDED') break;
      }
    } finally {
      ac.abort();
    }
    assert.ok(all.every((s) => s.streamId !== '' && (s.key.startsWith('chg.') || s.kind === 'definition')));
    assert.ok(all.some((s) => s.kind === 'definition' && s.status === 'PUSHED'));
    // Resume after the third: the rest, the same ones in the same order.
    const rest: Seen[] = [];
    const ac2 = new AbortController();
    try {
      for await (const e of env.clients.scheduler.watchChanges(
        { after: all[2]!.streamId, workflowIdPrefix: 'chg.' },
        { signal: ac2.signal },
      )) {
        rest.push(flat(e.event!));
        if (rest.length === all.length - 3) break;
      }
    } finally {
      ac2.abort();
    }
    assert.deepEqual(
      rest.map((s) => s.id),
      all.slice(3).map((s) => s.id),
    );
  });

  test('kill -9 of the scheduler during runs: every change arrives, duplicates keep their id', async () => {
    await push(env.clients, {
      id: 'chg.chain',
      steps: Array.from({ length: 6 }, (_, i) => ({
        step: {
          id: `s${i}`,
          type: 'Sleep',
          params: { sleep_seconds: { value: 1, type: 'LONG' } },
          ...(i < 5 ? { transition: { successors: { [`s${i + 1}`]: 'true' } } } : {}),
        },
      })),
    });
    await readGroup(redis, 'test-group');
    const runs = await Promise.all(
      [1, 2, 3].map(() => env.clients.scheduler.startWorkflow({ workflowId: 'chg.chain' })),
    );
    const sched = env.stack.services.scheduler!;
    for (let k = 0; k < 2; k++) {
      await new Promise((r) => setTimeout(r, 1500));
      sched.kill9();
      await sched.exited();
      await sched.start();
    }
    for (const r of runs)
      assert.equal((await waitEnd(env.clients, 'chg.chain', r.instanceId, 60_000)).status, 'SUCCEEDED');
    let seen: Seen[] = [];
    const keys = runs.map((r) => `chg.chain:${r.instanceId}:1`);
    const deadline = Date.now() + 10_000;
    while (!keys.every((k) => orderOf(seen, k).run.includes('SUCCEEDED')) && Date.now() < deadline)
      seen = [...seen, ...(await readGroup(redis, 'test-group'))];
    // One id, one change: a repeat (a redone decision) says exactly what it said the first time.
    const byId = new Map<string, string>();
    for (const s of seen) {
      const said = `${s.key}|${s.step}|${s.status}`;
      assert.equal(byId.get(s.id) ?? said, said, `id ${s.id}`);
      byId.set(s.id, said);
    }
    for (const key of keys) {
      const { run, steps } = orderOf(seen, key);
      assert.equal(run.at(-1), 'SUCCEEDED', `${key}: ${run.join()}`);
      for (let i = 0; i < 6; i++) {
        const st = steps[`s${i}`] ?? [];
        assert.equal(st.at(-1), 'SUCCEEDED', `${key} s${i}: ${st.join()}`);
        assert.ok(st.includes('RUNNING') || st.includes('STARTING'), `${key} s${i} started: ${st.join()}`);
      }
    }
    await redis.quit();
  });

  test('bad cursor or prefix: INVALID_ARGUMENT naming the field', async () => {
    const first = async (after: string, workflowIdPrefix = '') => {
      for await (const _ of env.clients.scheduler.watchChanges({ after, workflowIdPrefix })) return;
    };
    assert.deepEqual(fields(await expectCode(first('yesterday'), 'INVALID_ARGUMENT')), ['after']);
    assert.deepEqual(fields(await expectCode(first('0', 'x'.repeat(200)), 'INVALID_ARGUMENT')), [
      'workflow_id_prefix',
    ]);
  });
});
