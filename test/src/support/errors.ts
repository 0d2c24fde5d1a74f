import assert from 'node:assert/strict';
import { BatonClientError } from '@baton/sdk';

/** Awaits a call that must fail with `code`; returns the error for further checks. */
export async function expectCode(p: Promise<unknown>, code: string): Promise<BatonClientError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof BatonClientError, `expected a BatonClientError, got ${String(err)}`);
    assert.equal(err.code, code, `expected ${code}, got ${err.code}: ${err.message}`);
    return err;
  }
  assert.fail(`expected ${code}, but the call succeeded`);
}

export function fields(err: BatonClientError): string[] {
  return err.violations.map((v) => v.field);
}
