import { after, before } from 'node:test';
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
  before(async () => {
    fixture.stack = await startStack({ env: { LOG_LEVEL: 'warn' }, ...opts });
    fixture.clients = connect({
      addresses: { ...fixture.stack.addresses, stepRuntime: fixture.stack.addresses['step-runtime'] },
      // In secure mode: the stack's CA and its admin token.
      env: { ...process.env, ...fixture.stack.clientEnv },
    });
  });
  after(async () => {
    fixture.clients?.close();
    await fixture.stack?.stop();
  });
  return fixture;
}
