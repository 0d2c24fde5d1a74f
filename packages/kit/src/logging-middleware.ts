import type { Middleware } from './call-context';
import { BatonError } from './errors';

/** One log line per call: method, outcome and duration. Client errors log at info, bugs at error. */
export const logCalls: Middleware = async (ctx, next) => {
  const started = performance.now();
  try {
    await next();
    ctx.log.debug({ ms: +(performance.now() - started).toFixed(2) }, 'call ok');
  } catch (err) {
    const ms = +(performance.now() - started).toFixed(2);
    if (err instanceof BatonError && err.code !== 'INTERNAL')
      ctx.log.info({ ms, code: err.code, error: err.message }, 'call failed');
    else ctx.log.error({ ms, err }, 'call failed');
    throw err;
  }
};
