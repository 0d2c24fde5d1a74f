import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import { BadRequest, Status } from '@baton/proto';
import { BatonError } from './errors';
import { ERROR_LIMITS, toServiceError } from './grpc-status';

const decoded = (err: BatonError) => {
  const e = toServiceError(err, 'test.baton');
  const status = Status.decode(e.metadata!.get('grpc-status-details-bin')[0] as Buffer);
  const bad = status.details.find((d) => d.typeUrl.endsWith('BadRequest'));
  return { details: e.details!, status, violations: bad ? BadRequest.decode(bad.value).fieldViolations : [] };
};

test('an ordinary error travels whole', () => {
  const d = decoded(BatonError.invalid('bad input', [{ field: 'workflow_id', description: 'is required' }]));
  assert.equal(d.details, 'bad input');
  assert.equal(d.status.message, 'bad input');
  assert.deepEqual(
    d.violations.map((v) => [v.field, v.description]),
    [['workflow_id', 'is required']],
  );
});

test('an error echoing a huge input is cut to fit the trailers', () => {
  const id = 'x'.repeat(100_000);
  const d = decoded(BatonError.invalid(`invalid workflow_id "${id}"`, [{ field: id, description: id }]));
  assert.equal(d.details.length, ERROR_LIMITS.messageChars);
  assert.ok(d.details.endsWith('…'));
  assert.equal(d.status.message, d.details);
  assert.equal(d.violations[0]!.field.length, ERROR_LIMITS.fieldChars);
  assert.equal(d.violations[0]!.description.length, ERROR_LIMITS.descriptionChars);
});

test('violations past the budget are counted in a last one', () => {
  const many = Array.from({ length: 10_000 }, (_, i) => ({
    field: `steps[${i}].id`,
    description: 'x'.repeat(100),
  }));
  const d = decoded(BatonError.invalid('10,000 problems', many));
  const last = d.violations.at(-1)!;
  assert.match(last.description, /^\d+ more violations left out$/);
  assert.equal(d.violations.length - 1 + Number(last.description.split(' ')[0]), 10_000);
  const bytes = d.violations.reduce((n, v) => n + v.field.length + v.description.length, 0);
  assert.ok(bytes <= ERROR_LIMITS.violationBytes, `${bytes} bytes`);
});
