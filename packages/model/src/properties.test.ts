import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { mergeProperties } from './merge-properties';
import type { Properties } from './properties';
import { propertiesToJson } from './properties-json';
import { invalid, noop, pushText, valid } from '../test/test-support';

const withProps = (properties: unknown) => pushText([noop('a')], {}, { properties });

describe('run strategy forms', () => {
  const cases: [unknown, unknown][] = [
    ['sequential', { rule: 'SEQUENTIAL' }],
    ['First_Only', { rule: 'FIRST_ONLY' }],
    ['serial_latest_only', { rule: 'SERIAL_LATEST_ONLY' }],
    [20, { rule: 'PARALLEL', workflowConcurrency: 20 }],
    [
      { rule: 'parallel', workflow_concurrency: 20 },
      { rule: 'PARALLEL', workflowConcurrency: 20 },
    ],
    [{ rule: 'parallel' }, { rule: 'PARALLEL' }],
    [
      { rule: 'sequential', workflow_concurrency: 1 },
      { rule: 'SEQUENTIAL', workflowConcurrency: 1 },
    ],
  ];
  for (const [input, expected] of cases) {
    test(JSON.stringify(input), () => {
      assert.deepEqual(valid(withProps({ run_strategy: input })).properties?.runStrategy, expected);
    });
  }

  const bad: [unknown, string, RegExp][] = [
    ['round_robin', 'properties.run_strategy', /unknown run strategy rule/],
    [0, 'properties.run_strategy', /between 1 and 1000/],
    [1001, 'properties.run_strategy', /between 1 and 1000/],
    [
      { rule: 'first_only', workflow_concurrency: 2 },
      'properties.run_strategy.workflow_concurrency',
      /only the PARALLEL/,
    ],
    [{ workflow_concurrency: 2 }, 'properties.run_strategy.rule', /rule is required/],
    [{ rule: 'parallel', limit: 2 }, 'properties.run_strategy.limit', /unknown field/],
    [true, 'properties.run_strategy', /rule name, a number or an object/],
  ];
  for (const [input, field, message] of bad) {
    test(`rejects ${JSON.stringify(input)}`, () => {
      const v = invalid(withProps({ run_strategy: input }));
      assert.equal(v[0]!.field, field);
      assert.match(v[0]!.description, message);
    });
  }
});

describe('owner', () => {
  test('string and object forms', () => {
    assert.deepEqual(valid(withProps({ owner: 'ann' })).properties?.owner, { name: 'ann' });
    assert.deepEqual(valid(withProps({ owner: { name: 'ann', team: 'x' } })).properties?.owner, {
      name: 'ann',
      extraInfo: { team: 'x' },
    });
    assert.equal(invalid(withProps({ owner: { team: 'x' } }))[0]!.field, 'properties.owner.name');
  });
});

describe('mergeProperties', () => {
  const previous: Properties = {
    owner: { name: 'ann' },
    runStrategy: { rule: 'SEQUENTIAL' },
    stepConcurrency: 5,
    tags: [{ name: 'a' }],
  };

  test('set fields replace, unset fields carry over', () => {
    const merged = mergeProperties(previous, {
      runStrategy: { rule: 'PARALLEL', workflowConcurrency: 3 },
      tags: [{ name: 'b' }],
    });
    assert.deepEqual(merged, {
      owner: { name: 'ann' },
      runStrategy: { rule: 'PARALLEL', workflowConcurrency: 3 },
      stepConcurrency: 5,
      tags: [{ name: 'b' }],
    });
  });

  test('no previous snapshot: the update is the snapshot', () => {
    assert.deepEqual(mergeProperties(undefined, { stepConcurrency: 2 }), { stepConcurrency: 2 });
  });

  test('false flags are values, not absence', () => {
    assert.equal(
      mergeProperties({ timeTriggerDisabled: true }, { timeTriggerDisabled: false }).timeTriggerDisabled,
      false,
    );
  });

  test('propertiesToJson writes Maestro field names and round-trips', () => {
    const json = propertiesToJson({
      ...previous,
      owner: { name: 'ann', extraInfo: { team: 'x' } },
      timeTriggerDisabled: true,
    });
    assert.deepEqual(json, {
      owner: { name: 'ann', team: 'x' },
      run_strategy: { rule: 'SEQUENTIAL' },
      step_concurrency: 5,
      time_trigger_disabled: true,
      tags: [{ name: 'a' }],
    });
    assert.deepEqual(valid(withProps(json)).properties, {
      ...previous,
      owner: { name: 'ann', extraInfo: { team: 'x' } },
      timeTriggerDisabled: true,
    });
  });
});
