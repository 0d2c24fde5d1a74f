import type { EvalContext } from '../context';
import { selEquals } from '../equality';
import { SelError } from '../errors';
import { SelArray, SelMap, type Value, kindOf } from '../values';
import { type MethodSpec, argInt, m, table } from './registry';

export function arrayGet(arr: SelArray, i: number): Value {
  if (i < 0 || i >= arr.items.length) {
    throw new SelError(
      'RUNTIME',
      `ArrayIndexOutOfBoundsException: Index ${i} out of bounds for length ${arr.items.length}`,
    );
  }
  return arr.items[i];
}

export const ARRAY_METHODS: ReadonlyMap<string, MethodSpec> = table({
  size: m(0, 0, 'int', (_c, a: SelArray) => a.items.length),
  length: m(0, 0, 'int', (_c, a: SelArray) => a.items.length),
  isEmpty: m(0, 0, 'boolean', (_c, a: SelArray) => a.items.length === 0),
  contains: m(1, 1, 'boolean', (c, a: SelArray, x) => {
    c.tick(a.items.length >> 4);
    return a.items.some((v) => selEquals(v, x[0]));
  }),
  indexOf: m(1, 1, 'int', (c, a: SelArray, x) => {
    c.tick(a.items.length >> 4);
    return a.items.findIndex((v) => selEquals(v, x[0]));
  }),
  get: m(1, 1, 'Object', (_c, a: SelArray, x) => arrayGet(a, argInt(x[0], 'get'))),
});

export function mapKey(v: Value): string {
  if (typeof v === 'string') return v;
  throw new SelError('TYPE', `Map keys must be String, got ${kindOf(v)}`);
}

function put(c: EvalContext, mp: SelMap, k: string, v: Value): Value {
  if (!mp.map.has(k)) c.size(mp.map.size + 1, 'map');
  const old = mp.map.get(k);
  mp.map.set(k, v);
  return old ?? null;
}

export const MAP_METHODS: ReadonlyMap<string, MethodSpec> = table({
  put: m(2, 2, 'Object', (c, mp: SelMap, a) => put(c, mp, mapKey(a[0]), a[1])),
  putIfAbsent: m(2, 2, 'Object', (c, mp: SelMap, a) => {
    const k = mapKey(a[0]);
    const cur = mp.map.get(k);
    if (cur !== undefined && cur !== null) return cur;
    return put(c, mp, k, a[1]);
  }),
  get: m(1, 1, 'Object', (_c, mp: SelMap, a) =>
    typeof a[0] === 'string' ? (mp.map.get(a[0]) ?? null) : null,
  ),
  getOrDefault: m(2, 2, 'Object', (_c, mp: SelMap, a) => {
    const v = typeof a[0] === 'string' ? mp.map.get(a[0]) : undefined;
    return v === undefined ? a[1] : v;
  }),
  containsKey: m(1, 1, 'boolean', (_c, mp: SelMap, a) => typeof a[0] === 'string' && mp.map.has(a[0])),
  containsValue: m(1, 1, 'boolean', (_c, mp: SelMap, a) =>
    [...mp.map.values()].some((v) => selEquals(v, a[0])),
  ),
  remove: m(1, 1, 'Object', (_c, mp: SelMap, a) => {
    if (typeof a[0] !== 'string') return null;
    const old = mp.map.get(a[0]) ?? null;
    mp.map.delete(a[0]);
    return old;
  }),
  size: m(0, 0, 'int', (_c, mp: SelMap) => mp.map.size),
  isEmpty: m(0, 0, 'boolean', (_c, mp: SelMap) => mp.map.size === 0),
  clear: m(0, 0, 'void', (_c, mp: SelMap) => {
    mp.map.clear();
    return null;
  }),
  keySet: m(0, 0, 'String[]', (_c, mp: SelMap) => new SelArray('String', [...mp.map.keys()])),
  values: m(0, 0, 'Object[]', (_c, mp: SelMap) => new SelArray('Object', [...mp.map.values()])),
  putAll: m(1, 1, 'void', (c, mp: SelMap, a) => {
    if (!(a[0] instanceof SelMap)) throw new SelError('TYPE', `putAll needs a Map, got ${kindOf(a[0])}`);
    for (const [k, v] of a[0].map) put(c, mp, k, v);
    return null;
  }),
});
