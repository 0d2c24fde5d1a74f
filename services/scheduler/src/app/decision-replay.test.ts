import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from '@jest/globals';
import { decisionLogsDir, readRecording, replay } from '../../test/decision-replay';

// Decision logs recorded from the example, loop and chaos suites (scripts/record-decisions.mjs),
// replayed through decide: the engine must make the same decisions from the same inputs. A change
// meant to alter decisions shows here as a diff to review, then the recordings are made again.
const dir = decisionLogsDir();
// Spread: node's own arrays come from outside Jest's sandbox, and deepStrictEqual compares prototypes.
const files = [...readdirSync(dir)].filter((f) => f.endsWith('.jsonl.gz')).sort();

describe('decision-log replay', () => {
  test('recordings of the example, loop and chaos suites are there', () => {
    assert.deepEqual(files, ['chaos.jsonl.gz', 'examples.jsonl.gz', 'loops.jsonl.gz']);
  });

  for (const file of files) {
    test(`${file}: every recorded decision is made again, the same`, () => {
      const rec = readRecording(join(dir, file));
      assert.ok(rec.decisions.length >= 50, `only ${rec.decisions.length} decisions recorded`);
      const diffs = replay(rec);
      assert.deepEqual(diffs.slice(0, 5), [], `${diffs.length} of ${rec.decisions.length} decisions differ`);
    });
  }

  test('a decision that differs from its recording is reported with where it differs', () => {
    const rec = readRecording(join(dir, 'examples.jsonl.gz'));
    const target = rec.decisions.find((d) => d.out.actions.length > 0);
    assert.ok(target, 'a recorded decision with actions');
    // As if the engine had once decided differently: the replay must point at the changed field.
    const kept = target.out.actions[0];
    target.out.actions[0] = { ...kept, type: 'somethingElse' } as unknown as typeof kept;
    const diffs = replay({ ...rec, decisions: [target] });
    assert.equal(diffs.length, 1);
    assert.equal(diffs[0]!.key, target.key);
    assert.equal(diffs[0]!.path, '.actions.0.type');
    assert.equal(diffs[0]!.replayed, kept.type);
  });
});
