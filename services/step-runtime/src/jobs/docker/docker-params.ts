import type { JsonValue } from '../../runner/attempt-types.js';
import { JobFailure, mapParam, optNumber, optString } from '../job.js';

export type PullPolicy = 'never' | 'if_missing' | 'always';

export interface DockerJob {
  image: string;
  command?: string[];
  env: Record<string, string>;
  workingDir?: string;
  /** CPUs (fractions allowed) → NanoCpus. */
  cpu?: number;
  /** Bytes. */
  memory?: number;
  network: 'none' | 'bridge';
  pull: PullPolicy;
}

const IMAGE =
  /^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `memory`: bytes as a number of MiB, or text with a unit (512m, 2g). */
function memoryBytes(v: JsonValue | undefined): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number' && v > 0) return Math.floor(v * 1024 * 1024);
  const m = typeof v === 'string' ? /^(\d+(?:\.\d+)?)\s*([kmg])i?b?$/i.exec(v.trim()) : null;
  if (!m)
    throw new JobFailure('FATAL', "param 'docker.memory' must be MiB (a number) or text such as 512m or 2g");
  const unit = { k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2]!.toLowerCase() as 'k' | 'm' | 'g'];
  return Math.floor(Number(m[1]) * unit);
}

export function prepareDocker(params: Record<string, JsonValue>): DockerJob {
  const d = mapParam(params, 'docker', 'Docker');
  const image = optString(d, 'image', 'docker');
  if (!image || !IMAGE.test(image))
    throw new JobFailure('FATAL', "Docker step needs 'docker.image', an image reference such as alpine:3.20");
  let command: string[] | undefined;
  if (d.command !== undefined && d.command !== null) {
    if (!Array.isArray(d.command) || d.command.length === 0 || d.command.some((c) => typeof c !== 'string'))
      throw new JobFailure(
        'FATAL',
        "param 'docker.command' must be a non-empty STRING_ARRAY (no shell is added)",
      );
    command = d.command as string[];
  }
  const env: Record<string, string> = {};
  if (d.env !== undefined && d.env !== null) {
    if (typeof d.env !== 'object' || Array.isArray(d.env))
      throw new JobFailure('FATAL', "param 'docker.env' must be a STRING_MAP");
    for (const [k, v] of Object.entries(d.env)) {
      if (!ENV_NAME.test(k))
        throw new JobFailure('FATAL', `param 'docker.env' has an invalid name ${JSON.stringify(k)}`);
      const text = typeof v === 'string' ? v : JSON.stringify(v);
      if (text.includes('\0')) throw new JobFailure('FATAL', `param 'docker.env.${k}' holds NUL`);
      env[k] = text;
    }
  }
  const workingDir = optString(d, 'working_dir', 'docker');
  if (workingDir !== undefined && !workingDir.startsWith('/'))
    throw new JobFailure('FATAL', "param 'docker.working_dir' must be an absolute path in the container");
  const cpu = optNumber(d, 'cpu', 'docker', 0.01, 256);
  const network = optString(d, 'network', 'docker') ?? 'none';
  if (network !== 'none' && network !== 'bridge')
    throw new JobFailure('FATAL', "param 'docker.network' must be none (the default) or bridge");
  const pull = optString(d, 'pull', 'docker') ?? 'if_missing';
  if (pull !== 'never' && pull !== 'if_missing' && pull !== 'always')
    throw new JobFailure('FATAL', "param 'docker.pull' must be never, if_missing (the default) or always");
  const memory = memoryBytes(d.memory);
  return {
    image,
    ...(command ? { command } : {}),
    env,
    ...(workingDir ? { workingDir } : {}),
    ...(cpu !== undefined ? { cpu } : {}),
    ...(memory !== undefined ? { memory } : {}),
    network,
    pull,
  };
}
