import type { ServiceDeps } from '@baton/kit';

/** The service's pino logger; children carry `attemptKey` on every line about an attempt. */
export type Log = ServiceDeps['log'];
