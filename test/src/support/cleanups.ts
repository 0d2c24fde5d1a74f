import { afterEach } from '@jest/globals';

/**
 * Cleanups a test registers while it runs (node:test's `t.after`): each runs once after that
 * test, passed or failed, the last registered first. Call at the top of a file or describe.
 */
export function cleanupsAfterEach(): (fn: () => void) => void {
  const pending: (() => void)[] = [];
  afterEach(() => {
    for (const fn of pending.splice(0).reverse()) fn();
  });
  return (fn) => {
    pending.push(fn);
  };
}
