import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { artifactContentType, artifactFileName, parseArtifactQuery } from './artifact-route';

const parse = (query: string) => parseArtifactQuery(new URLSearchParams(query));

describe('parseArtifactQuery', () => {
  test('a full query, and the defaults (the latest run and attempt)', () => {
    assert.deepEqual(parse('workflowId=demo.nb&instanceId=12&runId=2&stepId=nb&attemptId=3'), {
      value: { workflowId: 'demo.nb', instanceId: '12', runId: '2', stepId: 'nb', attemptId: 3 },
    });
    assert.deepEqual(parse('workflowId=w&instanceId=1&stepId=s'), {
      value: { workflowId: 'w', instanceId: '1', runId: '0', stepId: 's', attemptId: 0 },
    });
  });

  test('every problem is named at once', () => {
    const r = parse('instanceId=0&runId=-1&attemptId=2147483648&stepId=a%00b&x=1&workflowId=a&workflowId=b');
    assert.ok('error' in r);
    assert.equal(r.error.code, 'INVALID_ARGUMENT');
    const fields = r.error.violations.map((v) => v.field).sort();
    assert.deepEqual(fields, ['attemptId', 'instanceId', 'runId', 'stepId', 'workflowId', 'x']);
  });

  test('numbers are plain decimal integers in range; ids are bounded', () => {
    for (const q of [
      'instanceId=1e3',
      'instanceId=0x10',
      'instanceId=9223372036854775808',
      'instanceId=%201',
      'instanceId=',
    ]) {
      const r = parse(`workflowId=w&stepId=s&${q}`);
      assert.ok('error' in r, q);
      assert.deepEqual(
        r.error.violations.map((v) => v.field),
        ['instanceId'],
        q,
      );
    }
    const long = parse(`workflowId=${'w'.repeat(257)}&instanceId=1&stepId=s`);
    assert.ok('error' in long);
    assert.deepEqual(long.error.violations, [{ field: 'workflowId', description: 'at most 256 characters' }]);
    assert.ok('value' in parse('workflowId=w&stepId=s&instanceId=9223372036854775807'));
  });
});

describe('artifactFileName and artifactContentType', () => {
  test('a name that cannot break a header or name a path', () => {
    assert.equal(artifactFileName('executed.ipynb'), 'executed.ipynb');
    assert.equal(artifactFileName('../../etc/passwd'), '_.._etc_passwd');
    assert.equal(artifactFileName('a"; filename=x.html\r\n'), 'a___filename_x.html__');
    assert.equal(artifactFileName('.hidden'), 'hidden');
    assert.equal(artifactFileName(''), 'artifact');
    assert.equal(artifactFileName('..'), 'artifact');
    assert.equal(artifactFileName('ü'.repeat(300)).length, 100);
  });

  test('a notebook is JSON, everything else opaque bytes: never HTML', () => {
    assert.equal(artifactContentType('executed.ipynb'), 'application/json');
    assert.equal(artifactContentType('X.IPYNB'), 'application/json');
    for (const name of ['page.html', 'image.svg', 'x.js', 'artifact'])
      assert.equal(artifactContentType(name), 'application/octet-stream');
  });
});
