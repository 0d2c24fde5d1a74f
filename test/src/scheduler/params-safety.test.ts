import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from '@jest/globals';
import { fromParamValue, toParamMap } from '@baton/sdk';
import { useStack } from '../support/stack';
import { push, waitEnd } from './support';

const env = useStack();

// Open to the step user, so a value that did run as code could leave its marker here.
const scratch = mkdtempSync(join(tmpdir(), 'baton-params-safety-'));
chmodSync(scratch, 0o1777);
const marker = join(scratch, 'pwned');

// Each part runs `touch marker` if spliced into the script as raw text.
const HOSTILE = [
  `$(touch ${marker})`,
  `\`touch ${marker}\``,
  `'; touch ${marker}; echo '`,
  `"; touch ${marker}; echo "`,
  `\ntouch ${marker}\n`,
].join(' | ');

describe('params reach a Shell script safely (issue 10: `--param greeting=$(id)`)', () => {
  test('a hostile run param interpolated into the script runs nothing and arrives intact', async () => {
    await push(env.clients, {
      id: 'safety.hostile',
      params: { greeting: { value: 'hello', type: 'STRING' } },
      steps: [
        {
          step: {
            id: 'greet',
            type: 'Shell',
            params: {
              // The param as env ($greeting, `$$` is a literal `$`) and interpolated (${greeting}).
              script: {
                value: [
                  'export SPLICED="${greeting}"',
                  'echo "${greeting} from Baton"',
                  `python3 -c 'import json, os; print(json.dumps({"env": os.environ["greeting"], "spliced": os.environ["SPLICED"]}))' > "$$BATON_OUTPUT_FILE"`,
                ].join('\n'),
                type: 'STRING',
              },
              greeting: { expression: 'params.get("greeting")', type: 'STRING' },
            },
          },
        },
      ],
    });
    const st = await env.clients.scheduler.startWorkflow({
      workflowId: 'safety.hostile',
      runParams: toParamMap({ greeting: HOSTILE }),
    });
    const inst = await waitEnd(env.clients, 'safety.hostile', st.instanceId, 60_000);
    const step = inst.steps.find((s) => s.stepId === 'greet')!;
    assert.equal(inst.status, 'SUCCEEDED', `${inst.error} ${step.error}`);
    assert.equal(existsSync(marker), false, 'a value ran as shell code');
    assert.equal(fromParamValue(step.outputs.env), HOSTILE);
    assert.equal(fromParamValue(step.outputs.spliced), HOSTILE);
  });

  test('a value with NUL fails the step before anything runs', async () => {
    await push(env.clients, {
      id: 'safety.nul',
      params: { v: { value: 'x', type: 'STRING' } },
      steps: [
        {
          step: {
            id: 'greet',
            type: 'Shell',
            params: { script: { value: 'echo "${v}"', type: 'STRING' } },
          },
        },
      ],
    });
    const st = await env.clients.scheduler.startWorkflow({
      workflowId: 'safety.nul',
      runParams: toParamMap({ v: `a\0$(touch ${marker})` }),
    });
    const inst = await waitEnd(env.clients, 'safety.nul', st.instanceId, 60_000);
    assert.equal(inst.status, 'FAILED');
    const step = inst.steps.find((s) => s.stepId === 'greet')!;
    assert.match(step.error, /NUL/);
    assert.equal(existsSync(marker), false);
  });

  test('issue 10 probe: a step cannot read the service environment (MONGODB_URL) and is not root', async () => {
    await push(env.clients, {
      id: 'safety.environ',
      steps: [
        {
          step: {
            id: 'probe',
            type: 'Shell',
            params: {
              script: {
                // `$$` is a literal `$` (Maestro interpolation).
                value: [
                  'found=false; grep -l -s MONGODB_URL /proc/*/environ >/dev/null && found=true',
                  'parent=false; cat "/proc/$$PPID/environ" >/dev/null 2>&1 && parent=true',
                  'echo "{\\"uid\\": $(id -u), \\"found\\": $$found, \\"parent\\": $$parent}" > "$$BATON_OUTPUT_FILE"',
                ].join('\n'),
                type: 'STRING',
              },
            },
          },
        },
      ],
    });
    const st = await env.clients.scheduler.startWorkflow({ workflowId: 'safety.environ' });
    const inst = await waitEnd(env.clients, 'safety.environ', st.instanceId, 60_000);
    const step = inst.steps.find((s) => s.stepId === 'probe')!;
    assert.equal(inst.status, 'SUCCEEDED', `${inst.error} ${step.error}`);
    assert.notEqual(Number(fromParamValue(step.outputs.uid)), 0, 'user code ran as root');
    assert.equal(
      fromParamValue(step.outputs.found),
      false,
      'MONGODB_URL was readable in some /proc/*/environ',
    );
    assert.equal(fromParamValue(step.outputs.parent), false, "the parent's environ was readable");
  });
});
