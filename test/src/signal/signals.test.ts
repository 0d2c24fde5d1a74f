import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { connect, toParamMap } from '@baton/sdk';
import { expectCode, fields } from '../support/errors';
import { useStack } from '../support/stack';

const env = useStack({ services: ['definition', 'scheduler', 'signal'] });
const sig = () => env.clients.signal;
const long = (v: number | string) => ({ kind: { $case: 'longValue' as const, value: String(v) } });
const str = (v: string) => ({ kind: { $case: 'stringValue' as const, value: v } });

describe('signals: publish, get, list', () => {
  test('each name has a gapless sequence; a repeated request id is the first publish', async () => {
    const a = await sig().publishSignal({
      name: 'db/orders',
      params: { date: long(20240101) },
      requestId: 'r1',
    });
    const b = await sig().publishSignal({
      name: 'db/orders',
      params: { date: long(20240102) },
      requestId: 'r2',
    });
    const again = await sig().publishSignal({
      name: 'db/orders',
      params: { date: long(99) },
      requestId: 'r1',
    });
    const other = await sig().publishSignal({ name: 'db/users', params: {} });
    assert.deepEqual([a.seq, a.created, b.seq, b.created], ['1', true, '2', true]);
    assert.deepEqual([again.seq, again.created], ['1', false]);
    assert.equal(other.seq, '1');
    const got = (await sig().getSignal({ name: 'db/orders', seq: '1' })).signal!;
    assert.deepEqual(got.params, { date: long(20240101) }, 'the repeat changed nothing');
    const latest = (await sig().getSignal({ name: 'db/orders', seq: '0' })).signal!;
    assert.equal(latest.seq, '2');
  });

  test('payload is any JSON and comes back as sent; LONG beyond 2^53 is exact', async () => {
    const payload = { rows: 42, files: ['a', 'b'], nested: { ok: true, none: null } };
    const big = '9007199254740993';
    const p = await sig().publishSignal({ name: 'payloads', params: { n: long(big) }, payload });
    const got = (await sig().getSignal({ name: 'payloads', seq: p.seq })).signal!;
    assert.deepEqual(got.payload, payload);
    assert.deepEqual(got.params.n, long(big));
  });

  test('concurrent publishes from 8 clients and 2 replicas: seqs 1..N, each once', async () => {
    const replica = await env.stack.addReplica('signal');
    const other = connect({ addresses: { signal: replica.addr } });
    try {
      const clients = [sig(), other.signal];
      const calls = Array.from({ length: 400 }, (_, i) =>
        clients[i % 2]!.publishSignal({ name: 'burst', params: { i: long(i) }, requestId: `b${i % 350}` }),
      );
      const res = await Promise.all(calls);
      const created = res.filter((r) => r.created).map((r) => Number(r.seq));
      assert.equal(created.length, 350, 'one per distinct request id');
      assert.deepEqual(
        [...created].sort((x, y) => x - y),
        Array.from({ length: 350 }, (_, i) => i + 1),
        'gapless and unique',
      );
      // Every repeat answers the seq its first publish got.
      const byRequest = new Map<number, string>();
      res.forEach((r, i) => {
        const k = i % 350;
        if (byRequest.has(k)) assert.equal(byRequest.get(k), r.seq, `request b${k}`);
        else byRequest.set(k, r.seq);
      });
      assert.equal((await sig().getSignal({ name: 'burst', seq: '0' })).signal!.seq, '350');
    } finally {
      other.close();
      await replica.stop();
    }
  });

  test('list: newest first, filters (LONG numeric, STRING lexicographic), paging', async () => {
    for (let d = 1; d <= 12; d++) {
      await sig().publishSignal({
        name: 'listing',
        params: { day: long(d), tag: str(d % 2 ? 'odd' : 'even'), code: str(String(d)) },
      });
    }
    const all = await sig().listSignals({ name: 'listing', filters: [], pageSize: 5 });
    assert.deepEqual(
      all.signals.map((s) => s.seq),
      ['12', '11', '10', '9', '8'],
    );
    const next = await sig().listSignals({
      name: 'listing',
      filters: [],
      pageSize: 5,
      pageToken: all.nextPageToken,
    });
    assert.deepEqual(
      next.signals.map((s) => s.seq),
      ['7', '6', '5', '4', '3'],
    );
    const numeric = await sig().listSignals({
      name: 'listing',
      filters: [
        { param: 'day', operator: '>=', value: long(9) },
        { param: 'tag', operator: '=', value: str('odd') },
      ],
      pageSize: 100,
    });
    assert.deepEqual(
      numeric.signals.map((s) => s.seq),
      ['11', '9'],
    );
    assert.equal(numeric.nextPageToken, '');
    // As strings, "9" > "12": lexicographic.
    const text = await sig().listSignals({
      name: 'listing',
      filters: [{ param: 'code', operator: '>', value: str('8') }],
      pageSize: 100,
    });
    assert.deepEqual(
      text.signals.map((s) => s.seq),
      ['9'],
    );
  });

  test('hostile input: INVALID_ARGUMENT naming the field, nothing stored', async () => {
    const bad = async (req: Parameters<ReturnType<typeof sig>['publishSignal']>[0], field: string) => {
      const err = await expectCode(sig().publishSignal(req), 'INVALID_ARGUMENT');
      assert.ok(
        fields(err).some((f) => f.startsWith(field)),
        `${field} in ${fields(err).join(', ')}`,
      );
    };
    await bad({ name: '', params: {} }, 'name');
    await bad({ name: 'a#b', params: {} }, 'name');
    await bad({ name: 'x'.repeat(200), params: {} }, 'name');
    await bad({ name: 'ok', params: { d: { kind: { $case: 'doubleValue', value: 1.5 } } } }, 'params.d');
    await bad({ name: 'ok', params: { d: { kind: undefined } } }, 'params.d');
    await bad({ name: 'ok', params: { 'bad name': str('x') } }, 'params.');
    await bad(
      {
        name: 'ok',
        params: toParamMap(Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`p${i}`, 'x']))),
      },
      'params',
    );
    await bad({ name: 'ok', params: { s: str('x'.repeat(2000)) } }, 'params.s');
    await bad({ name: 'ok', params: {}, requestId: 'r'.repeat(300) }, 'request_id');
    await bad({ name: 'ok', params: {}, payload: { blob: 'x'.repeat(1024 * 1024 + 10) } }, 'payload');
    await expectCode(sig().getSignal({ name: 'ok', seq: '0' }), 'NOT_FOUND');
    const e1 = await expectCode(sig().getSignal({ name: 'ok', seq: '9007199254740993' }), 'INVALID_ARGUMENT');
    assert.deepEqual(fields(e1), ['seq']);
    const e2 = await expectCode(
      sig().listSignals({
        name: 'ok',
        filters: [{ param: 'x', operator: '!=', value: str('y') }],
        pageSize: 0,
      }),
      'INVALID_ARGUMENT',
    );
    assert.deepEqual(fields(e2), ['filters[0].operator']);
    await expectCode(sig().listSignals({ name: 'ok', filters: [], pageSize: 5000 }), 'INVALID_ARGUMENT');
    await expectCode(
      sig().listSignals({ name: 'ok', filters: [], pageToken: 'garbage!' }),
      'INVALID_ARGUMENT',
    );
  });
});
