import { afterAll, beforeAll } from '@jest/globals';
import { type BatonClients, connect } from '@baton/sdk';
import { type Stack, type StackOptions, startStack } from '@baton/testing';

export interface StackFixture {
  stack: Stack;
  clients: BatonClients;
}

/**
 * Starts a hermetic stack (its own FerretDB, Redis and the chosen services on free
 * ports) before the file's tests and stops it after. Read `.stack` / `.clients`
 * inside tests, not at module load.
 */
export function useStack(opts: StackOptions = {}): StackFixture {
  const fixture = {} as StackFixture;
  beforeAll(async () => {
    fixture.stack = await startStack({ env: { LOG_LEVEL: 'warn' }, ...opts });
    fixture.clients = connect({
      addresses: { ...fixture.stack.addresses, stepRuntime: fixture.stack.addresses['step-runtime'] },
      // In secure mode: the stack's CA and its admin token.
      env: { ...process.env, ...fixture.stack.clientEnv },
    });
  });
  afterAll(async () => {
    fixture.clients?.close();
    await fixture.stack?.stop();
  });
  return fixture;
}
