import { stringify } from 'yaml';
import { toJsonLine, toJsonText } from './json-text';

/** How a command prints: text tables, text with more columns, or the response as data. */
export type OutputFormat = 'text' | 'wide' | 'json' | 'yaml';
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['text', 'wide', 'json', 'yaml'];

/** A whole response: pretty JSON, or YAML made from that same JSON (the same fields and values). */
export function documentText(format: 'json' | 'yaml', value: unknown): string {
  if (format === 'json') return toJsonText(value);
  return stringify(JSON.parse(toJsonText(value)), { lineWidth: 0 }).trimEnd();
}

/** One record of a stream (watch, logs): a JSON line, or a YAML document starting with `---`. */
export function recordText(format: 'json' | 'yaml', value: unknown): string {
  if (format === 'json') return toJsonLine(value);
  return `---\n${documentText('yaml', value)}`;
}
