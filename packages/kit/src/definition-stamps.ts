import { randomUUID } from 'node:crypto';
import type { RedisClient } from './redis-client';

/**
 * Definition stamps: a Redis key per workflow that the definition service replaces (a fresh
 * random value) after every change to the workflow's definition, activation or properties, and
 * before it answers. A reader that cached what a workflow resolved to under one stamp may reuse it
 * while the stamp is the same: one Redis round trip instead of a GetWorkflow call (and its
 * database reads) on every StartWorkflow.
 *
 * Random values, not a counter, so a Redis loss (FLUSHALL) can never bring an old value back: an
 * absent key is set to a new value by the first reader that found the workflow, and no cache holds it. The key's age comes
 * from Redis's own clock (PTTL), so readers can tell a change that just happened.
 */
// One hash tag per workflow: stamps spread over a Redis Cluster's slots (each is read and written alone).
const key = (workflowId: string) => `{baton:def-stamp:${workflowId}}`;

/** Stamps outlive any cache entry by far; an expired one is just replaced. */
const STAMP_TTL_MS = 7 * 86_400_000;

/** The definition service, after a change is stored. */
export async function stampDefinitionChange(redis: RedisClient, workflowId: string): Promise<void> {
  await redis.set(key(workflowId), randomUUID(), 'PX', STAMP_TTL_MS);
  // During an upgrade from the single-tag key names, schedulers of the previous release still read
  // this key: a change must reach them too (two single-key writes, so no cross-slot command). Drop
  // once no deployment runs a release older than the per-workflow tags (docs/scaling.md, Upgrading).
  await redis.set(`{baton}:def-stamp:${workflowId}`, randomUUID(), 'PX', STAMP_TTL_MS);
}

export interface DefinitionStamp {
  stamp: string;
  /** How long ago the stamp was set (by Redis's clock). */
  ageMs: number;
}

/**
 * A reader: the workflow's current stamp, or null when there is none (never set, expired, or lost
 * with Redis), in one round trip. Reading never creates a key: a caller asking about a workflow
 * that does not exist must leave nothing behind.
 */
export async function readDefinitionStamp(
  redis: RedisClient,
  workflowId: string,
): Promise<DefinitionStamp | null> {
  const k = key(workflowId);
  const res = await redis.multi().get(k).pttl(k).exec();
  const stamp = res?.[0]?.[1];
  const pttl = res?.[1]?.[1];
  if (stamp === null) return null;
  if (typeof stamp !== 'string' || typeof pttl !== 'number') throw new Error('definition stamp unreadable');
  return { stamp, ageMs: STAMP_TTL_MS - pttl };
}

/**
 * A reader that found no stamp, once it knows the workflow exists: sets a fresh one unless a change
 * set one meanwhile. Its value is new, so no cache holds it; it is trusted once it has settled.
 */
export async function startDefinitionStamp(redis: RedisClient, workflowId: string): Promise<void> {
  await redis.set(key(workflowId), randomUUID(), 'PX', STAMP_TTL_MS, 'NX');
}
