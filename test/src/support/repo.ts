import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { findRepoRoot } from '@baton/testing';

export const repoRoot = findRepoRoot(__dirname);

export function readRepoFile(...parts: string[]): string {
  return readFileSync(join(repoRoot, ...parts), 'utf8');
}

/** The example workflows (push-request JSON files under examples/). */
export function exampleFiles(): string[] {
  return readdirSync(join(repoRoot, 'examples'))
    .filter((f) => f.endsWith('.json'))
    .sort();
}

export interface InvalidFixture {
  name: string;
  text: string;
  expect: { field: string; contains: string }[];
}

export function invalidFixtures(): InvalidFixture[] {
  const dir = join(repoRoot, 'test', 'fixtures', 'definitions', 'invalid');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json') && !f.endsWith('.expect.json'))
    .sort()
    .map((f) => ({
      name: f,
      text: readFileSync(join(dir, f), 'utf8'),
      expect: JSON.parse(readFileSync(join(dir, f.replace(/\.json$/, '.expect.json')), 'utf8')),
    }));
}

export function validFixtures(): { name: string; text: string }[] {
  const dir = join(repoRoot, 'test', 'fixtures', 'definitions', 'valid');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({ name: f, text: readFileSync(join(dir, f), 'utf8') }));
}

/** A small valid push request; `n` varies the content (so each n is a new version). */
export function tinyWorkflow(id: string, n = 0, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    properties: { owner: 'tester', tags: ['t1'] },
    workflow: {
      id,
      name: `tiny ${n}`,
      steps: [{ step: { id: 'only', type: 'NoOp', params: { n: { value: n, type: 'LONG' } } } }],
    },
    ...extra,
  });
}
