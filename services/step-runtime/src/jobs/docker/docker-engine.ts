import { existsSync } from 'node:fs';
import Docker from 'dockerode';
import { JobFailure } from '../job-failure.js';

/** The label every container of a step carries: its attempt key (the sweeper finds leftovers by it). */
export const ATTEMPT_LABEL = 'baton.attempt';

/** DOCKER_HOST → dockerode options: unix:///path or tcp://host:port; empty = the default socket. */
function engineOptions(host: string): Docker.DockerOptions {
  if (host.startsWith('unix://')) return { socketPath: host.slice('unix://'.length) };
  const tcp = /^tcp:\/\/([^:/]+):(\d+)\/?$/.exec(host);
  if (tcp) return { host: tcp[1], port: Number(tcp[2]), protocol: 'http' };
  return {};
}

/**
 * The container engine of Docker steps, chosen by the standard DOCKER_HOST (unix:// or tcp://;
 * default /var/run/docker.sock), so Docker and Podman's Docker-compatible service both work.
 */
export class DockerEngine {
  private client?: Docker;

  constructor(readonly host: string) {}

  /** The engine, or a PLATFORM failure saying which one could not be reached. */
  async connect(): Promise<Docker> {
    this.client ??= new Docker(engineOptions(this.host));
    try {
      await this.client.ping();
    } catch (err) {
      throw new JobFailure(
        'PLATFORM',
        `no container engine answers at ${this.host || 'unix:///var/run/docker.sock'} (DOCKER_HOST): ${(err as Error).message}`,
      );
    }
    return this.client;
  }

  /** Containers of steps (running or not), by attempt key, each with a way to remove it; none when no engine answers. */
  async stepContainers(): Promise<{ attemptKey: string; stop: () => Promise<void> }[]> {
    // No DOCKER_HOST and no default socket: this machine has no engine to sweep.
    if (this.host === '' && !existsSync('/var/run/docker.sock')) return [];
    let docker: Docker;
    try {
      docker = await this.connect();
    } catch {
      return [];
    }
    const list = await docker.listContainers({ all: true, filters: { label: [ATTEMPT_LABEL] } });
    return list.map((c) => ({
      attemptKey: c.Labels[ATTEMPT_LABEL] ?? '',
      stop: async () => {
        await docker.getContainer(c.Id).remove({ force: true });
      },
    }));
  }
}
