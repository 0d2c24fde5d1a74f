import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { DEFINITION_LIMITS } from './limits';
import { chain, invalid, noop, pushText, valid } from '../test/test-support';

describe('limits', () => {
  test('request of 1 MiB + 1 byte is rejected before parsing', () => {
    const base = pushText([noop('a')], { description: '' });
    const pad = DEFINITION_LIMITS.maxRequestBytes + 1 - Buffer.byteLength(base);
    const text = base.replace('"description":""', `"description":"${'x'.repeat(pad)}"`);
    assert.equal(Buffer.byteLength(text), DEFINITION_LIMITS.maxRequestBytes + 1);
    const v = invalid(text);
    assert.equal(v.length, 1);
    assert.equal(v[0]!.field, '$');
    assert.match(v[0]!.description, /1048577 bytes, over the limit of 1048576/);
  });

  test('the size limit counts UTF-8 bytes, not characters', () => {
    const text = `{"workflow":{"id":"x","steps":[],"description":"${'é'.repeat(DEFINITION_LIMITS.maxRequestBytes / 2)}"}}`;
    assert.equal(invalid(text)[0]!.field, '$');
  });

  test('10,000 steps pass and 10,001 fail', () => {
    valid(pushText(chain(10_000)));
    const v = invalid(pushText(chain(10_001)));
    assert.deepEqual(v, [
      { field: 'workflow.steps', description: 'the definition has 10001 steps, over the limit of 10000' },
    ]);
  });

  test('nested steps count towards the step limit', () => {
    const inner = chain(5_001, 'in');
    const steps = [...chain(5_000), { while: { id: 'w', condition: 'false', steps: inner } }];
    assert.match(invalid(pushText(steps))[0]!.description, /10002 steps/);
  });

  const nest = (levels: number): unknown[] => {
    let steps: unknown[] = [noop('leaf')];
    for (let d = levels - 1; d >= 1; d--) steps = [{ while: { id: `w${d}`, condition: 'false', steps } }];
    return steps;
  };

  test('depth 10 passes, depth 11 fails at the 11th steps list', () => {
    valid(pushText(nest(10)));
    const v = invalid(pushText(nest(11)));
    assert.equal(v.length, 1);
    assert.equal(v[0]!.field, `workflow${'.steps[0].while'.repeat(10)}.steps`);
    assert.match(v[0]!.description, /nested 11 levels deep, over the limit of 10/);
  });

  test('ids of 128 characters pass, 129 fail (workflow and step)', () => {
    valid(pushText([noop('s'.repeat(128))], { id: 'w'.repeat(128) }));
    const v = invalid(pushText([noop('s'.repeat(129))], { id: 'w'.repeat(129) }));
    assert.deepEqual(
      v.map((x) => x.field),
      ['workflow.id', 'workflow.steps[0].step.id'],
    );
    assert.match(v[0]!.description, /129 characters, over the limit of 128/);
  });

  test('param names of 129 characters fail', () => {
    const v = invalid(pushText([noop('a')], { params: { ['p'.repeat(129)]: { value: 1, type: 'LONG' } } }));
    assert.match(v[0]!.description, /over the limit of 128/);
  });

  test('names of 256 characters pass, 257 fail (workflow and step)', () => {
    valid(pushText([noop('a', undefined, { name: 'n'.repeat(256) })], { name: 'n'.repeat(256) }));
    const v = invalid(pushText([noop('a', undefined, { name: 'n'.repeat(257) })], { name: 'n'.repeat(257) }));
    assert.deepEqual(
      v.map((x) => [x.field, /257 characters, over the limit of 256/.test(x.description)]),
      [
        ['workflow.name', true],
        ['workflow.steps[0].step.name', true],
      ],
    );
  });
});
