import { BatonError } from './errors';

/** Cursor tokens are opaque to clients: base64url JSON of the last key seen. */
export function pageToken(lastKey: unknown): string {
  return Buffer.from(JSON.stringify(lastKey)).toString('base64url');
}

export function readPageToken<T>(token: string, field = 'page_token'): T | undefined {
  if (!token) return undefined;
  try {
    return JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as T;
  } catch {
    throw BatonError.invalid('invalid page token', [
      { field, description: 'is not a token this service issued' },
    ]);
  }
}

/** Page sizes: 0 means the default; anything outside 1..max is an error, not silently clamped. */
export function pageSize(requested: number, field = 'page_size', def = 100, max = 1000): number {
  if (!requested) return def;
  if (!Number.isInteger(requested) || requested < 1 || requested > max) {
    throw BatonError.invalid(`page_size must be from 1 to ${max}`, [
      { field, description: `must be from 1 to ${max}` },
    ]);
  }
  return requested;
}
