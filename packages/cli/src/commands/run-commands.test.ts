import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import type { Instance, StepRunSummary, WatchInstanceResponse } from '@baton/proto';
import { BatonClientError } from '@baton/sdk';
import type { CliIo } from '../cli-io';
import { runCli } from '../run-cli';
import { captureIo, type FakeServices, fakeClients, fakeStream } from '../../test/test-support';

const at = (ms: number) => new Date(Date.parse('2025-01-02T03:04:05Z') + ms);

function step(stepId: string, status: string, extra: Partial<StepRunSummary> = {}): StepRunSummary {
  return {
    stepId,
    stepType: 'Sleep',
    status,
    attempts: 1,
    outputs: {},
    error: '',
    iterationCounts: {},
    childKey: '',
    signalDependencies: [],
    signalOutputs: [],
    omittedOutputs: [],
    permitTag: '',
    breakpointId: '',
    ...extra,
  };
}

function instance(status: string, steps: StepRunSummary[], extra: Partial<Instance> = {}): Instance {
  return {
    ref: { workflowId: 'demo.wf', instanceId: '7', runId: '1' },
    workflowVersion: '1',
    status,
    params: {},
    steps,
    timeline: [],
    stepCounts: {},
    createdAt: at(0),
    startedAt: at(0),
    parentStepId: '',
    key: '',
    parentKey: '',
    omittedParams: [],
    error: '',
    ...extra,
  };
}

const msg = (inst: Instance): WatchInstanceResponse => ({ instance: inst, changes: [] });
const started = {
  workflowId: 'demo.wf',
  instanceId: '7',
  runId: '1',
  workflowVersion: '1',
  status: 'IN_PROGRESS',
  created: true,
};
const runToEnd = (end: string) => [
  msg(instance('IN_PROGRESS', [step('nap', 'RUNNING', { startedAt: at(0) }), step('after', 'NOT_CREATED')])),
  msg(
    instance(
      end,
      [step('nap', end === 'SUCCEEDED' ? 'SUCCEEDED' : 'USER_FAILED'), step('after', 'SUCCEEDED')],
      {
        endedAt: at(1500),
      },
    ),
  ),
];

async function baton(
  argv: string[],
  services: FakeServices,
  init: { tty?: boolean; signal?: AbortSignal; env?: NodeJS.ProcessEnv } = {},
) {
  const { io, stdout, stderr } = captureIo({ tty: init.tty, env: init.env });
  const full: CliIo = { ...io, signal: init.signal };
  const code = await runCli(argv, full, { connect: () => fakeClients({}, services) });
  return { code, out: stdout.text, err: stderr.text };
}

test('start prints the instance and run; params and initiator reach the request', async () => {
  let request: Record<string, unknown> = {};
  const r = await baton(
    [
      'start',
      'demo.wf',
      '--param',
      'n=3',
      '--param',
      'name=x',
      '--param-json',
      'xs=[1,2]',
      '--request-id',
      'r1',
    ],
    {
      scheduler: {
        startWorkflow: async (req: Record<string, unknown>, opts: { requestId?: string }) => {
          request = { ...req, callRequestId: opts.requestId };
          return started;
        },
      },
    },
    { env: { USER: 'alice' } },
  );
  assert.equal(r.code, 0, r.err);
  assert.equal(r.out, 'started demo.wf instance 7 run 1 (version 1, IN_PROGRESS)\n');
  assert.deepEqual(request.runParams, {
    n: { kind: { $case: 'longValue', value: '3' } },
    name: { kind: { $case: 'stringValue', value: 'x' } },
    xs: { kind: { $case: 'longArray', value: { values: ['1', '2'] } } },
  });
  assert.deepEqual(request.initiator, { type: 1, name: 'alice' });
  assert.equal(request.requestId, 'r1');
  assert.equal(request.callRequestId, 'r1');
});

test('start --watch exits 0 when the run SUCCEEDED and ends with the final view', async () => {
  const r = await baton(['start', 'demo.wf', '--watch'], {
    scheduler: { startWorkflow: async () => started, watchInstance: () => fakeStream(runToEnd('SUCCEEDED')) },
  });
  assert.equal(r.code, 0, r.err);
  const lines = r.out.trimEnd().split('\n');
  assert.equal(lines[0], 'started demo.wf instance 7 run 1 (version 1, IN_PROGRESS)');
  assert.equal(lines[1], 'watching demo.wf instance 7 run 1 (version 1): IN_PROGRESS, 2 steps');
  assert.match(r.out, /nap +RUNNING -> SUCCEEDED/);
  assert.match(r.out, /demo\.wf instance 7 run 1: IN_PROGRESS -> SUCCEEDED/);
  assert.match(lines.at(-1)!, /^\[#+\] 2\/2 steps done$/);
  assert.equal(r.err, '');
});

test('start --watch exits 1 when the run FAILED, STOPPED or TIMED_OUT, saying so on stderr', async () => {
  for (const end of ['FAILED', 'STOPPED', 'TIMED_OUT']) {
    const r = await baton(['start', 'demo.wf', '--watch'], {
      scheduler: { startWorkflow: async () => started, watchInstance: () => fakeStream(runToEnd(end)) },
    });
    assert.equal(r.code, 1, end);
    assert.match(r.err, new RegExp(`ended ${end}, not SUCCEEDED`));
  }
});

test('start --watch --json: one JSON object per line (the start response, then each update)', async () => {
  const r = await baton(['start', 'demo.wf', '--watch', '--json'], {
    scheduler: { startWorkflow: async () => started, watchInstance: () => fakeStream(runToEnd('FAILED')) },
  });
  assert.equal(r.code, 1);
  const lines = r.out
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.equal(lines.length, 3);
  assert.equal(lines[0].instanceId, '7');
  assert.equal(lines[2].instance.status, 'FAILED');
  assert.equal(r.err, '', '--json keeps stderr for errors');
});

test('watch on a terminal redraws in place and uses colour', async () => {
  const r = await baton(
    ['watch', 'demo.wf', '7'],
    { scheduler: { watchInstance: () => fakeStream(runToEnd('SUCCEEDED')) } },
    { tty: true },
  );
  assert.equal(r.code, 0, r.err);
  assert.ok(r.out.includes('A\r\x1b[J'), 'cursor up, clear to the end');
  assert.ok(r.out.includes('\x1b[32mSUCCEEDED'), 'SUCCEEDED in green');
  assert.ok(r.out.endsWith('\x1b[?25h'));
});

test('Ctrl-C stops watching (exit 130), not the run', async () => {
  const ac = new AbortController();
  let stops = 0;
  const pending = baton(
    ['watch', 'demo.wf', '7', '--run', '1'],
    {
      scheduler: {
        watchInstance: (_req: unknown, opts: { signal?: AbortSignal }) =>
          fakeStream(runToEnd('SUCCEEDED').slice(0, 1), 'hang', opts.signal),
        stopInstance: async () => {
          stops++;
          return { status: 'STOPPED' };
        },
      },
    },
    { signal: ac.signal },
  );
  setTimeout(() => ac.abort(), 20);
  const r = await pending;
  assert.equal(r.code, 130);
  assert.match(r.err, /stopped watching; the run goes on \(baton watch demo\.wf 7 --run 1\)/);
  assert.equal(stops, 0);
});

test('a watch stream that breaks is reopened; the run is followed to its end', async () => {
  let calls = 0;
  const r = await baton(['watch', 'demo.wf', '7'], {
    scheduler: {
      watchInstance: (req: { ref: { runId: string } }) => {
        calls++;
        if (calls === 1)
          return fakeStream(runToEnd('SUCCEEDED').slice(0, 1), new BatonClientError('UNAVAILABLE', 'gone'));
        assert.equal(req.ref.runId, '1', 'the reopened stream follows the run it saw');
        return fakeStream(runToEnd('SUCCEEDED'));
      },
    },
  });
  assert.equal(r.code, 0, r.err);
  assert.equal(calls, 2);
});

test('errors keep the CLI exit codes: NOT_FOUND 1, INVALID_ARGUMENT 2, bad --param 2, bad instance 2', async () => {
  const notFound = await baton(['start', 'no.such'], {
    scheduler: {
      startWorkflow: async () => {
        throw new BatonClientError('NOT_FOUND', 'workflow no.such not found');
      },
    },
  });
  assert.equal(notFound.code, 1);
  assert.match(notFound.err, /workflow no\.such not found \(NOT_FOUND\)/);
  const invalid = await baton(['start', 'demo.wf', '--param', 'n=x'], {
    scheduler: {
      startWorkflow: async () => {
        throw new BatonClientError('INVALID_ARGUMENT', 'bad params', {
          violations: [{ field: 'n', description: 'is a LONG' }],
        });
      },
    },
  });
  assert.equal(invalid.code, 2);
  assert.match(invalid.err, /- n: is a LONG/);
  assert.equal((await baton(['start', 'demo.wf', '--param', 'oops'], {})).code, 2);
  assert.equal((await baton(['status', 'demo.wf', 'seven'], {})).code, 2);
  assert.equal((await baton(['restart', 'demo.wf', '1', '--mode', 'sideways'], {})).code, 2);
  const json = await baton(['--json', 'start', 'demo.wf', '--param', 'oops'], {});
  assert.equal(JSON.parse(json.err).error.code, 'USAGE');
});

test('status shows times, params, counts and the last timeline entries; --json is the response', async () => {
  const inst = instance('SUCCEEDED', [step('nap', 'SUCCEEDED'), step('after', 'SUCCEEDED')], {
    endedAt: at(2500),
    params: {
      n: { kind: { $case: 'longValue', value: '3' } },
      s: { kind: { $case: 'stringValue', value: 'x' } },
    },
    stepCounts: { SUCCEEDED: '2' },
    initiator: { type: 1, name: 'alice', timezone: '', triggerId: '', signals: [] },
    timeline: Array.from({ length: 12 }, (_, i) => ({
      time: at(i * 100),
      stepId: i % 2 ? 'nap' : '',
      status: `S${i}`,
      message: '',
    })),
  });
  const services = { scheduler: { getInstance: async () => ({ instance: inst }) } };
  const r = await baton(['status', 'demo.wf', '7', '--timeline', '3'], services);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^demo\.wf instance 7 run 1 {2}SUCCEEDED\n/);
  assert.match(r.out, /initiator +MANUAL \(alice\)/);
  assert.match(r.out, /took +2\.5s/);
  assert.match(r.out, /steps +2\/2 done; SUCCEEDED 2/);
  assert.match(r.out, /params\n {2}n {2}3\n {2}s {2}"x"/);
  assert.match(r.out, /timeline \(last 3 of 12\)\n.*S9\n.*S10\n.*S11\n$/);
  const j = JSON.parse((await baton(['--json', 'status', 'demo.wf', '7'], services)).out);
  assert.equal(j.instance.status, 'SUCCEEDED');
  assert.deepEqual(j.instance.params.n, { longValue: '3' }, 'a ParamValue as proto3 JSON');
});

test('steps prints a table (status filter sent upper-case); instances pages', async () => {
  let status = '';
  const r = await baton(['steps', 'demo.wf', '7', '--status', 'user_failed'], {
    scheduler: {
      listStepRuns: async (req: { status: string }) => {
        status = req.status;
        return {
          stepRuns: [
            step('nap', 'USER_FAILED', { attempts: 3, error: 'exit 2', startedAt: at(0), endedAt: at(10) }),
          ],
          nextPageToken: '',
        };
      },
    },
  });
  assert.equal(r.code, 0, r.err);
  assert.equal(status, 'USER_FAILED');
  assert.deepEqual(r.out.split('\n').slice(0, 2), [
    'STEP  TYPE   STATUS       ATTEMPTS  STARTED               ENDED                 ERROR',
    'nap   Sleep  USER_FAILED         3  2025-01-02 03:04:05Z  2025-01-02 03:04:05Z  exit 2',
  ]);
  const list = await baton(['instances', 'demo.wf', '--limit', '1'], {
    scheduler: {
      listInstances: async () => ({
        instances: [instance('IN_PROGRESS', [step('nap', 'RUNNING')])],
        nextPageToken: 'p2',
      }),
    },
  });
  assert.equal(list.code, 0, list.err);
  assert.match(list.out, /^INSTANCE {2}RUN {2}VERSION {2}STATUS +STEPS/);
  assert.match(list.out, /\n +7 +1 +1 {2}IN_PROGRESS +0\/1/);
  assert.match(list.err, /--page-token p2/);
});

test('stop, kill, restart, unblock and step actions print what happened', async () => {
  const scheduler = {
    stopInstance: async () => ({ status: 'STOPPED' }),
    killInstance: async () => ({ status: 'IN_PROGRESS' }),
    restartInstance: async (req: { mode: string }) => {
      assert.equal(req.mode, 'RESTART_FROM_BEGINNING');
      return { ref: { workflowId: 'demo.wf', instanceId: '7', runId: '2' }, status: 'IN_PROGRESS' };
    },
    unblockWorkflow: async () => {
      throw new BatonClientError('UNIMPLEMENTED', 'UnblockWorkflow is not implemented yet', {
        method: '/baton.v1.SchedulerService/UnblockWorkflow',
      });
    },
    skipStep: async (req: { stepId: string }) => ({ status: req.stepId === 'nap' ? 'SKIPPED' : '?' }),
  };
  assert.equal(
    (await baton(['stop', 'demo.wf', '7', '--reason', 'test'], { scheduler })).out,
    'stopped demo.wf instance 7 (STOPPED)\n',
  );
  assert.equal(
    (await baton(['kill', 'demo.wf', '7'], { scheduler })).out,
    'killing demo.wf instance 7 (IN_PROGRESS)\n',
  );
  const re = await baton(['restart', 'demo.wf', '7', '--mode', 'from-beginning'], { scheduler });
  assert.equal(re.out, 'restarted demo.wf instance 7 run 2 (IN_PROGRESS)\n');
  const un = await baton(['unblock', 'demo.wf'], { scheduler });
  assert.equal(un.code, 1);
  assert.match(un.err, /UNIMPLEMENTED/);
  const skip = await baton(['step', 'skip', 'demo.wf', '7', 'nap'], { scheduler });
  assert.equal(skip.out, 'skipped step nap of demo.wf instance 7 (SKIPPED)\n');
  assert.equal(
    JSON.parse((await baton(['--json', 'step', 'skip', 'demo.wf', '7', 'nap'], { scheduler })).out).status,
    'SKIPPED',
  );
});

test('logs: stdout chunks to stdout, stderr chunks to stderr, UTF-8 split across chunks kept', async () => {
  const euro = Buffer.from('€');
  let request: Record<string, unknown> = {};
  const r = await baton(['logs', 'demo.wf', '7', 'nap', '-f', '--attempt', '2'], {
    stepRuntime: {
      getStepLogs: (req: Record<string, unknown>) => {
        request = req;
        return fakeStream([
          { stream: 'stdout', data: Buffer.from('hello '), offset: '0' },
          { stream: 'stderr', data: Buffer.from('warn\n'), offset: '6' },
          { stream: 'stdout', data: euro.subarray(0, 1), offset: '11' },
          { stream: 'stdout', data: euro.subarray(1), offset: '12' },
        ]);
      },
    },
  });
  assert.equal(r.code, 0, r.err);
  assert.equal(r.out, 'hello €');
  assert.equal(r.err, 'warn\n');
  assert.equal(request.follow, true);
  assert.equal(request.attemptId, 2);
  assert.equal(request.runId, '0');
});

const ref = (name: string, seq: string) => ({ name, seq, params: {} });
const waitingStep = step('load', 'WAITING_FOR_SIGNALS', {
  signalDependencies: [
    {
      name: 'table_ready',
      match: [{ param: 'date', operator: '=', value: { kind: { $case: 'longValue', value: '20240101' } } }],
      bypassed: false,
    },
    { name: 'other', match: [], matched: ref('other', '3'), bypassed: false },
    { name: 'late', match: [], bypassed: true },
  ],
});
const publishStep = step('publish', 'SUCCEEDED', { signalOutputs: [ref('table_ready', '13')] });

test('status: started by a trigger, and the steps waiting for or publishing signals', async () => {
  const triggered = (initiator: Instance['initiator']) => ({
    scheduler: {
      getInstance: async () => ({
        instance: instance('IN_PROGRESS', [publishStep, waitingStep], { initiator }),
      }),
    },
  });
  const time = await baton(
    ['status', 'demo.wf', '7'],
    triggered({
      type: 2,
      name: '',
      triggerId: 'tt-1',
      triggerTime: new Date('2024-03-10T09:00:00Z'),
      timezone: 'America/Los_Angeles',
      signals: [],
    }),
  );
  assert.equal(time.code, 0, time.err);
  assert.match(
    time.out,
    /^demo\.wf instance 7 run 1 {2}IN_PROGRESS\nstarted by time trigger tt-1 for 2024-03-10T09:00:00Z \(America\/Los_Angeles\)\nversion/,
  );
  assert.doesNotMatch(time.out, /initiator/);
  const section = [
    'signals',
    '  publish  → published table_ready #13',
    '  load     waiting for signal table_ready {date = 20240101}',
    '           ✓ other #3',
    '           ↷ late (bypassed)',
  ].join('\n');
  assert.ok(time.out.includes(section), time.out);
  const signal = await baton(
    ['status', 'demo.wf', '7'],
    triggered({
      type: 3,
      name: '',
      triggerId: 'st-1',
      timezone: '',
      signals: [ref('table_ready', '12'), ref('other', '3')],
    }),
  );
  assert.match(signal.out, /\nstarted by signal trigger st-1: table_ready #12, other #3\n/);
  const backfill = await baton(
    ['status', 'demo.wf', '7'],
    triggered({
      type: 8,
      name: '',
      triggerId: 'bf-1',
      timezone: 'UTC',
      signals: [],
      triggerTime: new Date(0),
    }),
  );
  assert.match(backfill.out, /\nstarted by backfill bf-1 for 1970-01-01T00:00:00Z \(UTC\)\n/);
  const json = JSON.parse((await baton(['--json', 'status', 'demo.wf', '7'], triggered(undefined))).out);
  assert.equal(json.instance.steps[1].signalDependencies[1].matched.seq, '3');
});

test('steps: the table, then each step waiting for signals or publishing them', async () => {
  const r = await baton(['steps', 'demo.wf', '7'], {
    scheduler: { listStepRuns: async () => ({ stepRuns: [publishStep, waitingStep], nextPageToken: '' }) },
  });
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /\nload +Sleep +WAITING_FOR_SIGNALS +1 /);
  assert.match(
    r.out,
    /\n\nsignals\n {2}publish {2}→ published table_ready #13\n {2}load {5}waiting for signal table_ready \{date = 20240101\}\n/,
  );
  const noSignals = await baton(['steps', 'demo.wf', '7'], {
    scheduler: { listStepRuns: async () => ({ stepRuns: [step('nap', 'RUNNING')], nextPageToken: '' }) },
  });
  assert.doesNotMatch(noSignals.out, /signals/);
});

test('step bypass-signals calls BypassSignalDependencies with the step, run and reason', async () => {
  let sent: Record<string, unknown> = {};
  const scheduler = {
    bypassSignalDependencies: async (req: Record<string, unknown>) => {
      sent = req;
      return { status: 'WAITING_FOR_SIGNALS' };
    },
  };
  const r = await baton(
    ['step', 'bypass-signals', 'demo.wf', '7', 'load', '--run', '2', '--reason', 'feed is late'],
    { scheduler },
  );
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(sent, {
    ref: { workflowId: 'demo.wf', instanceId: '7', runId: '2' },
    stepId: 'load',
    reason: 'feed is late',
    requestId: '',
  });
  assert.equal(
    r.out,
    'bypassed the signal dependencies of step load of demo.wf instance 7 run 2 (WAITING_FOR_SIGNALS)\n',
  );
  const json = await baton(['--json', 'step', 'bypass-signals', 'demo.wf', '7', 'load'], { scheduler });
  assert.deepEqual(JSON.parse(json.out), { status: 'WAITING_FOR_SIGNALS' });
  const missing = await baton(['step', 'bypass-signals', 'demo.wf', '7'], { scheduler });
  assert.equal(missing.code, 2);
  assert.match(missing.err, /missing required argument 'step-id'/);
  assert.equal((await baton(['step', 'bypass-signals', 'demo.wf', 'x', 'load'], { scheduler })).code, 2);
});
