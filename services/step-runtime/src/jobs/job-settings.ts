import { NOTHING_ALLOWED, parseAllowList } from '@baton/kit';
import type { JobSettings } from './job.js';
import { SqlPools } from './sql/sql-pools.js';
import { DockerEngine } from './docker/docker-engine.js';

/** Job settings from step-runtime's configuration (BATON_HTTP_ALLOW, BATON_CONNECTIONS_FILE). */
export function jobSettings(
  httpAllow: string,
  connectionsFile: string,
  dockerHost = process.env.DOCKER_HOST ?? '',
): JobSettings {
  const allow = parseAllowList(httpAllow);
  if (typeof allow === 'string') throw new Error(`BATON_HTTP_ALLOW: ${allow}`);
  return { httpAllow: allow, sql: new SqlPools(connectionsFile), docker: new DockerEngine(dockerHost) };
}

/** For runners given no settings: no private address allowed, no SQL connection. */
export const UNCONFIGURED_JOBS: JobSettings = {
  httpAllow: NOTHING_ALLOWED,
  sql: new SqlPools(''),
  docker: new DockerEngine(process.env.DOCKER_HOST ?? ''),
};
