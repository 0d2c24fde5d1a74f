import { randomBytes } from 'node:crypto';
import { credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import { type RedisClient, SHARED_KEYS, createRedisClient } from '@baton/kit';
import { internal } from '@baton/proto';

/** A dispatch as the scheduler enqueues it (a WorkMessage in field `a` of a `{baton:work:<pool>}` message). */
export interface TestDispatch {
  attemptKey: string;
  instanceKey: string;
  workflowId: string;
  instanceId: number;
  runId: number;
  stepId: string;
  attempt: number;
  stepType: string;
  params: Record<string, unknown>;
  timeoutSeconds?: number;
  pool: string;
}

/** A unique workflow id per test, so tests never see each other's attempts. */
export function uniqueWorkflow(prefix: string): string {
  return `${prefix}.${randomBytes(4).toString('hex')}`;
}

export function shellStep(
  workflowId: string,
  stepId: string,
  script: string,
  extra: Partial<TestDispatch> = {},
): TestDispatch {
  const attempt = extra.attempt ?? 1;
  const instanceKey = `${workflowId}:1:1`;
  return {
    attemptKey: `${instanceKey}:${stepId}:${attempt}`,
    instanceKey,
    workflowId,
    instanceId: 1,
    runId: 1,
    stepId,
    attempt,
    stepType: 'SHELL',
    params: { shell: { script } },
    pool: 'default',
    ...extra,
  };
}

export class WorkQueueClient {
  readonly redis: RedisClient;
  constructor(url: string) {
    this.redis = createRedisClient(url, { maxRetriesPerRequest: 2 });
  }

  async enqueue(d: TestDispatch): Promise<void> {
    const { params, instanceId, runId, ...rest } = d;
    const body = internal.WorkMessage.encode({
      ...rest,
      instanceId: String(instanceId),
      runId: String(runId),
      paramsJson: JSON.stringify(params),
    }).finish();
    await this.redis.xadd(SHARED_KEYS.work(d.pool), '*', SHARED_KEYS.workField, Buffer.from(body));
  }

  close(): void {
    this.redis.disconnect();
  }
}

/** The internal CheckAttempts, over a raw client (the SDK covers public services only). */
export class InternalClient {
  private readonly client: internal.StepRuntimeInternalServiceClient;
  constructor(addr: string) {
    this.client = new internal.StepRuntimeInternalServiceClient(addr, credentials.createInsecure());
  }

  check(keys: string[]): Promise<internal.CheckAttemptsResponse> {
    return new Promise((resolve, reject) =>
      this.client.checkAttempts(
        { attemptKeys: keys },
        new Metadata(),
        { deadline: new Date(Date.now() + 10_000) },
        (err: ServiceError | null, res?: internal.CheckAttemptsResponse) =>
          err ? reject(err) : resolve(res!),
      ),
    );
  }

  close(): void {
    this.client.close();
  }
}
