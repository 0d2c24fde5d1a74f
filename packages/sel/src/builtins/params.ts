import type { EvalContext } from '../context';
import { SelError } from '../errors';
import { type HostValue, fromHost } from '../host';
import type { Value } from '../values';
import { type MethodSpec, argString, m, table } from './registry';

/**
 * The `params` object. Every host call is wrapped: host exceptions become PARAM errors that
 * carry only the message, and results are deep-copied into SEL values.
 */
export function callHost(
  ctx: EvalContext,
  what: string,
  f: () => HostValue,
  optional = false,
): Value | undefined {
  ctx.tick();
  let v: HostValue;
  try {
    v = f();
  } catch (e) {
    if (e instanceof SelError) throw e;
    const msg = e instanceof Error ? e.message : String(e);
    throw new SelError('PARAM', `${what} failed: ${msg.slice(0, 500)}`);
  }
  if (v === undefined) {
    if (optional) return undefined;
    throw new SelError('PARAM', `${what}: not found`);
  }
  return fromHost(v, ctx.limits, what);
}

function need<K extends keyof import('../host').ParamHost>(ctx: EvalContext, k: K, what: string) {
  const f = ctx.host[k];
  if (typeof f !== 'function') throw new SelError('PARAM', `${what} is not available in this context`);
  return f;
}

/** Bare identifiers: a param, else `step__param` as params.getFromStep(step, param). */
export function lookupName(ctx: EvalContext, name: string): Value | undefined {
  const cached = ctx.params.get(name);
  if (cached !== undefined) return cached;
  const v = fetchParam(ctx, name);
  if (v !== undefined) ctx.params.set(name, v);
  return v;
}

/** One copy per evaluation, so `m.put(...)` on a param map is seen by later reads of `m`. */
function fetchParam(ctx: EvalContext, name: string): Value | undefined {
  const v = callHost(ctx, `param ${name}`, () => ctx.host.get(name), true);
  if (v !== undefined) return v;
  const i = name.indexOf('__');
  if (i > 0 && i < name.length - 2 && typeof ctx.host.getFromStep === 'function') {
    const step = name.slice(0, i);
    const param = name.slice(i + 2);
    return callHost(
      ctx,
      `params.getFromStep('${step}', '${param}')`,
      () => ctx.host.getFromStep?.(step, param),
      true,
    );
  }
  return undefined;
}

export function paramsGet(ctx: EvalContext, key: Value): Value {
  const name = argString(key, 'params.get');
  const cached = ctx.params.get(name);
  if (cached !== undefined) return cached;
  const v = callHost(ctx, `params.get('${name}')`, () => ctx.host.get(name), true);
  if (v === undefined) return null;
  ctx.params.set(name, v);
  return v;
}

export const PARAMS_METHODS: ReadonlyMap<string, MethodSpec> = table({
  get: m(1, 1, 'Object', (c, _s, a) => paramsGet(c, a[0])),
  containsKey: m(1, 1, 'boolean', (c, _s, a) => {
    const name = argString(a[0], 'params.containsKey');
    c.tick();
    try {
      return c.host.has ? c.host.has(name) === true : c.host.get(name) !== undefined;
    } catch (e) {
      throw new SelError(
        'PARAM',
        `params.containsKey('${name}') failed: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
  }),
  getFromStep: m(1, 2, 'Object', (c, _s, a) => {
    if (a.length === 1) {
      const name = argString(a[0], 'params.getFromStep');
      const f = need(c, 'getFromCurrentStep', 'params.getFromStep(name) for the current step');
      return callHost(c, `params.getFromStep('${name}')`, () => f.call(c.host, name)) as Value;
    }
    const step = argString(a[0], 'params.getFromStep');
    const name = argString(a[1], 'params.getFromStep');
    const f = need(c, 'getFromStep', 'params.getFromStep');
    return callHost(c, `params.getFromStep('${step}', '${name}')`, () => f.call(c.host, step, name)) as Value;
  }),
  getFromSignal: m(1, 2, 'Object', (c, _s, a) => {
    if (a.length === 1) {
      const p = argString(a[0], 'params.getFromSignal');
      const f = need(c, 'getFromFirstSignal', 'params.getFromSignal(param) without a signal name');
      return callHost(c, `params.getFromSignal('${p}')`, () => f.call(c.host, p)) as Value;
    }
    const [s, p] = [argString(a[0], 'params.getFromSignal'), argString(a[1], 'params.getFromSignal')];
    const f = need(c, 'getFromSignal', 'params.getFromSignal');
    return callHost(c, `params.getFromSignal('${s}', '${p}')`, () => f.call(c.host, s, p)) as Value;
  }),
  getFromSignalOrDefault: m(3, 3, 'Object', (c, _s, a) => {
    const [s, p] = [
      argString(a[0], 'params.getFromSignalOrDefault'),
      argString(a[1], 'params.getFromSignalOrDefault'),
    ];
    const f = c.host.getFromSignal;
    if (typeof f !== 'function') return a[2];
    try {
      return callHost(c, `params.getFromSignal('${s}', '${p}')`, () => f.call(c.host, s, p)) as Value;
    } catch (e) {
      if (e instanceof SelError && e.code.startsWith('LIMIT_')) throw e;
      return a[2];
    }
  }),
  getFromSignalDependency: m(2, 2, 'Object', (c, _s, a) => {
    const [s, p] = [
      argString(a[0], 'params.getFromSignalDependency'),
      argString(a[1], 'params.getFromSignalDependency'),
    ];
    const f = need(c, 'getFromSignalDependency', 'params.getFromSignalDependency');
    return callHost(c, `params.getFromSignalDependency('${s}', '${p}')`, () => f.call(c.host, s, p)) as Value;
  }),
  getFromForeach: m(3, 3, 'Object', (c, _s, a) => {
    const [x, y, z] = a.map((v, i) => argString(v, `params.getFromForeach argument ${i + 1}`));
    const f = need(c, 'getFromForeach', 'params.getFromForeach');
    return callHost(c, `params.getFromForeach('${x}', '${y}', '${z}')`, () =>
      f.call(c.host, x, y, z),
    ) as Value;
  }),
  getFromSubworkflow: m(3, 3, 'Object', (c, _s, a) => {
    const [x, y, z] = a.map((v, i) => argString(v, `params.getFromSubworkflow argument ${i + 1}`));
    const f = need(c, 'getFromSubworkflow', 'params.getFromSubworkflow');
    return callHost(c, `params.getFromSubworkflow('${x}', '${y}', '${z}')`, () =>
      f.call(c.host, x, y, z),
    ) as Value;
  }),
  getFromInstance: m(1, 1, 'Object', (c, _s, a) => {
    const name = argString(a[0], 'params.getFromInstance');
    const f = need(c, 'getFromInstance', 'params.getFromInstance');
    return callHost(c, `params.getFromInstance('${name}')`, () => f.call(c.host, name)) as Value;
  }),
  nextUniqueId: m(0, 0, 'long', (c) => {
    const f = c.host.nextUniqueId;
    if (typeof f !== 'function') {
      const b = new BigUint64Array(1);
      crypto.getRandomValues(b);
      return BigInt.asIntN(64, b[0] >> 1n);
    }
    const v = callHost(c, 'params.nextUniqueId()', () => f.call(c.host));
    if (typeof v !== 'bigint') throw new SelError('PARAM', 'params.nextUniqueId() must return an integer');
    return v;
  }),
});
