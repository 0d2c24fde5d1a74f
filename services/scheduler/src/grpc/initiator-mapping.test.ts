import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { BatonError, type Principal, superPrincipal } from '@baton/kit';
import { type Initiator, InitiatorType, type ParamValue } from '@baton/proto';
import { callerInitiator, fromApiInitiator, toApiInitiator } from './initiator-mapping';

const T = Date.parse('2024-03-10T09:30:00Z');
const str = (value: string): ParamValue => ({ kind: { $case: 'stringValue', value } });
const long = (value: string): ParamValue => ({ kind: { $case: 'longValue', value } });
const init = (x: Partial<Initiator>): Initiator => ({
  type: InitiatorType.INITIATOR_TYPE_MANUAL,
  name: '',
  timezone: '',
  triggerId: '',
  signals: [],
  ...x,
});
const TIME = InitiatorType.INITIATOR_TYPE_TIME;
const SIGNAL = InitiatorType.INITIATOR_TYPE_SIGNAL;
const sig = (name: string, params: Record<string, ParamValue> = {}, seq = '1') => ({ name, seq, params });

describe('StartWorkflow initiator → name and trigger', () => {
  const ok: { name: string; in: Initiator | undefined; out: unknown }[] = [
    { name: 'none: a manual start', in: undefined, out: { name: 'manual' } },
    { name: 'MANUAL with a user', in: init({ name: 'alice' }), out: { name: 'alice' } },
    {
      name: 'UNSPECIFIED is manual',
      in: init({ type: InitiatorType.INITIATOR_TYPE_UNSPECIFIED }),
      out: { name: 'manual' },
    },
    {
      name: 'TIME',
      in: init({ type: TIME, triggerTime: new Date(T), timezone: 'America/Los_Angeles', triggerId: 'tt1' }),
      out: {
        name: 'time',
        trigger: { kind: 'TIME', triggerId: 'tt1', time: T, timezone: 'America/Los_Angeles' },
      },
    },
    {
      name: 'BACKFILL named by its backfill',
      in: init({
        type: InitiatorType.INITIATOR_TYPE_BACKFILL,
        name: 'bf-7',
        triggerTime: new Date(T),
        triggerId: 'tt1',
      }),
      out: { name: 'bf-7', trigger: { kind: 'BACKFILL', triggerId: 'tt1', time: T } },
    },
    {
      name: 'SIGNAL with STRING and LONG params',
      in: init({ type: SIGNAL, triggerId: 'st', signals: [sig('a', { k: str('v'), n: long('42') }, '9')] }),
      out: {
        name: 'signal',
        trigger: {
          kind: 'SIGNAL',
          triggerId: 'st',
          signals: [{ name: 'a', seq: 9, params: { k: 'v', n: 42 } }],
        },
      },
    },
  ];
  for (const c of ok) test(c.name, () => assert.deepEqual(fromApiInitiator(c.in), c.out));

  const bad: { name: string; in: Initiator; fields: string[] }[] = [
    {
      name: 'TIME without trigger_time',
      in: init({ type: TIME, triggerId: 'tt1' }),
      fields: ['initiator.trigger_time'],
    },
    {
      name: 'a time zone that is not IANA',
      in: init({ type: TIME, triggerTime: new Date(T), triggerId: 'tt1', timezone: 'Mars/Olympus' }),
      fields: ['initiator.timezone'],
    },
    {
      name: 'TIME without trigger_id',
      in: init({ type: TIME, triggerTime: new Date(T) }),
      fields: ['initiator.trigger_id'],
    },
    {
      name: 'a kind the scheduler sets itself',
      in: init({ type: InitiatorType.INITIATOR_TYPE_RESTART }),
      fields: ['initiator.type'],
    },
    { name: 'an unknown kind', in: init({ type: InitiatorType.UNRECOGNIZED }), fields: ['initiator.type'] },
    {
      name: 'MANUAL with trigger fields',
      in: init({ triggerTime: new Date(T), timezone: 'UTC', triggerId: 'x', signals: [sig('a')] }),
      fields: ['initiator.trigger_time', 'initiator.timezone', 'initiator.trigger_id', 'initiator.signals'],
    },
    {
      name: 'SIGNAL without signals',
      in: init({ type: SIGNAL, triggerId: 'st' }),
      fields: ['initiator.signals'],
    },
    {
      name: 'more than 8 signals',
      in: init({ type: SIGNAL, triggerId: 'st', signals: Array.from({ length: 9 }, (_, i) => sig(`s${i}`)) }),
      fields: ['initiator.signals'],
    },
    {
      name: 'bad signals: no name, negative seq, a DOUBLE param, a LONG beyond 2^53',
      in: init({
        type: SIGNAL,
        triggerId: 'st',
        signals: [
          sig(''),
          sig('b', {}, '-1'),
          sig('c', { d: { kind: { $case: 'doubleValue', value: 1.5 } }, big: long('9007199254740993') }),
        ],
      }),
      fields: [
        'initiator.signals[0].name',
        'initiator.signals[1].seq',
        'initiator.signals[2].params.d',
        'initiator.signals[2].params.big',
      ],
    },
    {
      name: 'a trigger time before 1970',
      in: init({ type: TIME, triggerTime: new Date(-1), triggerId: 'tt1' }),
      fields: ['initiator.trigger_time'],
    },
    { name: 'a name too long', in: init({ name: 'x'.repeat(257) }), fields: ['initiator.name'] },
  ];
  for (const c of bad) {
    test(`INVALID_ARGUMENT: ${c.name}`, () =>
      assert.throws(
        () => fromApiInitiator(c.in),
        (e: unknown) =>
          e instanceof BatonError &&
          e.code === 'INVALID_ARGUMENT' &&
          JSON.stringify(e.violations.map((v) => v.field)) === JSON.stringify(c.fields),
      ));
  }
});

describe('the caller decides who a start is recorded as', () => {
  const who = (kind: Principal['kind']) => superPrincipal(`${kind}:x`, kind);
  const manual = { name: 'alice' };
  const timed = {
    name: 'time',
    trigger: { kind: 'TIME' as const, triggerId: 'tt1', time: T, timezone: 'UTC' },
  };
  test('a token or a user is its own principal, whatever the request claims', () => {
    assert.deepEqual(callerInitiator(manual, who('token')), { name: 'token:x' });
    assert.deepEqual(callerInitiator(manual, who('user')), { name: 'user:x' });
  });
  test('dev mode and services keep the request initiator, trigger starts included', () => {
    assert.deepEqual(callerInitiator(manual, who('anonymous')), manual);
    assert.deepEqual(callerInitiator(timed, who('service')), timed);
    assert.deepEqual(callerInitiator(manual, undefined), manual);
  });
  test('a token holder cannot start a trigger run', () =>
    assert.throws(
      () => callerInitiator(timed, who('token')),
      (e: unknown) => e instanceof BatonError && e.code === 'PERMISSION_DENIED',
    ));
});

describe('run → API initiator', () => {
  const trigger = {
    kind: 'SIGNAL' as const,
    triggerId: 'st',
    time: T,
    signals: [{ name: 'a', seq: 3, params: { n: 1 } }],
  };
  const cases: {
    name: string;
    args: Parameters<typeof toApiInitiator>;
    type: InitiatorType;
    name2: string;
  }[] = [
    { name: 'a user', args: ['alice', undefined], type: InitiatorType.INITIATOR_TYPE_MANUAL, name2: 'alice' },
    {
      name: 'a restart',
      args: ['restart', undefined],
      type: InitiatorType.INITIATOR_TYPE_RESTART,
      name2: 'restart',
    },
    { name: 'a signal trigger', args: ['signal', trigger], type: SIGNAL, name2: 'signal' },
    {
      name: 'an iteration of a triggered run',
      args: ['signal', trigger, InitiatorType.INITIATOR_TYPE_FOREACH],
      type: InitiatorType.INITIATOR_TYPE_FOREACH,
      name2: 'signal',
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const out = toApiInitiator(...c.args);
      assert.deepEqual([out.type, out.name], [c.type, c.name2]);
    });
  }
  test('the trigger comes back whole', () => {
    assert.deepEqual(toApiInitiator('signal', trigger), {
      type: SIGNAL,
      name: 'signal',
      triggerTime: new Date(T),
      timezone: '',
      triggerId: 'st',
      signals: [{ name: 'a', seq: '3', params: { n: { kind: { $case: 'longValue', value: '1' } } } }],
    });
  });
});
