import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { readStepRuntimeConfig } from './config.js';

describe('step-runtime config: retention settings', () => {
  test('defaults: 30 days for logs and claims, hourly sweeps', () => {
    const cfg = readStepRuntimeConfig({});
    assert.equal(cfg.logRetentionDays, 30);
    assert.equal(cfg.attemptRetentionDays, 30);
    assert.equal(cfg.retentionSweepMs, 3_600_000);
  });

  test('0 keeps forever; fractions of a day are allowed', () => {
    const cfg = readStepRuntimeConfig({ STEP_LOG_RETENTION_DAYS: '0', STEP_ATTEMPT_RETENTION_DAYS: '0.5' });
    assert.equal(cfg.logRetentionDays, 0);
    assert.equal(cfg.attemptRetentionDays, 0.5);
  });

  test('garbage is refused at start-up, every bad setting named', () => {
    assert.throws(
      () =>
        readStepRuntimeConfig({
          STEP_LOG_RETENTION_DAYS: 'thirty',
          STEP_ATTEMPT_RETENTION_DAYS: '-1',
          STEP_RETENTION_SWEEP_MS: '5',
        }),
      (err: Error) =>
        err.name === 'ConfigError' &&
        /STEP_LOG_RETENTION_DAYS="thirty": expected a number from 0 to 36500/.test(err.message) &&
        /STEP_ATTEMPT_RETENTION_DAYS="-1"/.test(err.message) &&
        /STEP_RETENTION_SWEEP_MS="5"/.test(err.message),
    );
    assert.throws(
      () => readStepRuntimeConfig({ STEP_LOG_RETENTION_DAYS: 'Infinity' }),
      /STEP_LOG_RETENTION_DAYS/,
    );
  });
});
