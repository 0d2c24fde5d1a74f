import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { canonicalJson, canonicalWorkflowJson } from './canonical';
import { valid } from '../test/test-support';

const a = `{"workflow": {"id": "c", "name": "n", "timeout": 1200,
  "params": {"x": {"value": 1, "type": "LONG"}, "y": {"value": "s", "type": "STRING"}},
  "steps": [{"step": {"id": "a", "type": "NoOp", "transition": {"successors": {"b": "true", "c": "true"}}}},
            {"step": {"id": "b", "type": "Shell"}}, {"step": {"id": "c", "type": "Join"}}]}}`;

// Same workflow: other key order, whitespace, enum case and an equivalent timeout text.
const b = `{"workflow":{"steps":[{"step":{"transition":{"successors":{"c":"true","b":"true"}},"type":"noop","id":"a"}},
  {"step":{"type":"SHELL","id":"b"}},{"step":{"id":"c","type":"join"}}],
  "params":{"y":{"type":"string","value":"s"},"x":{"type":"long","value":1}},"timeout":"20 minutes","name":"n","id":"c"}}`;

describe('canonicalWorkflowJson', () => {
  test('is the same for equivalent pushes', () => {
    assert.equal(canonicalWorkflowJson(valid(a).workflow), canonicalWorkflowJson(valid(b).workflow));
  });

  test('is stable across calls and sorted', () => {
    const w = valid(a).workflow;
    const once = canonicalWorkflowJson(w);
    assert.equal(canonicalWorkflowJson(w), once);
    assert.equal(canonicalWorkflowJson(JSON.parse(once)), once);
    assert.ok(once.startsWith('{"id":"c","name":"n","params":'));
  });

  test('changes when the workflow changes', () => {
    const c = a.replace('"name": "n"', '"name": "m"');
    assert.notEqual(canonicalWorkflowJson(valid(a).workflow), canonicalWorkflowJson(valid(c).workflow));
    const d = a.replace('{"id": "b", "type": "Shell"}', '{"id": "b", "type": "Python"}');
    assert.notEqual(canonicalWorkflowJson(valid(a).workflow), canonicalWorkflowJson(valid(d).workflow));
  });

  test('keeps array order and drops undefined', () => {
    assert.equal(
      canonicalJson({ b: [3, 1], a: undefined, c: { z: 1, y: null } }),
      '{"b":[3,1],"c":{"y":null,"z":1}}',
    );
  });
});
