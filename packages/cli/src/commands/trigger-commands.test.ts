import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import type { Backfill, BackfillRequest, GetTriggersRequest } from '@baton/proto';
import { createCommandContext } from '../command-context';
import { runCli } from '../run-cli';
import { captureIo, type FakeServices, fakeClients } from '../../test/test-support';
import { backfillCommand } from './trigger-commands';

const utc = (iso: string) => new Date(iso);

async function baton(argv: string[], services: FakeServices) {
  const { io, stdout, stderr } = captureIo();
  const code = await runCli(argv, io, { connect: () => fakeClients({}, services) });
  return { code, out: stdout.text, err: stderr.text };
}

function bf(started: number, ended: number, extra: Partial<Backfill> = {}): Backfill {
  return {
    backfillId: 'bf-1',
    workflowId: 'demo.wf',
    triggerId: 'tt-1',
    from: utc('2024-01-01T00:00:00Z'),
    to: utc('2024-01-03T00:00:00Z'),
    concurrency: 2,
    total: '3',
    started: String(started),
    ended: String(ended),
    status: ended === 3 ? 'DONE' : 'RUNNING',
    createdAt: utc('2024-03-01T00:00:00Z'),
    ...extra,
  };
}

test('triggers: --next reaches the request (default 5); text and --json', async () => {
  const requests: GetTriggersRequest[] = [];
  const services = {
    signal: {
      getTriggers: async (req: GetTriggersRequest) => {
        requests.push(req);
        return {
          workflowId: req.workflowId,
          activeVersion: '2',
          timeTriggerDisabled: false,
          signalTriggerDisabled: true,
          catchUp: 'SKIP',
          timeTriggers: [
            {
              triggerId: 'tt-1',
              definitionJson: '{"type":"PREDEFINED","expression":"@daily"}',
              timezone: 'Europe/Paris',
              watermark: utc('2024-07-01T22:00:00Z'),
              nextFireTimes: [utc('2024-07-02T22:00:00Z')],
            },
          ],
          signalTriggers: [],
        };
      },
    },
  };
  const r = await baton(['triggers', 'demo.wf'], services);
  assert.equal(r.code, 0, r.err);
  assert.equal(
    r.out,
    [
      'demo.wf  active version 2  catch-up SKIP',
      'time triggers (1)',
      '  tt-1  @daily (Europe/Paris)',
      '    watermark  2024-07-02T00:00:00+02:00',
      '    next       2024-07-03T00:00:00+02:00',
      'no signal triggers  disabled: no signal trigger fires',
      '',
    ].join('\n'),
  );
  await baton(['triggers', 'demo.wf', '--next', '12'], services);
  assert.deepEqual(
    requests.map((q) => q.nextCount),
    [5, 12],
  );
  const json = JSON.parse((await baton(['--json', 'triggers', 'demo.wf'], services)).out);
  assert.equal(json.timeTriggers[0].nextFireTimes[0], '2024-07-02T22:00:00.000Z');
  assert.equal(json.signalTriggerDisabled, true);
  for (const bad of ['0', '101', 'many']) {
    const e = await baton(['triggers', 'demo.wf', '--next', bad], services);
    assert.equal(e.code, 2, bad);
    assert.match(e.err, /--next: expected a whole number from 1 to 100/);
  }
  assert.equal((await baton(['triggers'], services)).code, 2);
});

test('backfill: a bare date is UTC midnight; the request carries the range, trigger and concurrency', async () => {
  let sent: BackfillRequest | undefined;
  const services = {
    signal: {
      backfill: async (req: BackfillRequest) => {
        sent = req;
        return { backfill: bf(0, 0), created: true };
      },
    },
  };
  const argv = ['backfill', 'demo.wf', '--from', '2024-01-01', '--to', '2024-01-03T05:00'];
  const r = await baton([...argv, '--trigger', 'tt-1', '--concurrency', '2'], services);
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(sent, {
    workflowId: 'demo.wf',
    triggerId: 'tt-1',
    from: utc('2024-01-01T00:00:00Z'),
    to: utc('2024-01-03T05:00:00Z'),
    concurrency: 2,
  });
  assert.equal(
    r.out,
    'created backfill bf-1 of demo.wf trigger tt-1: 3 fire times from 2024-01-01 00:00:00Z to 2024-01-03 00:00:00Z, 2 at a time\n',
  );
  await baton(
    ['backfill', 'demo.wf', '--from', '2024-01-01T00:00-08:00', '--to', '2024-01-02T00:00:00Z'],
    services,
  );
  assert.deepEqual(sent?.from, utc('2024-01-01T08:00:00Z'), 'an offset is honoured');
  assert.equal(sent?.triggerId, '', 'no --trigger: the server picks');
  assert.equal(sent?.concurrency, 0, 'no --concurrency: the server default');
  const json = JSON.parse((await baton(['--json', ...argv], services)).out);
  assert.equal(json.backfill.backfillId, 'bf-1');
  assert.equal(json.created, true);
});

test('backfill: existing backfills say so; bad dates, a reversed range or missing flags exit 2', async () => {
  const services = { signal: { backfill: async () => ({ backfill: bf(2, 1), created: false }) } };
  const again = await baton(['backfill', 'demo.wf', '--from', '2024-01-01', '--to', '2024-01-03'], services);
  assert.match(
    again.out,
    /^backfill bf-1 of demo\.wf trigger tt-1 already exists: .*2 started, 1 ended of 3 \(RUNNING\)\n$/,
  );
  const cases: Array<[string[], RegExp]> = [
    [['--from', '2024-13-01', '--to', '2024-12-31'], /--from: expected a date \(2024-01-01, UTC\)/],
    [['--from', '2024-01-01', '--to', 'tomorrow'], /--to: expected a date/],
    [['--from', '2024-01-02', '--to', '2024-01-01'], /--from \(2024-01-02\) is after --to \(2024-01-01\)/],
    [['--to', '2024-01-01'], /backfill needs --from and --to/],
    [
      ['--from', '2024-01-01', '--to', '2024-01-02', '--concurrency', '0'],
      /--concurrency: expected a whole number from 1 to 100/,
    ],
  ];
  for (const [args, message] of cases) {
    const r = await baton(['backfill', 'demo.wf', ...args], services);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.err, message);
  }
  assert.equal((await baton(['backfill', '--from', '2024-01-01', '--to', '2024-01-02'], services)).code, 2);
});

function waitServices(states: Backfill[]) {
  let polls = 0;
  return {
    get polls() {
      return polls;
    },
    services: {
      signal: {
        backfill: async () => ({ backfill: states[0], created: true }),
        getBackfill: async (req: { backfillId: string }) => {
          assert.equal(req.backfillId, 'bf-1');
          return { backfill: states[Math.min(++polls, states.length - 1)] };
        },
      },
    },
  };
}

test('backfill --wait polls GetBackfill until DONE, a progress line per change', async () => {
  const fake = waitServices([bf(0, 0), bf(2, 0), bf(2, 0), bf(3, 2), bf(3, 3)]);
  const { io, stdout, stderr } = captureIo();
  const ctx = createCommandContext(io, { json: false, connect: () => fakeClients({}, fake.services) });
  await backfillCommand(ctx, 'demo.wf', { from: '2024-01-01', to: '2024-01-03', wait: true }, { pollMs: 1 });
  assert.equal(stderr.text, '');
  assert.equal(fake.polls, 4);
  assert.deepEqual(stdout.text.trimEnd().split('\n').slice(1), [
    '  0 started, 0 ended of 3 (RUNNING)',
    '  2 started, 0 ended of 3 (RUNNING)',
    '  3 started, 2 ended of 3 (RUNNING)',
    '  3 started, 3 ended of 3 (DONE)',
    'backfill bf-1 DONE: 3 started, 3 ended of 3',
  ]);
});

test('backfill --wait on a terminal redraws one line; --json prints one object per line', async () => {
  const tty = captureIo({ tty: true });
  const fake = waitServices([bf(0, 0), bf(1, 0), bf(3, 3)]);
  const ctx = createCommandContext(tty.io, { json: false, connect: () => fakeClients({}, fake.services) });
  await backfillCommand(ctx, 'demo.wf', { from: '2024-01-01', to: '2024-01-03', wait: true }, { pollMs: 1 });
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping ANSI escapes
  const text = tty.stdout.text.replace(/\x1b\[[0-9;]*m/g, '');
  const redraw = '\r\x1b[K';
  assert.ok(
    text.includes(`${redraw}  1 started, 0 ended of 3 (RUNNING)${redraw}  3 started, 3 ended of 3 (DONE)\n`),
    JSON.stringify(text),
  );
  assert.match(text, /backfill bf-1 DONE: 3 started, 3 ended of 3\n$/);
  const json = captureIo();
  const jfake = waitServices([bf(0, 0), bf(1, 0), bf(3, 3)]);
  const jctx = createCommandContext(json.io, { json: true, connect: () => fakeClients({}, jfake.services) });
  await backfillCommand(jctx, 'demo.wf', { from: '2024-01-01', to: '2024-01-03', wait: true }, { pollMs: 1 });
  const lines = json.stdout.text
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.equal(lines.length, 3);
  assert.equal(lines[0].created, true);
  assert.equal(lines[2].backfill.status, 'DONE');
});

test('backfill --wait: Ctrl-C stops the waiting (exit 130), not the backfill', async () => {
  const ac = new AbortController();
  const { io, stderr } = captureIo();
  const fake = waitServices([bf(0, 0), bf(1, 0)]);
  const pending = runCli(
    ['backfill', 'demo.wf', '--from', '2024-01-01', '--to', '2024-01-03', '--wait'],
    { ...io, signal: ac.signal },
    { connect: () => fakeClients({}, fake.services) },
  );
  setTimeout(() => ac.abort(), 30);
  assert.equal(await pending, 130);
  assert.match(stderr.text, /stopped waiting; the backfill goes on \(baton backfill-status bf-1\)/);
});

test('backfill-status prints the progress; --json is the response', async () => {
  const services = { signal: { getBackfill: async () => ({ backfill: bf(3, 2) }) } };
  const r = await baton(['backfill-status', 'bf-1'], services);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^backfill bf-1 {2}RUNNING\n/);
  assert.match(r.out, /progress {5}3 started, 2 ended of 3/);
  const json = JSON.parse((await baton(['--json', 'backfill-status', 'bf-1'], services)).out);
  assert.equal(json.backfill.total, '3');
  assert.equal((await baton(['backfill-status'], services)).code, 2);
});
