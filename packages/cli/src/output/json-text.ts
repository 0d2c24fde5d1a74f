/**
 * JSON for --json output: the response exactly as the SDK returns it (camelCase
 * fields, int64 as decimal strings, timestamps as ISO-8601), pretty-printed.
 * bigints become decimal strings and bytes base64, which JSON.stringify cannot do.
 */
export function toJsonText(value: unknown): string {
  return JSON.stringify(
    value,
    function (this: Record<string, unknown>, key, v) {
      const original = this[key];
      if (original instanceof Uint8Array) return Buffer.from(original).toString('base64');
      if (typeof v === 'bigint') return v.toString();
      return v;
    },
    2,
  );
}
