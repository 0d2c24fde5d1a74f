import { type Collection, type Db, MongoClient } from 'mongodb';
import type { Logger } from 'pino';
import { type RedisClient, createRedisClient } from './redis-client';

/** A dependency whose liveness drives the service's readiness (health status). */
export interface Dependency {
  name: string;
  healthy(): boolean;
  close(): Promise<void>;
}

export interface MongoHandle extends Dependency {
  client: MongoClient;
  db: Db;
}

/** MongoDB's NamespaceExists: another replica created the collection first. */
const NAMESPACE_EXISTS = 48;

/**
 * Creates the collections a service writes, when it starts, before it takes calls. FerretDB 1.24
 * creates a missing collection on its first insert, holding its metadata registry's write lock
 * while it waits for one of its 100 SQLite connections; under load those are held by open cursors
 * whose next read waits for that same lock, and every request hangs for good (a kill -9 chaos test
 * with a burst of trigger fires did this). Created up front, no collection is made under load.
 */
export async function ensureCollections(db: Db, names: readonly string[]): Promise<void> {
  const have = new Set((await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name));
  for (const name of names) {
    if (have.has(name)) continue;
    try {
      await db.createCollection(name);
    } catch (err) {
      if ((err as { code?: number }).code !== NAMESPACE_EXISTS) throw err;
    }
  }
}

/**
 * Connects to MongoDB (or FerretDB). The database name comes from the URL path
 * (default "baton"). A ping every `probeMs` keeps `healthy()` current, so the gRPC
 * health status turns NOT_SERVING while the database is unreachable.
 */
export async function connectMongo(url: string, log: Logger, probeMs = 2000): Promise<MongoHandle> {
  const client = new MongoClient(url, {
    serverSelectionTimeoutMS: 5000,
    connectTimeoutMS: 5000,
    maxPoolSize: 50,
    retryWrites: false,
    directConnection: true,
  });
  await client.connect();
  const dbName = new URL(url.replace(/^mongodb(\+srv)?:/, 'http:')).pathname.replace(/^\//, '') || 'baton';
  const db = client.db(dbName);
  let ok = true;
  const timer = setInterval(() => {
    db.command({ ping: 1 }, { timeoutMS: probeMs })
      .then(() => {
        if (!ok) log.info('mongodb reachable again');
        ok = true;
      })
      .catch((err) => {
        if (ok) log.warn({ err: String(err) }, 'mongodb unreachable');
        ok = false;
      });
  }, probeMs);
  timer.unref();
  return {
    name: 'mongodb',
    client,
    db,
    healthy: () => ok,
    close: async () => {
      clearInterval(timer);
      await client.close();
    },
  };
}

export interface RedisHandle extends Dependency {
  /** One Redis, or a Redis Cluster when the URL is `redis+cluster://` (see createRedisClient). */
  redis: RedisClient;
}

/**
 * Connects to Redis (or a Redis Cluster); reconnects forever with backoff. `healthy()` is true
 * while the connection (on a cluster: the cluster client) is ready.
 */
export async function connectRedis(url: string, log: Logger): Promise<RedisHandle> {
  const redis = createRedisClient(url, {
    maxRetriesPerRequest: 2,
    enableOfflineQueue: true,
    retryStrategy: (times) => Math.min(times * 100, 2000),
    lazyConnect: true,
  });
  redis.on('error', (err) => log.debug({ err: String(err) }, 'redis error'));
  await redis.connect();
  return {
    name: 'redis',
    redis,
    healthy: () => redis.status === 'ready',
    close: async () => {
      redis.disconnect();
    },
  };
}

/**
 * True when a MongoDB write failed on a unique index (E11000). Baton's claims,
 * versions and idempotency checks are inserts with deterministic ids, so this
 * error means "someone else already did it" — never a failure to report.
 */
export function isDuplicateKey(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { code?: unknown; writeErrors?: { code?: unknown }[] };
  return e.code === 11000 || (Array.isArray(e.writeErrors) && e.writeErrors.some((w) => w.code === 11000));
}

/**
 * Inserts documents in one batch (one SQLite transaction on FerretDB: ~10x a loop of insertOne),
 * unordered, and returns the indexes whose `_id` already existed (or came twice). Any other error
 * throws.
 */
export async function insertAllowingDuplicates<T extends { _id: string }>(
  c: Collection<T>,
  docs: T[],
): Promise<Set<number>> {
  const dups = new Set<number>();
  if (docs.length === 0) return dups;
  try {
    await c.insertMany(docs as unknown as Parameters<Collection<T>['insertMany']>[0], { ordered: false });
  } catch (err) {
    const writeErrors = (err as { writeErrors?: { index: number; code?: number }[] | object }).writeErrors;
    const list = Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : [];
    if (!isDuplicateKey(err) || list.some((w) => (w as { code?: number }).code !== 11000)) throw err;
    for (const w of list) dups.add((w as { index: number }).index);
  }
  return dups;
}
