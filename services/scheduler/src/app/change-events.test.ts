import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { changesOf } from './change-events';

describe('a decision timeline as change events', () => {
  test('ids follow the run key and the decision; ref is the top-level run; steps carry attempts', () => {
    const key = 'etl.daily:42:2:load:3';
    const events = changesOf(key, {
      seq: 7,
      timeline: [
        { time: 1000, stepId: 'a', attempt: 2, status: 'RUNNING' },
        { time: 1001, status: 'SUCCEEDED', message: 'done' },
      ],
    });
    assert.deepEqual(
      events.map((e) => e.id),
      [`${key}:7:0`, `${key}:7:1`],
    );
    assert.deepEqual(events[0]!.change, {
      $case: 'step',
      value: {
        ref: { workflowId: 'etl.daily', instanceId: '42', runId: '2' },
        key,
        stepId: 'a',
        attempt: 2,
        status: 'RUNNING',
        message: '',
      },
    });
    assert.deepEqual(events[1]!.change, {
      $case: 'run',
      value: {
        ref: { workflowId: 'etl.daily', instanceId: '42', runId: '2' },
        key,
        status: 'SUCCEEDED',
        message: 'done',
      },
    });
    assert.equal(events[1]!.time?.getTime(), 1001);
  });

  test('the same decision gives the same events (a redo publishes duplicates, never new ids)', () => {
    const doc = { seq: 1, timeline: [{ time: 5, status: 'IN_PROGRESS' }] };
    assert.deepEqual(changesOf('wf:1:1', doc), changesOf('wf:1:1', doc));
    assert.deepEqual(changesOf('wf:1:1', { seq: 2, timeline: [] }), []);
  });
});
