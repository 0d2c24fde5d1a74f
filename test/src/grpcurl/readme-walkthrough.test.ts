import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { bash } from '../support/grpcurl';
import { readRepoFile } from '../support/repo';
import { useStack } from '../support/stack';

const env = useStack();

/** The README's walkthrough blocks: `<!-- walkthrough: ok|fails <Code> -->` then a ```sh fence. */
function walkthroughBlocks(): { expect: string; script: string }[] {
  const readme = readRepoFile('README.md');
  const re = /<!-- walkthrough: ([^>]+?) -->\s*```sh\n([\s\S]*?)```/g;
  return [...readme.matchAll(re)].map((m) => ({ expect: m[1].trim(), script: m[2] }));
}

/** The README talks to the default ports; the test stack runs on free ones. */
function retarget(script: string, addresses: Record<string, string>): string {
  const ports: Record<string, string> = {
    '7401': 'definition',
    '7402': 'scheduler',
    '7403': 'step-runtime',
    '7404': 'signal',
  };
  return script.replace(/127\.0\.0\.1:(740[1-4])/g, (_, p: string) => addresses[ports[p]]);
}

// Docs that run: every command of the README's grpcurl walkthrough, against a real stack.
describe('README grpcurl walkthrough', () => {
  const blocks = walkthroughBlocks();

  test('the README has walkthrough blocks', () => {
    assert.ok(blocks.length >= 4, `found ${blocks.length}`);
  });

  for (const [i, block] of blocks.entries()) {
    test(`block ${i + 1} (${block.expect}): ${block.script.split('\n')[0].slice(0, 60)}`, () => {
      const r = bash(retarget(block.script, env.stack.addresses));
      if (block.expect === 'ok') {
        assert.equal(r.code, 0, `exit ${r.code}\n${r.stdout}\n${r.stderr}`);
      } else {
        const code = block.expect.replace(/^fails\s+/, '');
        assert.notEqual(r.code, 0, 'the block must fail');
        assert.match(r.stdout + r.stderr, new RegExp(`Code: ${code}`));
        if (code === 'InvalidArgument') assert.match(r.stdout + r.stderr, /fieldViolations/);
      }
    });
  }
});
