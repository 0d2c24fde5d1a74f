// FerretDB and Redis together.
import { type FerretHandle, type FerretOptions, startFerret } from './ferret';
import { type RedisHandle, type RedisOptions, startRedis } from './redis';

export interface Infra {
  ferret: FerretHandle;
  redis: RedisHandle;
  mongoUrl: string;
  redisUrl: string;
  stop(): Promise<void>;
}

/** FerretDB and Redis together (started in parallel); stop() stops both. */
export async function startInfra(
  opts: { ferret?: FerretOptions; redis?: RedisOptions } = {},
): Promise<Infra> {
  const [f, r] = await Promise.allSettled([startFerret(opts.ferret), startRedis(opts.redis)]);
  if (f.status === 'rejected' || r.status === 'rejected') {
    if (f.status === 'fulfilled') await f.value.stop();
    if (r.status === 'fulfilled') await r.value.stop();
    throw f.status === 'rejected' ? f.reason : (r as PromiseRejectedResult).reason;
  }
  const ferret = f.value;
  const redis = r.value;
  return {
    ferret,
    redis,
    mongoUrl: ferret.url,
    redisUrl: redis.url,
    async stop() {
      await Promise.all([ferret.stop(), redis.stop()]);
    },
  };
}
