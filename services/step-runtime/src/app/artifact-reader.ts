import { BatonError } from '@baton/kit';
import type { ArtifactsStore } from '../store/artifacts-store.js';
import type { LogAddress, LogReader } from './log-reader.js';

export type ArtifactAddress = Pick<
  LogAddress,
  'workflowId' | 'instanceId' | 'runId' | 'stepId' | 'attemptId'
>;

export interface ArtifactChunk {
  name: string;
  size: number;
  attemptId: number;
  data: Buffer;
  offset: number;
}

/** Chunks of at most this many bytes (well under gRPC's 4 MiB message default). */
export const ARTIFACT_CHUNK_BYTES = 1024 * 1024;

/** GetStepArtifact: the file an attempt kept, addressed like its log. */
export class ArtifactReader {
  constructor(
    private readonly logs: Pick<LogReader, 'resolve'>,
    private readonly artifacts: Pick<ArtifactsStore, 'get'>,
  ) {}

  async stream(
    a: ArtifactAddress,
    signal: AbortSignal,
    send: (c: ArtifactChunk) => Promise<void>,
  ): Promise<void> {
    const key = await this.logs.resolve(a);
    const doc = key === undefined ? null : await this.artifacts.get(key);
    if (!key || !doc) {
      throw BatonError.notFound(
        `${a.workflowId}/${a.instanceId} step ${a.stepId}: ${key ? 'the attempt kept no file (not a Notebook step, or not ended)' : 'no such attempt'}`,
        'ARTIFACT_NOT_FOUND',
      );
    }
    const data = Buffer.from(doc.data.buffer);
    const attemptId = Number(key.slice(key.lastIndexOf(':') + 1));
    for (let offset = 0; offset === 0 || offset < data.length; offset += ARTIFACT_CHUNK_BYTES) {
      if (signal.aborted) return;
      await send({
        name: doc.name,
        size: doc.size,
        attemptId,
        data: data.subarray(offset, offset + ARTIFACT_CHUNK_BYTES),
        offset,
      });
    }
  }
}
