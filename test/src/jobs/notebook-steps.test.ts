import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { describe, test } from '@jest/globals';
import { fromParamValue } from '@baton/sdk';
import { waitFor } from '@baton/testing';
import { baton } from '../cli-runs/baton';
import { push, waitEnd } from '../scheduler/support';
import { expectCode } from '../support/errors';
import { useStack } from '../support/stack';

// Notebook steps through the four services: executed by nbclient in step-runtime (as the step user),
// outputs and logs like any step, the executed notebook fetched with GetStepArtifact and the CLI.
// A short lease: the kill -9 test's lost attempt is noticed within seconds.
const env = useStack({ env: { LOG_LEVEL: 'warn', STEP_RUNTIME_LEASE_MS: '3000' } });

/** Command lines (NUL → space) of live processes that mention `text`. */
function processesWith(text: string): string[] {
  const out: string[] = [];
  for (const p of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = readFileSync(`/proc/${p}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (cmd.includes(text)) out.push(cmd);
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

function notebook(cells: { source: string; tags?: string[] }[]): string {
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: cells.map((c, i) => ({
      cell_type: 'code',
      id: `c${i}`,
      metadata: c.tags ? { tags: c.tags } : {},
      execution_count: null,
      outputs: [],
      source: c.source,
    })),
  });
}

const nbStep = (id: string, source: string, params: Record<string, unknown> = {}) => ({
  step: {
    id,
    type: 'Notebook',
    params: { notebook: { type: 'MAP', value: { source: { type: 'STRING', value: source } } }, ...params },
  },
});

async function artifactOf(
  workflowId: string,
  instanceId: string,
  stepId: string,
): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of env.clients.stepRuntime.getStepArtifact({ workflowId, instanceId, stepId }))
    chunks.push(Buffer.from(c.data));
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

describe('Notebook steps end to end', () => {
  test('a notebook runs with injected params; outputs, logs and the executed notebook come back', async () => {
    const source = notebook([
      { source: 'day = 0', tags: ['parameters'] },
      { source: "import json, os\nrows = day % 100\nprint('rows for', day, '=', rows)" },
      { source: "json.dump({'rows': rows}, open(os.environ['BATON_OUTPUT_FILE'], 'w'))" },
    ]);
    await push(env.clients, {
      id: 'nb.e2e',
      steps: [nbStep('report', source, { day: { type: 'LONG', value: 20240117 } })],
    });
    const st = await env.clients.scheduler.startWorkflow({ workflowId: 'nb.e2e' });
    const inst = await waitEnd(env.clients, 'nb.e2e', st.instanceId, 90_000);
    assert.equal(inst.status, 'SUCCEEDED', inst.steps[0]?.error);
    const run = (await env.clients.scheduler.getStepRun({ ref: inst.ref, stepId: 'report' })).stepRun!;
    assert.equal(fromParamValue(run.summary!.outputs.rows!), 17);
    const executed = artifactOf('nb.e2e', st.instanceId, 'report');
    const cells = (await executed).cells as { outputs: { text?: string | string[] }[] }[];
    assert.equal([cells[2]!.outputs[0]!.text].flat().join(''), 'rows for 20240117 = 17\n');
    // The CLI: the same notebook, and the cell output in the step's log.
    const cli = baton(env, ['notebook', 'nb.e2e', st.instanceId, 'report']);
    assert.equal(cli.code, 0, cli.err);
    assert.equal(JSON.parse(cli.out).cells.length, 4);
    const logs = baton(env, ['logs', 'nb.e2e', st.instanceId, 'report']);
    assert.match(logs.out, /rows for 20240117 = 17/);
  });

  test('a failing cell fails the run with its traceback; its notebook is kept', async () => {
    const step = nbStep('bad', notebook([{ source: "raise ValueError('no rows')" }]));
    await push(env.clients, {
      id: 'nb.fail',
      steps: [{ step: { ...step.step, retry_policy: { error_retry_limit: 0 } } }],
    });
    const st = await env.clients.scheduler.startWorkflow({ workflowId: 'nb.fail' });
    const inst = await waitEnd(env.clients, 'nb.fail', st.instanceId, 90_000);
    assert.equal(inst.status, 'FAILED');
    const logs = baton(env, ['logs', 'nb.fail', st.instanceId, 'bad']);
    assert.match(logs.err, /ValueError: no rows/);
    const cells = (await artifactOf('nb.fail', st.instanceId, 'bad')).cells as {
      outputs: { ename?: string }[];
    }[];
    assert.equal(cells[1]!.outputs[0]!.ename, 'ValueError');
  });

  test('kill -9 of step-runtime mid-cell: the kernel dies with it, and a new attempt succeeds', async () => {
    const source = notebook([
      { source: "import os, time\nprint('attempt', os.environ['BATON_ATTEMPT_NUMBER'], flush=True)" },
      { source: "if os.environ['BATON_ATTEMPT_NUMBER'] == '1':\n    time.sleep(120)" },
    ]);
    const step = nbStep('slow', source);
    await push(env.clients, {
      id: 'nb.kill',
      steps: [
        {
          step: {
            ...step.step,
            retry_policy: { backoff: { type: 'FIXED_BACKOFF', platform_retry_backoff_in_secs: 1 } },
          },
        },
      ],
    });
    const st = await env.clients.scheduler.startWorkflow({ workflowId: 'nb.kill' });
    // The kernel's command line names its connection file, in the attempt's work dir.
    const kernels = () => processesWith('attempt-nb.kill_').filter((cmd) => cmd.includes('ipykernel'));
    await waitFor(() => kernels().length > 0, { timeoutMs: 60_000, what: 'the kernel to run' });
    const runtime = env.stack.services['step-runtime']!;
    runtime.kill9();
    await runtime.exited();
    await waitFor(() => kernels().length === 0, {
      timeoutMs: 10_000,
      what: 'the kernel to die with step-runtime',
    });
    await runtime.start();
    const inst = await waitEnd(env.clients, 'nb.kill', st.instanceId, 90_000);
    assert.equal(inst.status, 'SUCCEEDED', inst.steps[0]?.error);
    const run = (await env.clients.scheduler.getStepRun({ ref: inst.ref, stepId: 'slow' })).stepRun!;
    assert.deepEqual(
      run.attempts.map((a) => a.status),
      ['PLATFORM_FAILED', 'SUCCEEDED'],
    );
    assert.notEqual(run.attempts[0]!.attemptKey, run.attempts[1]!.attemptKey);
  });

  test('GetStepArtifact: bad addresses are INVALID_ARGUMENT naming the field; a step without one is NOT_FOUND', async () => {
    const read = (req: Record<string, unknown>) => async () => {
      for await (const _ of env.clients.stepRuntime.getStepArtifact(req)) {
        // drain
      }
    };
    assert.match(
      (
        await expectCode(
          read({ workflowId: 'nb.e2e', instanceId: '0', stepId: 'report' })(),
          'INVALID_ARGUMENT',
        )
      ).message,
      /instance_id/,
    );
    assert.match(
      (await expectCode(read({ workflowId: '', instanceId: '1', stepId: 'report' })(), 'INVALID_ARGUMENT'))
        .message,
      /workflow_id/,
    );
    assert.match(
      (
        await expectCode(
          read({ workflowId: 'nb.e2e', instanceId: '1', stepId: 'report', attemptId: -1 })(),
          'INVALID_ARGUMENT',
        )
      ).message,
      /attempt_id/,
    );
    await expectCode(read({ workflowId: 'nb.e2e', instanceId: '99', stepId: 'report' })(), 'NOT_FOUND');
    await push(env.clients, {
      id: 'nb.shell',
      steps: [{ step: { id: 's', type: 'Shell', params: { script: { type: 'STRING', value: 'echo hi' } } } }],
    });
    const st = await env.clients.scheduler.startWorkflow({ workflowId: 'nb.shell' });
    await waitEnd(env.clients, 'nb.shell', st.instanceId);
    assert.match(
      (
        await expectCode(
          read({ workflowId: 'nb.shell', instanceId: st.instanceId, stepId: 's' })(),
          'NOT_FOUND',
        )
      ).message,
      /kept no file/,
    );
  });
});
