import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { findRepoRoot, waitFor } from '@baton/testing';
import { type Browser, chromium, type Page } from 'playwright-core';
import { useStack } from '../support/stack';

// The console in a real browser: Debian's Chromium driven by playwright-core against the console
// and a whole hermetic stack. Each scenario of issue 16's "Done when" acts through the pages and
// waits for what the page shows (selectors and text, with deadlines); a screenshot of each lands in
// test-results/console/.

const CHROMIUM = process.env.BATON_CHROMIUM ?? '/usr/bin/chromium';
const SHOTS = join(findRepoRoot(), 'test-results', 'console');
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium)
  console.warn(`console browser tests skipped: no Chromium at ${CHROMIUM} (apt-get install chromium)`);

const env = useStack({ console: true });
let browser: Browser | undefined;
let page: Page;
/** Errors the page logged (a CSP refusal, an exception): none are expected. */
const pageErrors: string[] = [];

async function push(workflow: Record<string, unknown>, properties?: Record<string, unknown>): Promise<void> {
  await env.clients.definition.pushWorkflow({
    definitionJson: JSON.stringify({ ...(properties ? { properties } : {}), workflow }),
    user: 'console-test',
  });
}

async function open(path: string): Promise<void> {
  await page.goto(`${consoleUrl()}${path}`);
}

function consoleUrl(): string {
  assert.ok(env.stack.consoleUrl, 'the console is running');
  return env.stack.consoleUrl;
}

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

/** The run page's status badge (beside the title). */
const runStatus = () => page.locator('.title-right .badge');

(haveChromium ? describe : describe.skip)('console in Chromium', () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      // Chromium refuses its sandbox to root (CI containers run as root).
      args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(20_000);
    page.on('pageerror', (err) => pageErrors.push(`pageerror: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error') pageErrors.push(`console: ${msg.text()}`);
    });
  });
  afterAll(async () => {
    await browser?.close();
  });

  test('a pushed workflow is found, started from its page with params, and reaches SUCCEEDED live', async () => {
    await push(
      {
        id: 'console.hello',
        params: {
          greeting: { value: 'hello', type: 'STRING' },
          times: { value: 1, type: 'LONG' },
        },
        steps: [
          {
            step: {
              id: 'nap',
              type: 'Sleep',
              params: { sleep_seconds: { value: 2, type: 'LONG' } },
              transition: { successors: { greet: 'true' } },
            },
          },
          {
            step: {
              id: 'greet',
              type: 'Shell',
              params: { script: { value: 'echo "${greeting} x${times}"', type: 'STRING' } },
            },
          },
        ],
      },
      { owner: 'console-test', run_strategy: 'parallel' },
    );
    await open('/workflows?q=console.');
    await page.getByRole('link', { name: 'console.hello' }).click();
    await page.getByRole('heading', { name: /console\.hello/ }).waitFor();
    await page.getByRole('link', { name: 'Runs and start' }).click();
    await page.getByRole('button', { name: 'Start run' }).click();
    const form = page.locator('form[aria-label="start run"]');
    await form.locator('#param-greeting').fill('bonjour');
    await form.locator('#param-times').fill('3');
    await form.getByRole('button', { name: 'Start', exact: true }).click();
    await page.waitForURL(/\/runs\/console\.hello%3A1%3A1$/);
    // Started with a 2 s nap: the page shows it running, then — from the watch, no reload — done.
    await runStatus()
      .filter({ hasText: /^(IN_PROGRESS|SUCCEEDED)$/ })
      .waitFor();
    await runStatus()
      .filter({ hasText: /^SUCCEEDED$/ })
      .waitFor({ timeout: 30_000 });
    await page.locator('.step-row[data-step="greet"]').getByText('SUCCEEDED').waitFor();
    // Playwright's innerText (the text as laid out: cells apart), not the DOM property.
    // biome-ignore lint/performance/useDomNodeTextContent: a Playwright locator method
    const params = await page.locator('table.params').first().innerText();
    assert.match(params, /greeting\s+STRING\s+"bonjour"/);
    assert.match(params, /times\s+LONG\s+3/);
    await page.locator('[data-testid="step-counts"]').getByText('SUCCEEDED 2').waitFor();
    // The DAG is drawn (canvas) with a focusable box per step; clicking one opens its step.
    await page.locator('.dag[data-state="drawn"]').waitFor();
    await shot('1-started-and-succeeded');
    await page.locator('button[data-step="greet"]').click();
    await page.waitForURL(/\/runs\/console\.hello%3A1%3A1\/steps\/greet$/);
    // The log of the greeting, as the step printed it.
    await page.locator('[data-testid="log"]').getByText('bonjour x3').waitFor();
  });

  test("a failed step's log is open, and restarting the run from the step's page succeeds", async () => {
    await push({
      id: 'console.flaky',
      steps: [
        {
          step: {
            id: 'flaky',
            type: 'Shell',
            retry_policy: { error_retry_limit: 0 },
            params: {
              script: {
                // Fails on run 1, succeeds on run 2 (no `$`: params are interpolated into scripts).
                value: [
                  "printenv BATON_RUN_ID | sed 's/^/working on run /'",
                  "printenv BATON_RUN_ID | sed 's/^/boom on run /' >&2",
                  'printenv BATON_RUN_ID | grep -qx 2',
                ].join('\n'),
                type: 'STRING',
              },
            },
          },
        },
      ],
    });
    await env.clients.scheduler.startWorkflow({ workflowId: 'console.flaky', requestId: 'console-flaky-1' });
    await open('/runs/console.flaky%3A1%3A1');
    await runStatus()
      .filter({ hasText: /^FAILED$/ })
      .waitFor({ timeout: 30_000 });
    await page.locator('.step-row[data-step="flaky"]').getByRole('link', { name: 'flaky' }).click();
    await page.waitForURL(/\/runs\/console\.flaky%3A1%3A1\/steps\/flaky$/);
    const log = page.locator('[data-testid="log"]');
    await log.getByText('boom on run 1').waitFor();
    await log.getByText('working on run 1').waitFor();
    await page.locator('[data-testid="attempts"]').getByText('USER_FAILED').waitFor();
    await shot('2-failed-step-log');
    await page.getByRole('button', { name: 'Restart run from failed' }).click();
    await page.getByRole('button', { name: 'Yes, restart run from failed' }).click();
    await page.waitForURL(/\/runs\/console\.flaky%3A1%3A2\/steps\/flaky$/);
    await page
      .locator('.title-right .badge')
      .filter({ hasText: /^SUCCEEDED$/ })
      .waitFor({ timeout: 30_000 });
    await page.locator('[data-testid="log"]').getByText('working on run 2').waitFor();
    await shot('3-restarted-step-succeeded');
  });

  test('a foreach of 250 iterations pages through the server and opens an iteration’s run', async () => {
    const values = Array.from({ length: 250 }, (_, i) => i + 1);
    await push({
      id: 'console.loop',
      steps: [
        {
          foreach: {
            id: 'each',
            concurrency: 100,
            params: { loop_params: { value: { n: { value: values, type: 'LONG_ARRAY' } }, type: 'MAP' } },
            steps: [{ step: { id: 'touch', type: 'NoOp' } }],
          },
        },
      ],
    });
    await env.clients.scheduler.startWorkflow({ workflowId: 'console.loop', requestId: 'console-loop-1' });
    await open('/runs/console.loop%3A1%3A1');
    await runStatus()
      .filter({ hasText: /^SUCCEEDED$/ })
      .waitFor({ timeout: 60_000 });
    await page.locator('[data-testid="step-counts"]').getByText('SUCCEEDED 250').waitFor();
    await page
      .locator('.step-row[data-step="each"]')
      .getByRole('link', { name: /iterations/ })
      .click();
    const table = page.locator('[data-testid="iterations"]');
    await table.locator('tr[data-index="0"]').waitFor();
    assert.equal(await table.locator('tbody tr').count(), 100);
    await page.getByRole('button', { name: 'Next page' }).click();
    await table.locator('tr[data-index="100"]').waitFor();
    assert.match(page.url(), /[?&]page=/);
    await page.getByRole('button', { name: 'Next page' }).click();
    await table.locator('tr[data-index="249"]').waitFor();
    assert.equal(await table.locator('tbody tr').count(), 50);
    assert.equal(await page.getByRole('button', { name: 'Next page' }).isDisabled(), true);
    // Back returns to the previous page (the token is in the URL).
    await page.goBack();
    await table.locator('tr[data-index="100"]').waitFor();
    await shot('4-foreach-iterations');
    await table.locator('tr[data-index="120"]').getByRole('link').click();
    await page.getByText(/iteration of/).waitFor();
    await runStatus()
      .filter({ hasText: /^SUCCEEDED$/ })
      .waitFor();
  });

  test('publishing a signal from the page starts a run of the workflow it triggers', async () => {
    await push({
      id: 'console.on_ping',
      params: { day: { value: 0, type: 'LONG' } },
      signal_triggers: [
        {
          definitions: { 'console/ping': { match_params: { rows: { value: 0, operator: '>' } } } },
          params: { day: { expression: "params.getFromSignal('console/ping', 'day')", type: 'LONG' } },
        },
      ],
      steps: [
        {
          step: {
            id: 'aggregate',
            type: 'Shell',
            params: { script: { value: 'echo "day ${day}"', type: 'STRING' } },
          },
        },
      ],
    });
    await open('/signals');
    const form = page.locator('form[aria-label="publish signal"]');
    // A bad param first: the service's field violation is shown as the CLI shows it.
    await form.locator('input[name="name"]').fill('console/ping');
    await form.locator('textarea[name="params"]').fill('{"ratio": 1.5}');
    await form.getByRole('button', { name: 'Publish' }).click();
    await form.locator('.error').getByText('params.ratio').waitFor();
    await form.locator('textarea[name="params"]').fill('{"day": 20240101, "rows": 5}');
    await form.getByRole('button', { name: 'Publish' }).click();
    await page.waitForURL(/\/signals\/console%2Fping\/1$/);
    await page.locator('table.params').getByText('20240101').waitFor();
    // The trigger fires asynchronously (the signal service decides); then the lineage shows it.
    await waitFor(
      async () =>
        ((await env.clients.signal.getSignalLineage({ name: 'console/ping', seq: '1' })).runs ?? []).length >
        0,
      { timeoutMs: 30_000, intervalMs: 200, what: 'console/ping #1 to start a run' },
    );
    // A reload of the deep link (the name's '/' is %2F in the path) shows the same page, now with
    // the run the trigger started.
    await page.reload();
    const lineage = page.locator('[data-testid="lineage"]');
    await lineage.getByText('STARTED').waitFor();
    await lineage.getByRole('link', { name: /console\.on_ping instance 1/ }).click();
    await runStatus()
      .filter({ hasText: /^SUCCEEDED$/ })
      .waitFor({ timeout: 30_000 });
    // The run names the signal instance that started it, linked.
    await page.getByRole('link', { name: 'console/ping #1' }).waitFor();
    // Playwright's innerText (the text as laid out: cells apart), not the DOM property.
    // biome-ignore lint/performance/useDomNodeTextContent: a Playwright locator method
    const params = await page.locator('table.params').first().innerText();
    assert.match(params, /day\s+LONG\s+20240101/);
    await shot('5-signal-started-run');
    // The list of the name's instances, filtered by a param.
    await open('/signals?name=console%2Fping&filter=rows%3E3');
    await page.locator('[data-testid="signals"]').getByRole('link', { name: '#1' }).waitFor();
  });

  test('no page logged an error (CSP refusals and exceptions included)', () => {
    assert.deepEqual(pageErrors, []);
  });
});
