import { afterAll, beforeAll } from '@jest/globals';
import { type BatonClients, connect } from '@baton/sdk';
import { type Stack, startStack } from '@baton/testing';
import { FakeScheduler } from './fake-scheduler';
import { InternalClient, WorkQueueClient } from './work';

/** Short timings so leases lapse and sweeps run within a test's patience. */
export const FAST_ENV: Record<string, string> = {
  LOG_LEVEL: 'info',
  STEP_RUNTIME_LEASE_MS: '3000',
  STEP_RUNTIME_SWEEP_MS: '500',
  STEP_RUNTIME_RESEND_AFTER_MS: '1500',
  STEP_RUNTIME_RECLAIM_IDLE_MS: '2000',
  STEP_RUNTIME_KILL_GRACE_MS: '1000',
  BATON_SHUTDOWN_GRACE_MS: '2000',
};

export interface StepRuntimeFixture {
  stack: Stack;
  clients: BatonClients;
  scheduler: FakeScheduler;
  queue: WorkQueueClient;
  internal: InternalClient;
}

/**
 * A fake scheduler (started first, so its address can be given to the service), then a hermetic
 * stack with step-runtime only, a Redis client for the work streams and the internal client.
 * One before/after pair, so the order is explicit.
 */
export function useStepRuntime(env: Record<string, string> = {}): StepRuntimeFixture {
  const fixture = { scheduler: new FakeScheduler() } as StepRuntimeFixture;
  beforeAll(async () => {
    await fixture.scheduler.start();
    fixture.stack = await startStack({
      services: ['step-runtime'],
      env: { ...FAST_ENV, ...env, BATON_SCHEDULER_INTERNAL_ADDR: fixture.scheduler.addr },
    });
    fixture.clients = connect({ addresses: { stepRuntime: fixture.stack.addresses['step-runtime'] } });
    fixture.queue = new WorkQueueClient(fixture.stack.redisUrl);
    fixture.internal = new InternalClient(fixture.stack.internalAddresses['step-runtime']!);
  });
  afterAll(async () => {
    fixture.queue?.close();
    fixture.internal?.close();
    fixture.clients?.close();
    await fixture.stack?.stop();
    fixture.scheduler.stop();
  });
  return fixture;
}
