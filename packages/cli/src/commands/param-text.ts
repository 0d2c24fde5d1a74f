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

/**
 * Indented `name  value` lines, names padded to one width; undefined without params. `omitted`
 * names values the server left out of its answer for size (over 64 KiB, or too many large ones
 * together): they are listed, not shown.
 */
export function paramLines(
  params: Record<string, ParamValue>,
  omitted: readonly string[] = [],
): string | undefined {
  const names = [...new Set([...Object.keys(params), ...omitted])].sort();
  if (names.length === 0) return undefined;
  const width = Math.max(...names.map((n) => n.length));
  const left = new Set(omitted);
  return names
    .map((n) => `  ${n.padEnd(width)}  ${left.has(n) ? '(too large to list here)' : paramText(params[n])}`)
    .join('\n');
}
