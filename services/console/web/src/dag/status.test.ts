import { describe, expect, it } from '@jest/globals';
import { INSTANCE_STATUSES, STEP_STATUSES, isBlocking, isDecided, isFailureStatus } from '@baton/model';
import { countsByGroup, statusGroup } from './status';

describe('statusGroup', () => {
  it('colours every status of the model: failures red, success green, and never a failure otherwise', () => {
    for (const s of [...STEP_STATUSES, ...INSTANCE_STATUSES]) {
      const g = statusGroup(s);
      expect({ s, fail: g === 'fail' }).toEqual({ s, fail: isFailureStatus(s) });
      expect({ s, ok: g === 'ok' }).toEqual({ s, ok: s === 'SUCCEEDED' });
    }
  });

  it('never shows a terminal step as running', () => {
    for (const s of STEP_STATUSES)
      if (isDecided(s) || isBlocking(s)) expect({ s, g: statusGroup(s) }).not.toEqual({ s, g: 'active' });
    expect(statusGroup('RUNNING')).toBe('active');
    expect(statusGroup('WAITING_FOR_SIGNALS')).toBe('waiting');
    expect(statusGroup('SKIPPED')).toBe('passed');
    expect(statusGroup('STOPPED')).toBe('attention');
  });
});

describe('countsByGroup', () => {
  it('sums iteration counts (int64 strings) by group, ignoring junk', () => {
    expect(
      countsByGroup({
        SUCCEEDED: '950',
        USER_FAILED: '3',
        TIMED_OUT: 2,
        RUNNING: '40',
        CREATED: 'x',
        STOPPED: -1,
      }),
    ).toEqual({
      total: 995,
      groups: [
        ['ok', 950],
        ['fail', 5],
        ['active', 40],
      ],
    });
    expect(countsByGroup(undefined)).toEqual({ total: 0, groups: [] });
  });

  it("reads the scheduler's loop counters: total, running, succeeded, failed, stopped", () => {
    expect(
      countsByGroup({
        total: '1000',
        launched: '700',
        running: '100',
        succeeded: '550',
        failed: '40',
        stopped: '10',
      }),
    ).toEqual({
      total: 1000,
      groups: [
        ['ok', 550],
        ['fail', 40],
        ['active', 100],
        ['attention', 10],
        ['passed', 300],
      ],
    });
    expect(countsByGroup({ total: '5', succeeded: 'x' })).toEqual({ total: 5, groups: [['passed', 5]] });
  });
});
