import { JDouble, type Value } from './values';

/**
 * Java `==` as SEL defines it: numbers compare by value across int/long/double, strings by
 * content (as Maestro's SEL does), everything else by identity.
 */
export function selEquals(a: Value, b: Value): boolean {
  if (a === b) return true;
  const ta = typeof a;
  const tb = typeof b;
  if ((ta === 'number' || ta === 'bigint') && (tb === 'number' || tb === 'bigint')) {
    // biome-ignore lint/suspicious/noDoubleEquals: loose equality compares number and bigint exactly
    return a == b;
  }
  if (a instanceof JDouble) {
    if (b instanceof JDouble) return a.v === b.v;
    // biome-ignore lint/suspicious/noDoubleEquals: number/bigint exact comparison
    return (tb === 'number' || tb === 'bigint') && a.v == (b as number | bigint);
  }
  if (b instanceof JDouble) return selEquals(b, a);
  return false;
}
