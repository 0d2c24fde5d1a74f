import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { waitFor } from '@baton/testing';
import { useStack } from '../support/stack';
import { baton, pushWorkflow } from './baton';

// `baton signal`, `triggers`, `backfill`, `lineage` and `step bypass-signals` as a user runs them:
// the real binary against the definition, scheduler and signal services.

const env = useStack({
  services: ['definition', 'scheduler', 'signal'],
  env: { SIGNAL_TRIGGER_SYNC_MS: '300' },
});

function ok(args: string[]): string {
  const r = baton(env, args);
  assert.equal(r.code, 0, `baton ${args.join(' ')}\n${r.out}\n${r.err}`);
  return r.out;
}

describe('baton: signals, triggers, backfill, lineage', () => {
  test('signal publish, get and list with --where; a repeat and a bad param', () => {
    assert.match(
      ok([
        'signal',
        'publish',
        'cli/landed',
        '--param',
        'date=20240101',
        '--param',
        'region=eu',
        '--payload',
        '{"rows": 3}',
        '--request-id',
        'x1',
      ]),
      /published cli\/landed #1/,
    );
    ok(['signal', 'publish', 'cli/landed', '--param', 'date=20240102', '--param', 'region=us']);
    assert.match(
      ok(['signal', 'publish', 'cli/landed', '--param', 'date=1', '--request-id', 'x1']),
      /#1 already published/,
    );
    const got = JSON.parse(ok(['--json', 'signal', 'get', 'cli/landed', '1']));
    assert.deepEqual(got.signal.payload, { rows: 3 });
    const listed = ok(['signal', 'list', 'cli/landed', '--where', 'date>=20240102']);
    assert.match(listed, /20240102/);
    assert.doesNotMatch(listed, /20240101/);
    const bad = baton(env, ['signal', 'publish', 'cli/landed', '--param', 'ratio=1.5']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.err, /ratio/);
  });

  test('triggers shows the next fire times; backfill --wait runs them; lineage of a signal-started run', async () => {
    pushWorkflow(env, {
      id: 'cli.cron',
      time_triggers: [{ type: 'CRON', cron: '0 6 * * *', timezone: 'America/Los_Angeles' }],
      signal_triggers: [{ definitions: { 'cli/go': {} } }],
      steps: [{ step: { id: 'a', type: 'NoOp' } }],
    });
    const t = ok(['triggers', 'cli.cron', '--next', '3']);
    assert.match(t, /06:00:00-0[78]:00/, t);
    assert.match(t, /cli\/go/);
    const b = ok(['backfill', 'cli.cron', '--from', '2024-03-09', '--to', '2024-03-11T23:00', '--wait']);
    assert.match(b, /3 started, 3 ended of 3/, b);
    ok(['signal', 'publish', 'cli/go']);
    await waitFor(() => /STARTED/.test(baton(env, ['lineage', 'signal', 'cli/go', '1']).out), {
      timeoutMs: 20_000,
      intervalMs: 200,
      what: 'cli/go #1 to start a run',
    });
  });
});
