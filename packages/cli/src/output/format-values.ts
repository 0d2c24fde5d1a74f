/** `2025-01-02 03:04:05Z`: UTC, to the second, the same on every machine. */
export function formatTime(d: Date | undefined): string {
  if (!d || Number.isNaN(d.getTime())) return '-';
  return `${d.toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

/** int64 fields arrive as decimal strings; 0 means "none" in several of them. */
export function versionOrNone(v: string | undefined): string {
  return !v || v === '0' ? 'none' : v;
}

export function listOrDash(values: readonly string[]): string {
  return values.length === 0 ? '-' : values.join(',');
}

/** `label  value` lines with the labels padded to one width. */
export function formatFields(fields: Array<[string, string | undefined]>): string {
  const shown = fields.filter(([, v]) => v !== undefined && v !== '');
  const width = Math.max(0, ...shown.map(([k]) => k.length));
  return shown.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n');
}
