import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { type ParamHost, SelError, createParamHost, evaluate, validate } from './index';

// Two signals fired the trigger; `first` is the one the one-argument form reads.
const host = createParamHost({
  signals: { first: { region: 'us', seq: 3 }, second: { region: 'eu' } },
});

describe('params.getFromSignal: one and two arguments', () => {
  const cases: { src: string; want: unknown }[] = [
    { src: 'params.getFromSignal("second", "region")', want: 'eu' },
    { src: 'params.getFromSignal("first", "region")', want: 'us' },
    { src: 'params.getFromSignal("region")', want: 'us' },
    { src: 'params.getFromSignal("seq") + 1', want: 4n },
    { src: 'params.getFromSignalOrDefault("none", "region", "dflt")', want: 'dflt' },
  ];
  for (const c of cases)
    test(`${c.src} -> ${String(c.want)}`, () => assert.deepEqual(evaluate(c.src, host), c.want));

  const errors: { name: string; src: string; host: ParamHost; code: string; message: RegExp }[] = [
    {
      name: 'a param the first signal lacks',
      src: 'params.getFromSignal("nope")',
      host,
      code: 'PARAM',
      message: /getFromSignal\('nope'\): not found/,
    },
    {
      name: 'no signals at all',
      src: 'params.getFromSignal("region")',
      host: createParamHost({}),
      code: 'PARAM',
      message: /not found/,
    },
    {
      name: 'a host without getFromFirstSignal',
      src: 'params.getFromSignal("region")',
      host: { get: () => undefined, getFromSignal: () => 'x' },
      code: 'PARAM',
      message: /without a signal name is not available/,
    },
    {
      name: 'a non-string name',
      src: 'params.getFromSignal(5)',
      host,
      code: 'TYPE',
      message: /getFromSignal/,
    },
  ];
  for (const c of errors) {
    test(c.name, () =>
      assert.throws(
        () => evaluate(c.src, c.host),
        (e: unknown) => e instanceof SelError && e.code === c.code && c.message.test(e.message),
      ),
    );
  }

  const arity: { src: string; ok: boolean }[] = [
    { src: 'params.getFromSignal("p")', ok: true },
    { src: 'params.getFromSignal("s", "p")', ok: true },
    { src: 'params.getFromSignal()', ok: false },
    { src: 'params.getFromSignal("a", "b", "c")', ok: false },
  ];
  for (const c of arity)
    test(`validate ${c.src}: ${c.ok ? 'ok' : 'rejected'}`, () => assert.equal(validate(c.src).ok, c.ok));
});
