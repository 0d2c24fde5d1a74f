import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { Run, evId, s } from '../../test/test-kit';
import type { BreakpointRule } from './breakpoints';

// Breakpoints and permit waits as plain data: decide with ctx.breakpoints, events in, snapshot,
// actions and timeline out.

const SH = 'Shell';
const NO_RETRY = { retry_policy: { error_retry_limit: 0 } };
const bp = (stepId: string, extra: Partial<BreakpointRule> = {}): BreakpointRule => ({
  id: `wf:${stepId}:*:*:*:*`,
  stepId,
  ...extra,
});
const chain = () => [s('a', SH, { b: 'true' }, NO_RETRY), s('b', SH, undefined, NO_RETRY)];

describe('breakpoints', () => {
  test('a matching step pauses before it starts; resuming its attempt dispatches it', () => {
    const r = Run.of(chain(), {}, { breakpoints: [bp('b')], version: 1 }).start();
    r.finish('a');
    assert.equal(r.status('b'), 'PAUSED');
    assert.equal(r.step('b').breakpoint, 'wf:b:*:*:*:*');
    assert.deepEqual(
      r.dispatches().map((d) => d.stepId),
      ['a'],
      'b was not dispatched',
    );
    assert.deepEqual(r.ofType('stepPaused'), [
      {
        type: 'stepPaused',
        key: `${r.snap.key}:b:1:paused`,
        instanceKey: r.snap.key,
        stepId: 'b',
        attempt: 1,
        breakpointId: 'wf:b:*:*:*:*',
      },
    ]);
    assert.equal(r.snap.status, 'IN_PROGRESS', 'the run waits for its paused step');
    assert.ok(r.timeline.some((t) => t.stepId === 'b' && t.status === 'PAUSED'));
    r.feed({ type: 'resumeStep', id: evId(), stepId: 'b', attempt: 1 });
    assert.equal(r.status('b'), 'STARTING');
    assert.deepEqual(
      r.dispatches().map((d) => d.stepId),
      ['a', 'b'],
    );
    r.finish('b');
    assert.equal(r.snap.status, 'SUCCEEDED');
  });

  test('scope: version, instance, run and attempt narrow the match; a retry pauses again', () => {
    const other = Run.of(chain(), {}, { breakpoints: [bp('a', { version: 2 })], version: 1 }).start();
    assert.equal(other.status('a'), 'STARTING', 'another version runs through');
    const inst = Run.of(chain(), {}, { breakpoints: [bp('a', { instanceId: 7 })], version: 1 }).start();
    assert.equal(inst.status('a'), 'STARTING', 'another instance runs through');
    const second = Run.of(
      [
        s('a', SH, undefined, {
          retry_policy: {
            error_retry_limit: 2,
            backoff: { type: 'FIXED_BACKOFF', error_retry_backoff_in_secs: 1 },
          },
        }),
      ],
      {},
      { breakpoints: [bp('a', { attempt: 2 })], version: 1 },
    ).start();
    assert.equal(second.status('a'), 'STARTING', 'attempt 1 is not matched');
    second.finish('a', 'USER_FAILED');
    second.at(1500);
    assert.equal(second.status('a'), 'PAUSED', 'its retry (attempt 2) pauses');
    second.feed({ type: 'resumeStep', id: evId(), stepId: 'a', attempt: 1 });
    assert.equal(second.status('a'), 'PAUSED', 'a resume naming another attempt changes nothing');
    second.feed({ type: 'resumeStep', id: evId(), stepId: 'a' });
    assert.equal(second.status('a'), 'STARTING');
    assert.equal(second.step('a').attempt, 2);
  });

  test('a paused step whose breakpoint is gone goes on by itself at the next decision', () => {
    const r = Run.of(chain(), {}, { breakpoints: [bp('a')], version: 1 }).start();
    assert.equal(r.status('a'), 'PAUSED');
    (r.ctx as { breakpoints?: BreakpointRule[] }).breakpoints = [];
    r.feed({ type: 'timer', id: evId() });
    assert.equal(r.status('a'), 'STARTING');
    assert.ok(r.timeline.some((t) => t.stepId === 'a' && /breakpoint .* deleted/.test(t.message ?? '')));
  });

  test('stopping a run stops its paused step; a stop of the step alone too', () => {
    const r = Run.of(chain(), {}, { breakpoints: [bp('a')], version: 1 }).start();
    r.feed({ type: 'stop', id: evId() });
    assert.equal(r.status('a'), 'STOPPED');
    assert.equal(r.snap.status, 'STOPPED');
    const one = Run.of(chain(), {}, { breakpoints: [bp('a')], version: 1 }).start();
    one.feed({ type: 'stopStep', id: evId(), stepId: 'a' });
    assert.equal(one.status('a'), 'STOPPED');
    assert.deepEqual(one.dispatches(), []);
  });
});

describe('permit waits', () => {
  test('the gate holding an attempt back shows WAITING_FOR_PERMITS with its tag, until it runs', () => {
    const r = Run.of([s('a', SH)]).start();
    const key = r.dispatches()[0]!.attemptKey;
    r.feed({ type: 'permitsWaiting', id: evId(), stepId: 'a', attempt: 1, attemptKey: key, tag: 'gpu' });
    assert.equal(r.step('a').permitTag, 'gpu');
    assert.equal(r.status('a'), 'STARTING', 'still dispatched: the gate starts it');
    assert.ok(r.timeline.some((t) => t.status === 'WAITING_FOR_PERMITS' && /tag gpu/.test(t.message ?? '')));
    r.feed({ type: 'attemptStarted', id: evId(), stepId: 'a', attempt: 1, attemptKey: key });
    assert.equal(r.status('a'), 'RUNNING');
    assert.equal(r.step('a').permitTag, undefined);
  });

  test('a wait report for another attempt, or after the attempt ran, changes nothing', () => {
    const r = Run.of([s('a', SH)]).start();
    const key = r.dispatches()[0]!.attemptKey;
    r.feed({ type: 'permitsWaiting', id: evId(), stepId: 'a', attempt: 2, attemptKey: `${key}x`, tag: 't' });
    assert.equal(r.step('a').permitTag, undefined);
    r.feed({ type: 'attemptStarted', id: evId(), stepId: 'a', attempt: 1, attemptKey: key });
    r.feed({ type: 'permitsWaiting', id: evId(), stepId: 'a', attempt: 1, attemptKey: key, tag: 't' });
    assert.equal(r.step('a').permitTag, undefined);
    assert.equal(r.status('a'), 'RUNNING');
  });

  test('dispatches name the user tags of the step and of its workflow, each once', () => {
    const r = Run.of([s('a', SH, undefined, { tags: ['gpu', 'etl'] })], { tags: ['etl', 'team'] }).start();
    assert.deepEqual(r.dispatches()[0]!.tags, ['gpu', 'etl', 'team']);
    const none = Run.of([s('a', SH)]).start();
    assert.equal(none.dispatches()[0]!.tags, undefined);
  });
});
