import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { SchedulerServiceService, StartWorkflowRequest } from '@baton/proto';
import { credentials, makeGenericClientConstructor, type ServiceError } from '@grpc/grpc-js';
import { expectCode, fields } from '../support/errors';
import { useStack } from '../support/stack';
import { push } from './support';

const env = useStack({ services: ['definition', 'scheduler'] });
const sched = () => env.clients.scheduler;

/** JSON text of `{"a": {"a": ... 1}}` nested `depth` levels (JSON.stringify would recurse). */
function nestedJson(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 127) {
    out.push((n & 127) | 128);
    n >>>= 7;
  }
  out.push(n);
  return out;
}
const field = (tag: number, body: Buffer) =>
  Buffer.concat([Buffer.from([tag, ...varint(body.length)]), body]);

/**
 * StartWorkflowRequest bytes with a MAP run param (google.protobuf.Struct) nested `depth`
 * levels, encoded by hand: the SDK's encoder would itself run out of stack.
 */
function deepStartWorkflow(workflowId: string, depth: number): Buffer {
  // Value{number_value: 1}
  let value = Buffer.from([0x11, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f]);
  let struct = Buffer.alloc(0);
  for (let i = 0; i < depth; i++) {
    // Struct{fields: {"a": value}}
    struct = field(0x0a, Buffer.concat([field(0x0a, Buffer.from('a')), field(0x12, value)]));
    // Value{struct_value: struct}
    value = field(0x2a, struct);
  }
  // ParamValue{map_value: struct}; StartWorkflowRequest{workflow_id, run_params: {"deep": pv}}
  const pv = field(0x52, struct);
  const entry = Buffer.concat([field(0x0a, Buffer.from('deep')), field(0x12, pv)]);
  return Buffer.concat([field(0x0a, Buffer.from(workflowId)), field(0x1a, entry)]);
}

/** Sends raw bytes as a StartWorkflow request (the SDK would never send broken messages). */
function rawStartWorkflow(addr: string, bytes: Buffer): Promise<ServiceError | null> {
  const def = {
    startWorkflow: { ...SchedulerServiceService.startWorkflow, requestSerialize: (b: Buffer) => b },
  };
  const Client = makeGenericClientConstructor(def, 'baton.v1.SchedulerService');
  const client = new Client(addr, credentials.createInsecure());
  return new Promise((resolve) => {
    (client as unknown as Record<string, (...a: unknown[]) => void>).startWorkflow(
      bytes,
      { deadline: Date.now() + 10_000 },
      (err: ServiceError | null) => {
        client.close();
        resolve(err);
      },
    );
  });
}

describe('bad input answers INVALID_ARGUMENT naming the field', () => {
  test('setup: a workflow to start', async () => {
    await push(env.clients, { id: 'limits.wf', steps: [{ step: { id: 'a', type: 'NoOp' } }] });
  });

  test('a param nested 5,000 deep in a pushed definition', async () => {
    const definitionJson = `{"workflow": {"id": "limits.deep", "params": {"p": {"type": "MAP", "value": ${nestedJson(5000)}}}, "steps": [{"step": {"id": "a", "type": "NoOp"}}]}}`;
    const err = await expectCode(env.clients.definition.pushWorkflow({ definitionJson }), 'INVALID_ARGUMENT');
    assert.ok(
      fields(err).some((f) => f.startsWith('workflow.params.p.value')),
      JSON.stringify(err.violations).slice(0, 500),
    );
  });

  test('a run param nested 5,000 deep in StartWorkflow', async () => {
    const err = await rawStartWorkflow(env.stack.addresses.scheduler, deepStartWorkflow('limits.wf', 5000));
    assert.ok(err, 'a run param nested 5,000 deep was accepted');
    assert.equal(err.code, 3, `expected INVALID_ARGUMENT (3), got ${err.code}: ${err.details}`);
    // 20 levels decode fine and are refused by the run-param depth limit, naming the param.
    const err40 = await rawStartWorkflow(env.stack.addresses.scheduler, deepStartWorkflow('limits.wf', 20));
    assert.ok(err40, 'a run param nested 20 deep was accepted');
    assert.equal(err40.code, 3, `expected INVALID_ARGUMENT (3), got ${err40.code}: ${err40.details}`);
    assert.match(`${err40.details} ${err40.message}`, /run_params/);
  });

  test('an empty ParamValue', async () => {
    const err = await expectCode(
      sched().startWorkflow({ workflowId: 'limits.wf', runParams: { empty: { kind: undefined } } }),
      'INVALID_ARGUMENT',
    );
    assert.ok(fields(err).includes('run_params.empty'), JSON.stringify(err.violations));
  });

  test('a truncated protobuf message', async () => {
    const whole = Buffer.from(
      StartWorkflowRequest.encode(
        StartWorkflowRequest.fromPartial({ workflowId: 'limits.wf', requestId: 'x'.repeat(100) }),
      ).finish(),
    );
    const err = await rawStartWorkflow(env.stack.addresses.scheduler, whole.subarray(0, whole.length - 10));
    assert.ok(err, 'a truncated message was accepted');
    assert.equal(err.code, 3, `expected INVALID_ARGUMENT (3), got ${err.code}: ${err.details}`);
  });

  test('a run param of 3 MB', async () => {
    const err = await expectCode(
      sched().startWorkflow({
        workflowId: 'limits.wf',
        runParams: { big: { kind: { $case: 'stringValue', value: 'x'.repeat(3_000_000) } } },
      }),
      'INVALID_ARGUMENT',
    );
    assert.ok(fields(err).includes('run_params'), JSON.stringify(err.violations));
  });

  test('a workflow id of 100,000 characters: INVALID_ARGUMENT at once, not a deadline', async () => {
    // The refusal once echoed the whole id, its trailers were too large to arrive, and every
    // such call (and the scheduler's call to the definition service) waited out its deadline.
    const workflowId = 'x'.repeat(100_000);
    const t = Date.now();
    for (const call of [
      () => sched().startWorkflow({ workflowId }),
      () => sched().pauseWorkflow({ workflowId, reason: '' }),
      () => env.clients.definition.getWorkflow({ workflowId }),
    ]) {
      const err = await expectCode(call(), 'INVALID_ARGUMENT');
      assert.ok(err.message.length <= 4_000, `${err.message.length} characters`);
    }
    assert.ok(Date.now() - t < 5_000, `${Date.now() - t} ms`);
  });

  test('instance ids beyond 2^53', async () => {
    const err = await expectCode(
      sched().getInstance({ ref: { workflowId: 'limits.wf', instanceId: '9007199254740993', runId: '0' } }),
      'INVALID_ARGUMENT',
    );
    assert.ok(fields(err).includes('ref.instance_id'), JSON.stringify(err.violations));
  });

  test('an unknown status filter', async () => {
    const err = await expectCode(
      sched().listInstances({ workflowId: 'limits.wf', status: 'BOGUS' }),
      'INVALID_ARGUMENT',
    );
    assert.ok(fields(err).includes('status'), JSON.stringify(err.violations));
    const err2 = await expectCode(
      sched().listIterations({
        ref: { workflowId: 'limits.wf', instanceId: '1' },
        stepId: 'a',
        status: 'BOGUS',
      }),
      'INVALID_ARGUMENT',
    );
    assert.ok(fields(err2).includes('status'), JSON.stringify(err2.violations));
  });

  test('sleep_seconds: 1e300', async () => {
    const err = await expectCode(
      env.clients.definition.pushWorkflow({
        definitionJson: JSON.stringify({
          workflow: {
            id: 'limits.sleep',
            steps: [
              {
                step: { id: 's', type: 'Sleep', params: { sleep_seconds: { value: 1e300, type: 'DOUBLE' } } },
              },
            ],
          },
        }),
      }),
      'INVALID_ARGUMENT',
    );
    assert.ok(
      fields(err).some((f) => f.includes('sleep_seconds')),
      JSON.stringify(err.violations),
    );
  });
});
