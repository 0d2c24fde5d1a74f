import type { AttemptSpec, JsonValue, StepParams } from '../runner/attempt-types.js';
import type { DockerEngine } from './docker/docker-engine.js';
import type { SqlPools } from './sql/sql-pools.js';
import type { HttpAllowList } from '@baton/kit';
import { JobFailure } from './job-failure.js';

export { JobFailure, type JobFailureKind } from './job-failure.js';

/**
 * Job step types run inside step-runtime rather than as a user process: their "code" is data (a
 * request, SQL statements), and what they need to reach — a connection's credentials, the network —
 * stays with the service and never reaches user code.
 */
export type JobType = 'HTTP' | 'SQL' | 'DOCKER';

/** What step-runtime gives every job: its settings and shared connection pools. */
export interface JobSettings {
  /** BATON_HTTP_ALLOW: private addresses an Http step may reach anyway. */
  httpAllow: HttpAllowList;
  /** SQL connection pools by name, from BATON_CONNECTIONS_FILE. */
  sql: SqlPools;
  /** The container engine of Docker steps (DOCKER_HOST). */
  docker: DockerEngine;
}

export interface JobContext {
  /** The attempt's unique key (SQL statements carry it, so orphans can be found after a crash). */
  attemptKey: string;
  /** The whole attempt (ids, params) for job types that hand it on (a Docker step's environment). */
  spec: AttemptSpec;
  /** Where a job that needs files makes the attempt's work dir; the runner's maxEnvValueBytes. */
  workRoot: string;
  maxEnvValueBytes: number;
  /** Aborted when the attempt is stopped or times out; a job ends promptly and cleans up. */
  signal: AbortSignal;
  /** Appends a line to the step's log. */
  log(stream: 'stdout' | 'stderr', text: string | Buffer): void;
  settings: JobSettings;
}

/** One job step type. `prepare` checks the params (throwing JobFailure FATAL naming the param); `run` does the job. */
export interface JobModule<P> {
  type: JobType;
  prepare(params: StepParams): P;
  run(prepared: P, ctx: JobContext): Promise<Record<string, JsonValue>>;
}

/** A MAP param by name (`http`, `sql`), or a FATAL failure saying what is missing. */
export function mapParam(params: StepParams, name: string, typeName: string): Record<string, JsonValue> {
  const v = params[name];
  if (v === undefined || v === null)
    throw new JobFailure('FATAL', `${typeName} step needs a MAP param '${name}'`);
  if (typeof v !== 'object' || Array.isArray(v))
    throw new JobFailure('FATAL', `${typeName} step: param '${name}' must be a MAP`);
  return v;
}

export function optString(map: Record<string, JsonValue>, key: string, path: string): string | undefined {
  const v = map[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new JobFailure('FATAL', `param '${path}.${key}' must be a STRING`);
  return v;
}

export function optNumber(
  map: Record<string, JsonValue>,
  key: string,
  path: string,
  min: number,
  max: number,
): number | undefined {
  const raw = map[key];
  if (raw === undefined || raw === null) return undefined;
  const v = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max)
    throw new JobFailure('FATAL', `param '${path}.${key}' must be a number from ${min} to ${max}`);
  return v;
}
