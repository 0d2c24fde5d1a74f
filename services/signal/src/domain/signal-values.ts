/**
 * Signal param values: STRING or LONG only (Maestro's indexed signal params). A LONG is a 64-bit
 * integer, kept as a bigint so no value above 2^53 is rounded. In documents and decisions a value is
 * a tagged string (`S:text` or `L:123`): plain JSON, and the type survives the round trip.
 */
export type SignalValue = string | bigint;
export type SignalParams = Record<string, SignalValue>;
export type EncodedParams = Record<string, string>;

export function encodeValue(v: SignalValue): string {
  return typeof v === 'bigint' ? `L:${v}` : `S:${v}`;
}

export function decodeValue(s: string): SignalValue {
  return s.startsWith('L:') ? BigInt(s.slice(2)) : s.slice(2);
}

export function encodeParams(p: SignalParams): EncodedParams {
  const out: EncodedParams = {};
  for (const [k, v] of Object.entries(p)) out[k] = encodeValue(v);
  return out;
}

export function decodeParams(p: EncodedParams | undefined): SignalParams {
  const out: SignalParams = {};
  for (const [k, v] of Object.entries(p ?? {})) out[k] = decodeValue(v);
  return out;
}

/** Plain JSON for SEL hosts and run params: LONG as a number when exact, else as a bigint. */
export function hostValue(v: SignalValue): string | number | bigint {
  if (typeof v === 'string') return v;
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}
