import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import type { Instance, StepRunSummary } from '@baton/proto';
import { createStyle } from '../output/style';
import { Capture } from '../../test/test-support';
import {
  changeLines,
  formatDuration,
  progressBar,
  progressOf,
  renderFrame,
  truncateVisible,
  WatchPrinter,
} from './watch-view';

const T0 = Date.parse('2025-01-02T03:04:05Z');
const at = (ms: number) => new Date(T0 + ms);
const plain = createStyle(false);
// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping ANSI escapes
const strip = (s: string) => s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');

function step(stepId: string, status: string, extra: Partial<StepRunSummary> = {}): StepRunSummary {
  return {
    stepId,
    stepType: 'NoOp',
    status,
    attempts: status === 'NOT_CREATED' ? 0 : 1,
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
    ref: { workflowId: 'demo.wf', instanceId: '3', runId: '1' },
    workflowVersion: '2',
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
    error: '',
    omittedParams: [],
    ...extra,
  };
}

const running = instance('IN_PROGRESS', [
  step('extract', 'SUCCEEDED', { startedAt: at(0), endedAt: at(1200) }),
  step('transform', 'RUNNING', { startedAt: at(1200) }),
  step('load', 'NOT_CREATED'),
  step('island', 'UNSATISFIED'),
]);

test('durations read as seconds, then minutes, then hours', () => {
  assert.equal(formatDuration(0), '0.0s');
  assert.equal(formatDuration(1234), '1.2s');
  assert.equal(formatDuration(59_999), '59.9s');
  assert.equal(formatDuration(65_000), '1m05s');
  assert.equal(formatDuration(2 * 3600_000 + 3 * 60_000), '2h03m');
  assert.equal(formatDuration(-5), '0.0s');
});

test('the progress bar fills in proportion, never past its width', () => {
  assert.equal(progressBar(0, 4, 8), '[░░░░░░░░]');
  assert.equal(progressBar(2, 4, 8), '[████░░░░]');
  assert.equal(progressBar(4, 4, 8), '[████████]');
  assert.equal(progressBar(1, 3, 6, false), '[##----]');
  assert.equal(progressBar(5, 4, 4, false), '[####]');
  assert.equal(progressBar(0, 0, 4, false), '[----]');
  assert.deepEqual(progressOf(running), { done: 2, total: 4 }, 'UNSATISFIED counts as finished');
});

test('the frame: title with elapsed time, one line per step, the bar', () => {
  const lines = renderFrame(running, { style: plain, now: T0 + 3000 });
  assert.deepEqual(lines, [
    'demo.wf instance 3 run 1  IN_PROGRESS  elapsed 3.0s',
    '  ✓ extract    SUCCEEDED      1.2s',
    '  ● transform  RUNNING        1.8s',
    '  ○ load       NOT_CREATED',
    '  - island     UNSATISFIED',
    '[████████████░░░░░░░░░░░░] 2/4 steps done',
  ]);
  const ascii = renderFrame(running, { style: plain, now: T0 + 3000, unicode: false });
  assert.equal(ascii[1], '  extract    SUCCEEDED      1.2s');
  assert.equal(ascii.at(-1), '[############------------] 2/4 steps done');
});

test('nested progress: a foreach shows iterations done of total, a while its count, and the leaf rollup', () => {
  const inst = instance(
    'IN_PROGRESS',
    [
      step('each', 'RUNNING', {
        stepType: 'FOREACH',
        startedAt: at(0),
        iterationCounts: {
          total: '10000',
          launched: '914',
          running: '100',
          succeeded: '812',
          failed: '2',
          stopped: '0',
        },
      }),
      step('loop', 'RUNNING', {
        stepType: 'WHILE',
        startedAt: at(0),
        iterationCounts: {
          total: '41',
          launched: '41',
          running: '1',
          succeeded: '40',
          failed: '0',
          stopped: '0',
        },
      }),
    ],
    { stepCounts: { SUCCEEDED: '2436', FAILED: '2' } },
  );
  const text = renderFrame(inst, { style: plain, now: T0 + 5000, unicode: false }).join('\n');
  assert.match(text, /each\s+RUNNING\s+5\.0s {2}814\/10,000 iterations, 100 running, 2 failed/);
  assert.match(text, /loop\s+RUNNING\s+5\.0s {2}40 iterations, 1 running/);
  assert.match(text, /leaf steps across nested levels: 2,436 SUCCEEDED, 2 FAILED/);
  // No nested level, no rollup line.
  assert.doesNotMatch(renderFrame(running, { style: plain, now: T0 }).join('\n'), /leaf steps/);
});

test('a finished run shows its own duration, failures, attempts and its error', () => {
  const failed = instance(
    'FAILED',
    [
      step('a', 'SUCCEEDED', { startedAt: at(0), endedAt: at(100) }),
      step('b', 'USER_FAILED', { startedAt: at(100), endedAt: at(700), attempts: 3, error: 'exit 1\nboom' }),
    ],
    { endedAt: at(800), error: 'step b failed' },
  );
  const lines = renderFrame(failed, { style: plain, now: T0 + 60_000 });
  assert.equal(lines[0], 'demo.wf instance 3 run 1  FAILED  elapsed 0.8s');
  assert.equal(lines[2], '  ✗ b  USER_FAILED    0.6s attempt 3  exit 1 ⏎ boom');
  assert.equal(lines[3], '[████████████████████████] 2/2 steps done, 1 failed');
  assert.equal(lines[4], 'error: step b failed');
});

test('colour on a terminal: statuses coloured by kind, alignment kept', () => {
  const s = createStyle(true);
  const lines = renderFrame(running, { style: s, now: T0 + 3000 });
  assert.ok(lines[1].includes('\x1b[32mSUCCEEDED'));
  assert.ok(lines[2].includes('\x1b[36mRUNNING'));
  assert.deepEqual(lines.map(strip), renderFrame(running, { style: plain, now: T0 + 3000 }));
});

test('more steps than rows: failed and active steps first, a line for the rest', () => {
  const steps = [
    ...Array.from({ length: 30 }, (_, i) => step(`ok${i}`, 'SUCCEEDED')),
    step('bad', 'FATALLY_FAILED'),
    step('busy', 'RUNNING'),
    ...Array.from({ length: 10 }, (_, i) => step(`later${i}`, 'NOT_CREATED')),
  ];
  const lines = renderFrame(instance('IN_PROGRESS', steps), { style: plain, now: T0, height: 10 });
  assert.ok(lines.length <= 10, String(lines.length));
  assert.ok(lines.some((l) => l.includes('bad')));
  assert.ok(lines.some((l) => l.includes('busy')));
  assert.match(lines.join('\n'), /… \d+ more steps: \d+ SUCCEEDED, 10 NOT_CREATED/);
});

test('long lines are cut to the terminal width, escapes intact', () => {
  assert.equal(truncateVisible('abcdef', 10), 'abcdef');
  assert.equal(truncateVisible('abcdefghij', 5), 'abcd…');
  const s = createStyle(true);
  const cut = truncateVisible(`${s.green('abcdef')}ghij`, 5);
  assert.equal(strip(cut), 'abcd…');
  assert.ok(cut.endsWith('\x1b[0m'));
  const lines = renderFrame(running, { style: plain, now: T0, width: 20 });
  assert.ok(lines.every((l) => [...l].length <= 19));
});

test('change lines: every started step first, then only what moved, then the run status', () => {
  const first = changeLines(undefined, running, { style: plain, now: T0 + 1500 });
  assert.deepEqual(first, [
    'watching demo.wf instance 3 run 1 (version 2): IN_PROGRESS, 4 steps',
    '  +1.5s  extract    SUCCEEDED  (2/4 done)',
    '  +1.5s  transform  RUNNING  (2/4 done)',
    '  +1.5s  island     UNSATISFIED  (2/4 done)',
  ]);
  const done = instance(
    'SUCCEEDED',
    [
      running.steps[0],
      step('transform', 'SUCCEEDED', { startedAt: at(1200), endedAt: at(2000) }),
      step('load', 'SUCCEEDED', { startedAt: at(2000), endedAt: at(2100) }),
      running.steps[3],
    ],
    { endedAt: at(2200) },
  );
  assert.deepEqual(changeLines(running, done, { style: plain, now: T0 + 9999 }), [
    '  +2.2s  transform  RUNNING -> SUCCEEDED  (4/4 done)',
    '  +2.2s  load       NOT_CREATED -> SUCCEEDED  (4/4 done)',
    '  +2.2s  demo.wf instance 3 run 1: IN_PROGRESS -> SUCCEEDED',
  ]);
  assert.deepEqual(changeLines(done, done, { style: plain, now: T0 }), []);
});

test('WatchPrinter on a terminal redraws in place (cursor up, clear) and restores the cursor', () => {
  const out = new Capture(true);
  let now = T0 + 1000;
  const p = new WatchPrinter(out, { mode: 'tty', style: createStyle(true), now: () => now });
  p.update({ instance: running, changes: [] });
  const first = out.text;
  assert.ok(first.startsWith('\x1b[?25l'), 'hides the cursor');
  assert.ok(!first.includes('\x1b[6A'));
  assert.equal(strip(first).split('\n').length, 7, 'six lines and the final newline');
  now += 1000;
  p.tick();
  const second = out.text.slice(first.length);
  assert.ok(second.startsWith('\x1b[6A\r\x1b[J'), JSON.stringify(second.slice(0, 20)));
  assert.match(strip(second), /elapsed 2\.0s/);
  const done = instance('SUCCEEDED', running.steps.slice(0, 1), { endedAt: at(1500) });
  p.update({ instance: done, changes: [] });
  const before = out.text.length;
  p.tick(); // a finished run is not redrawn by the clock
  assert.equal(out.text.length, before);
  p.close();
  assert.ok(out.text.endsWith('\x1b[?25h'));
  assert.match(strip(out.text.slice(before)), /SUCCEEDED {2}elapsed 1\.5s/);
});

test('WatchPrinter in a log prints change lines and the whole view once at the end', () => {
  const out = new Capture(false);
  const p = new WatchPrinter(out, { mode: 'plain', style: plain, now: () => T0 + 1000 });
  p.update({ instance: running, changes: [] });
  p.update({ instance: running, changes: [] });
  p.tick();
  const lines = out.text.trimEnd().split('\n');
  assert.equal(lines.length, 4, out.text);
  p.close();
  assert.ok(!out.text.includes('\x1b'), 'no escapes in a log');
  assert.match(out.text, /\[############------------\] 2\/4 steps done\n$/);
});

test('WatchPrinter --json prints one JSON object per line per update', () => {
  const out = new Capture(false);
  const p = new WatchPrinter(out, { mode: 'json', style: plain });
  p.update({ instance: running, changes: [{ stepId: 'a', status: 'RUNNING', message: '', time: at(5) }] });
  p.update({ instance: instance('SUCCEEDED', []), changes: [] });
  p.close();
  const lines = out.text.trimEnd().split('\n');
  assert.equal(lines.length, 2);
  const first = JSON.parse(lines[0]);
  assert.equal(first.instance.status, 'IN_PROGRESS');
  assert.equal(first.instance.ref.instanceId, '3');
  assert.equal(first.changes[0].time, '2025-01-02T03:04:05.005Z');
  assert.equal(JSON.parse(lines[1]).instance.status, 'SUCCEEDED');
  assert.equal(p.instance?.status, 'SUCCEEDED');
});

test('a step waiting for signals has its own mark and colour, and says what it awaits', () => {
  const waiting = step('load', 'WAITING_FOR_SIGNALS', {
    startedAt: at(0),
    signalDependencies: [
      {
        name: 'table_ready',
        match: [{ param: 'date', operator: '=', value: { kind: { $case: 'longValue', value: '20240101' } } }],
        bypassed: false,
      },
      { name: 'other', match: [], matched: { name: 'other', seq: '3', params: {} }, bypassed: false },
    ],
  });
  const inst = instance('IN_PROGRESS', [step('extract', 'SUCCEEDED'), waiting]);
  const lines = renderFrame(inst, { style: plain, now: T0 + 2000 });
  assert.equal(
    lines[2],
    '  ⧖ load     WAITING_FOR_SIGNALS    2.0s  waiting for table_ready {date = 20240101} (1 of 2 matched)',
  );
  const coloured = renderFrame(inst, { style: createStyle(true), now: T0 + 2000 });
  assert.ok(coloured[2].includes('\x1b[35m⧖'), 'a magenta mark, unlike the yellow of other waits');
  assert.ok(coloured[2].includes('\x1b[35mWAITING_FOR_SIGNALS'));
  const moved = changeLines(
    instance('IN_PROGRESS', [step('extract', 'SUCCEEDED'), step('load', 'CREATED')]),
    inst,
    {
      style: plain,
      now: T0 + 2000,
    },
  );
  assert.deepEqual(moved, [
    '  +2.0s  load     CREATED -> WAITING_FOR_SIGNALS  (1/2 done)  waiting for table_ready {date = 20240101} (1 of 2 matched)',
  ]);
});
