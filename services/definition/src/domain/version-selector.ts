import { BatonError } from '@baton/kit';

/** How a request names a version: a number or one of Maestro's aliases. */
export type VersionSelector =
  | { kind: 'number'; version: number }
  | { kind: 'latest' }
  | { kind: 'active' }
  /** The active version if there is one, else the latest (Maestro's "default"). */
  | { kind: 'default' };

/** Parses "latest", "active", "default" (or empty) and positive integers; anything else is INVALID_ARGUMENT. */
export function parseVersionSelector(
  text: string,
  field = 'version',
  allowed = ['latest', 'active', 'default'],
): VersionSelector {
  const t = text.trim().toLowerCase();
  if (t === '' && allowed.includes('default')) return { kind: 'default' };
  if (/^[0-9]+$/.test(t)) {
    const version = Number(t);
    if (version >= 1 && Number.isSafeInteger(version)) return { kind: 'number', version };
  }
  if (allowed.includes(t)) return { kind: t as 'latest' | 'active' | 'default' };
  const expected = [...allowed.map((a) => `"${a}"`), 'a version number'].join(', ');
  throw BatonError.invalid(`invalid version selector ${JSON.stringify(text)}`, [
    { field, description: `must be ${expected}` },
  ]);
}
