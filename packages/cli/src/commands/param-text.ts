import type { ParamValue } from '@baton/proto';

// Parameter values as text, for run params, step outputs and signal params alike.

/** A ParamValue as text: strings quoted, numbers and booleans bare, arrays and maps as JSON. */
export function paramText(pv: ParamValue | undefined): string {
  const k = pv?.kind;
  if (!k) return '-';
  switch (k.$case) {
    case 'stringValue':
      return JSON.stringify(k.value);
    case 'longValue':
    case 'doubleValue':
    case 'booleanValue':
      return String(k.value);
    case 'stringArray':
      return JSON.stringify(k.value.values);
    case 'longArray':
      return `[${k.value.values.join(', ')}]`;
    case 'doubleArray':
    case 'booleanArray':
      return JSON.stringify(k.value.values);
    case 'stringMap':
      return JSON.stringify(k.value.values);
    case 'mapValue':
      return JSON.stringify(k.value ?? {});
  }
}

/** Indented `name  value` lines, names padded to one width; undefined without params. */
export function paramLines(params: Record<string, ParamValue>): string | undefined {
  const names = Object.keys(params).sort();
  if (names.length === 0) return undefined;
  const width = Math.max(...names.map((n) => n.length));
  return names.map((n) => `  ${n.padEnd(width)}  ${paramText(params[n])}`).join('\n');
}
