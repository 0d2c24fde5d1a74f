import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from '@jest/globals';
import type {
  GetRunLineageRequest,
  LineageLink,
  ListSignalsRequest,
  PublishSignalRequest,
  Signal,
} from '@baton/proto';
import { runCli } from '../run-cli';
import { captureIo, type FakeServices, fakeClients } from '../../test/test-support';

const at = (ms: number) => new Date(Date.parse('2025-01-02T03:04:05Z') + ms);
const long = (value: string) => ({ kind: { $case: 'longValue' as const, value } });
const str = (value: string) => ({ kind: { $case: 'stringValue' as const, value } });

function signal(seq: string, extra: Partial<Signal> = {}): Signal {
  return {
    name: 'table_ready',
    seq,
    params: { date: long('20240101'), table: str('orders') },
    createdAt: at(Number(seq) * 1000),
    requestId: '',
    ...extra,
  };
}

function link(relation: string, extra: Partial<LineageLink> = {}): LineageLink {
  return {
    signal: { name: 'table_ready', seq: '12', params: {} },
    workflowId: 'demo.wf',
    instanceId: '7',
    runId: '1',
    stepId: '',
    relation,
    time: at(0),
    ...extra,
  };
}

async function baton(
  argv: string[],
  services: FakeServices,
  init: { stdinText?: string; cwd?: string } = {},
) {
  const { io, stdout, stderr } = captureIo(init);
  const code = await runCli(argv, { ...io, cwd: init.cwd }, { connect: () => fakeClients({}, services) });
  return { code, out: stdout.text, err: stderr.text };
}

test('signal publish sends typed params, the payload and the request id; prints the seq', async () => {
  let sent: Partial<PublishSignalRequest> & { callRequestId?: string } = {};
  const services = {
    signal: {
      publishSignal: async (req: PublishSignalRequest, opts: { requestId?: string }) => {
        sent = { ...req, callRequestId: opts.requestId };
        return { name: req.name, seq: '13', created: req.requestId !== 'again' };
      },
    },
  };
  const argv = ['signal', 'publish', 'table_ready', '--param', 'date=20240101', '--param', 'table=orders'];
  const r = await baton([...argv, '--payload', '{"rows": 10}', '--request-id', 'r1'], services);
  assert.equal(r.code, 0, r.err);
  assert.equal(r.out, 'published table_ready #13\n');
  assert.deepEqual(sent, {
    name: 'table_ready',
    params: { date: long('20240101'), table: str('orders') },
    requestId: 'r1',
    payload: { rows: 10 },
    callRequestId: 'r1',
  });
  const again = await baton(['signal', 'publish', 'table_ready', '--request-id', 'again'], services);
  assert.equal(again.out, 'table_ready #13 already published (request id again)\n');
  assert.equal(sent.payload, undefined, 'no --payload, no payload');
  const json = await baton(['--json', 'signal', 'publish', 'table_ready'], services);
  assert.deepEqual(JSON.parse(json.out), { name: 'table_ready', seq: '13', created: true });
});

test('signal publish --payload takes any JSON, @file and - (stdin)', async () => {
  const payloads: unknown[] = [];
  const services = {
    signal: {
      publishSignal: async (req: PublishSignalRequest) => {
        payloads.push(req.payload);
        return { name: req.name, seq: '1', created: true };
      },
    },
  };
  const dir = mkdtempSync(join(tmpdir(), 'baton-cli-'));
  writeFileSync(join(dir, 'p.json'), '[1, "two"]');
  for (const arg of ['42', '"text"', 'null', '@p.json']) {
    assert.equal((await baton(['signal', 'publish', 's', '--payload', arg], services, { cwd: dir })).code, 0);
  }
  await baton(['signal', 'publish', 's', '--payload', '-'], services, { stdinText: '{"from": "stdin"}' });
  assert.deepEqual(payloads, [42, 'text', null, [1, 'two'], { from: 'stdin' }]);
});

test('signal publish: usage errors (exit 2) before anything is sent', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['--param', 'ratio=0.5'], /--param ratio: signal params are STRING or LONG/],
    [['--param', 'flag:BOOLEAN=true'], /--param flag: signal params are STRING or LONG, BOOLEAN was named/],
    [['--param', 'oops'], /--param: expected name=value/],
    [['--payload', '{oops'], /--payload: not JSON/],
    [['--payload', '@no-such-file.json'], /cannot read no-such-file\.json: no such file/],
  ];
  for (const [extra, message] of cases) {
    const r = await baton(['signal', 'publish', 'table_ready', ...extra], {});
    assert.equal(r.code, 2, extra.join(' '));
    assert.match(r.err, message);
  }
  const missing = await baton(['signal', 'publish'], {});
  assert.equal(missing.code, 2);
  assert.match(missing.err, /missing required argument 'name'/);
  const json = await baton(['--json', 'signal', 'publish', 'x', '--param', 'r=0.5'], {});
  assert.equal(JSON.parse(json.err).error.code, 'USAGE');
});

test('signal get: the latest without seq; fields, params, pretty payload, producer', async () => {
  const seqs: string[] = [];
  const sig = signal('12', {
    requestId: 'r-1',
    payload: { rows: 10, parts: ['a'] },
    producer: { workflowId: 'demo.etl', instanceId: '3', runId: '2', stepId: 'load', attemptKey: 'k' },
  });
  const services = {
    signal: {
      getSignal: async (req: { seq: string }) => {
        seqs.push(req.seq);
        return { signal: sig };
      },
    },
  };
  const r = await baton(['signal', 'get', 'table_ready'], services);
  assert.equal(r.code, 0, r.err);
  assert.equal(
    r.out,
    [
      'table_ready #12',
      'created     2025-01-02 03:04:17Z',
      'request id  r-1',
      'producer    demo.etl instance 3 run 2 step load',
      'params',
      '  date   20240101',
      '  table  "orders"',
      'payload',
      '  {',
      '    "rows": 10,',
      '    "parts": [',
      '      "a"',
      '    ]',
      '  }',
      '',
    ].join('\n'),
  );
  await baton(['signal', 'get', 'table_ready', '12'], services);
  assert.deepEqual(seqs, ['0', '12']);
  const json = JSON.parse((await baton(['--json', 'signal', 'get', 'table_ready'], services)).out);
  assert.deepEqual(json.signal.params.date, { longValue: '20240101' });
  assert.deepEqual(json.signal.payload, { rows: 10, parts: ['a'] });
  const plain = await baton(['signal', 'get', 'x'], {
    signal: { getSignal: async () => ({ signal: signal('1', { params: {} }) }) },
  });
  assert.doesNotMatch(plain.out, /producer|request id|payload/);
  assert.match(plain.out, /params {2}none/);
  const bad = await baton(['signal', 'get', 'table_ready', 'latest'], services);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /seq: expected a whole number/);
});

test('signal list: --where filters, a table newest first, paging like the other lists', async () => {
  const requests: ListSignalsRequest[] = [];
  const services = {
    signal: {
      listSignals: async (req: ListSignalsRequest) => {
        requests.push(req);
        return req.pageToken === ''
          ? {
              signals: [signal('13'), signal('12', { params: { date: long('20240102') } })],
              nextPageToken: 'p2',
            }
          : { signals: [signal('11', { params: {} })], nextPageToken: '' };
      },
    },
  };
  const r = await baton(
    ['signal', 'list', 'table_ready', '--where', 'date>=20240101', '--where', 'table=orders', '--limit', '2'],
    services,
  );
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(requests[0], {
    name: 'table_ready',
    filters: [
      { param: 'date', operator: '>=', value: long('20240101') },
      { param: 'table', operator: '=', value: str('orders') },
    ],
    pageSize: 2,
    pageToken: '',
  });
  assert.deepEqual(r.out.trimEnd().split('\n'), [
    'SEQ  CREATED               PARAMS',
    ' 13  2025-01-02 03:04:18Z  date=20240101, table="orders"',
    ' 12  2025-01-02 03:04:17Z  date=20240102',
  ]);
  assert.match(r.err, /more results: add --all, or --page-token p2/);
  const all = await baton(['--json', 'signal', 'list', 'table_ready', '--all'], services);
  const j = JSON.parse(all.out);
  assert.deepEqual(
    j.signals.map((s: Signal) => s.seq),
    ['13', '12', '11'],
  );
  assert.equal(j.nextPageToken, '');
  const none = await baton(['signal', 'list', 'x', '--where', 'date<0'], {
    signal: { listSignals: async () => ({ signals: [], nextPageToken: '' }) },
  });
  assert.equal(none.out, 'no matching signals x\n');
});

test('signal list: a bad --where or --limit is a usage error (exit 2)', async () => {
  for (const [args, message] of [
    [['--where', 'date'], /--where: expected name OP value/],
    [['--where', 'date==1'], /--where: expected name OP value/],
    [['--where', 'ratio>0.5'], /--where ratio: signal params are STRING or LONG/],
    [['--limit', '0'], /--limit: expected a whole number from 1 to 1000/],
  ] as Array<[string[], RegExp]>) {
    const r = await baton(['signal', 'list', 'table_ready', ...args], {});
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.err, message);
  }
});

test('lineage signal and lineage run: readable lists of links; --json is the response', async () => {
  const services = {
    signal: {
      getSignalLineage: async (req: { name: string; seq: string }) => {
        assert.deepEqual(req, { name: 'table_ready', seq: '12' });
        return {
          signal: signal('12', {
            producer: { workflowId: 'demo.etl', instanceId: '3', runId: '1', stepId: 'load', attemptKey: '' },
          }),
          runs: [
            link('STARTED'),
            link('SATISFIED', { workflowId: 'demo.report', stepId: 'wait', time: at(5000) }),
          ],
        };
      },
      getRunLineage: async (req: GetRunLineageRequest) => ({
        consumed: [link('STARTED', { runId: req.runId === '0' ? '1' : req.runId })],
        produced: [],
      }),
    },
  };
  const sig = await baton(['lineage', 'signal', 'table_ready', '12'], services);
  assert.equal(sig.code, 0, sig.err);
  assert.equal(
    sig.out,
    [
      'table_ready #12  date=20240101, table="orders"',
      'produced by demo.etl instance 3 run 1 step load',
      'runs it started or satisfied',
      '  RELATION   SIGNAL           RUN              STEP  TIME',
      '  STARTED    table_ready #12  demo.wf/7/1      -     2025-01-02 03:04:05Z',
      '  SATISFIED  table_ready #12  demo.report/7/1  wait  2025-01-02 03:04:10Z',
      '',
    ].join('\n'),
  );
  const run = await baton(['lineage', 'run', 'demo.wf', '7', '2'], services);
  assert.equal(run.code, 0, run.err);
  assert.match(
    run.out,
    /^demo\.wf instance 7 run 2\nconsumed\n {2}RELATION .*\n {2}STARTED +table_ready #12 +demo\.wf\/7\/2 +- /,
  );
  assert.match(run.out, /produced\n {2}none\n$/);
  const every = await baton(['lineage', 'run', 'demo.wf', '7'], services);
  assert.match(every.out, /^demo\.wf instance 7 \(every run\)\n/);
  const json = JSON.parse((await baton(['--json', 'lineage', 'run', 'demo.wf', '7'], services)).out);
  assert.equal(json.consumed[0].relation, 'STARTED');
  assert.deepEqual(json.produced, []);
  for (const argv of [
    ['lineage', 'signal', 'table_ready'],
    ['lineage', 'signal', 'table_ready', 'x'],
    ['lineage', 'run', 'demo.wf', 'seven'],
    ['lineage', 'run', 'demo.wf', '7', '0'],
  ]) {
    assert.equal((await baton(argv, services)).code, 2, argv.join(' '));
  }
});
