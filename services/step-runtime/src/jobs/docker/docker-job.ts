import { randomBytes } from 'node:crypto';
import { chmod, writeFile } from 'node:fs/promises';
import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import type { JsonValue } from '../../runner/attempt-types.js';
import { decideOutcome } from '../../runner/outcome.js';
import { readOutputFile } from '../../runner/output-file.js';
import { buildUserEnv } from '../../runner/user-env.js';
import { type WorkDir, createWorkDir, removeWorkDir } from '../../runner/work-dir.js';
import { type JobContext, JobFailure, type JobModule } from '../job.js';
import { ATTEMPT_LABEL } from './docker-engine.js';
import { type DockerJob, prepareDocker } from './docker-params.js';

/** Where the attempt's work dir is mounted in the container (its cwd, HOME and BATON_WORK_DIR). */
export const CONTAINER_WORK_DIR = '/baton/work';
/** Seconds between the stop signal and the kill when a container is stopped. */
const STOP_GRACE_S = 5;
const MAX_OUTPUT_BYTES = 1024 * 1024;

/** The work dir as the container sees it. */
function containerView(): WorkDir {
  const dir = CONTAINER_WORK_DIR;
  return {
    dir,
    tmp: `${dir}/tmp`,
    control: `${dir}/.baton`,
    paramsFile: `${dir}/.baton/params.json`,
    outputFile: `${dir}/.baton/outputs.json`,
  };
}

async function ensureImage(docker: Docker, job: DockerJob, ctx: JobContext): Promise<void> {
  const present = async () => {
    try {
      await docker.getImage(job.image).inspect();
      return true;
    } catch {
      return false;
    }
  };
  if (job.pull === 'never' || (job.pull === 'if_missing' && (await present()))) {
    if (job.pull === 'never' && !(await present()))
      throw new JobFailure('FATAL', `image ${job.image} is not on this engine and docker.pull is never`);
    return;
  }
  ctx.log('stdout', `pulling ${job.image}\n`);
  try {
    const stream = await docker.pull(job.image);
    await new Promise<void>((resolve, reject) =>
      docker.modem.followProgress(stream, (err: Error | null) => (err ? reject(err) : resolve())),
    );
  } catch (err) {
    // A registry that cannot be reached (or refuses) is the platform's trouble, retried per its policy.
    throw new JobFailure('PLATFORM', `could not pull ${job.image}: ${(err as Error).message}`);
  }
}

async function runDocker(job: DockerJob, ctx: JobContext): Promise<Record<string, JsonValue>> {
  const docker = await ctx.settings.docker.connect();
  await ensureImage(docker, job, ctx);
  const wd = await createWorkDir(ctx.workRoot, ctx.spec.attemptKey);
  let container: Docker.Container | undefined;
  try {
    // The container may run as any user of its image: it must be able to write its outputs.
    for (const d of [wd.dir, wd.tmp, wd.control]) await chmod(d, 0o777);
    await writeFile(wd.paramsFile, JSON.stringify(ctx.spec.params), { mode: 0o644 });
    const env = buildUserEnv({
      spec: ctx.spec,
      workDir: containerView(),
      stepTypeEnv: job.env,
      extraEnv: {},
      maxEnvValueBytes: ctx.maxEnvValueBytes,
      parentEnv: {},
    });
    container = await docker.createContainer({
      name: `baton-${ctx.spec.attemptKey.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 100)}-${randomBytes(3).toString('hex')}`,
      Image: job.image,
      ...(job.command ? { Cmd: job.command } : {}),
      Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
      WorkingDir: job.workingDir ?? CONTAINER_WORK_DIR,
      Labels: { [ATTEMPT_LABEL]: ctx.spec.attemptKey },
      AttachStdout: true,
      AttachStderr: true,
      Tty: false,
      HostConfig: {
        Binds: [`${wd.dir}:${CONTAINER_WORK_DIR}`],
        NetworkMode: job.network,
        CapDrop: ['ALL'],
        SecurityOpt: ['no-new-privileges'],
        ...(job.cpu !== undefined ? { NanoCpus: Math.round(job.cpu * 1e9) } : {}),
        ...(job.memory !== undefined ? { Memory: job.memory } : {}),
      },
    });
    const stream = await container.attach({ stream: true, stdout: true, stderr: true });
    const out = new PassThrough();
    const err = new PassThrough();
    out.on('data', (b: Buffer) => ctx.log('stdout', b));
    err.on('data', (b: Buffer) => ctx.log('stderr', b));
    docker.modem.demuxStream(stream, out, err);
    const drained = new Promise<void>((resolve) => stream.once('end', () => resolve()));
    const started = container;
    const stop = () => void started.stop({ t: STOP_GRACE_S }).catch(() => {});
    ctx.signal.addEventListener('abort', stop);
    try {
      await container.start();
      const { StatusCode } = (await container.wait()) as { StatusCode: number };
      await Promise.race([drained, new Promise((r) => setTimeout(r, 1_000))]);
      if (ctx.signal.aborted) throw new JobFailure('USER', 'stopped');
      const verdict = decideOutcome({
        end: { exitCode: StatusCode, signal: null },
        output: await readOutputFile(wd.outputFile, MAX_OUTPUT_BYTES),
      });
      if (verdict.status === 'SUCCEEDED') return verdict.outputs as Record<string, JsonValue>;
      throw new JobFailure(
        verdict.status === 'FATALLY_FAILED' ? 'FATAL' : 'USER',
        (verdict.error ?? 'failed').replace('script', 'container'),
      );
    } finally {
      ctx.signal.removeEventListener('abort', stop);
    }
  } finally {
    // Removed in every case (success, failure, stop, timeout); a crash leaves it to the sweeper.
    await container?.remove({ force: true }).catch(() => {});
    await removeWorkDir(wd.dir);
  }
}

export const dockerJob: JobModule<DockerJob> = {
  type: 'DOCKER',
  prepare: prepareDocker,
  run: runDocker,
};
