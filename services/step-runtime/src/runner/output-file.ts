import { Buffer } from 'node:buffer';
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';

/** Keys the runner reads from the output file; every other `baton_` key is an error. */
export const RESERVED_OUTPUT_KEYS = ['baton_retryable', 'baton_error', 'baton_signals'] as const;

export type OutputRead =
  | { ok: true; outputs: Record<string, unknown>; retryable: boolean; userError?: string }
  | { ok: false; error: string };

const MAX_USER_ERROR_CHARS = 4096;

/** A file user code left in its control dir, read without trusting it. */
export type FileRead = { kind: 'absent' } | { kind: 'ok'; data: Buffer } | { kind: 'bad'; why: string };

/**
 * Reads a file user code wrote, after its process group is gone. It must be a regular file (a FIFO
 * or a symlink to /dev/zero would hang or flood us; a symlink to a file of ours would leak it) of at
 * most `maxBytes`.
 */
export async function readUserFile(path: string, maxBytes: number): Promise<FileRead> {
  try {
    const file = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    try {
      const stat = await file.stat();
      if (!stat.isFile()) return { kind: 'bad', why: 'is not a regular file' };
      if (stat.size > maxBytes)
        return { kind: 'bad', why: `is ${stat.size} bytes; the limit is ${maxBytes}` };
      const buffer = Buffer.alloc(maxBytes + 1);
      const { bytesRead } = await file.read(buffer, 0, buffer.length, 0);
      if (bytesRead > maxBytes) return { kind: 'bad', why: `is over the limit of ${maxBytes} bytes` };
      return { kind: 'ok', data: buffer.subarray(0, bytesRead) };
    } finally {
      await file.close();
    }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { kind: 'absent' };
    if (code === 'ELOOP') return { kind: 'bad', why: 'must not be a symlink' };
    return { kind: 'bad', why: `could not be read: ${(err as Error).message}` };
  }
}

/** Reads BATON_OUTPUT_FILE (see readUserFile). Absent or blank = no outputs; else one JSON object. */
export async function readOutputFile(path: string, maxBytes: number): Promise<OutputRead> {
  const r = await readUserFile(path, maxBytes);
  if (r.kind === 'absent') return { ok: true, outputs: {}, retryable: true };
  if (r.kind === 'bad') return { ok: false, error: `output file (BATON_OUTPUT_FILE) ${r.why}` };
  return parseOutputs(r.data.toString('utf8'));
}

/** Parses the output file's text and separates the reserved keys from the output params. */
export function parseOutputs(text: string): OutputRead {
  if (text.trim() === '') return { ok: true, outputs: {}, retryable: true };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return {
      ok: false,
      error: `output file (BATON_OUTPUT_FILE) is not valid JSON: ${(err as Error).message}`,
    };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
    return { ok: false, error: `output file (BATON_OUTPUT_FILE) must hold a JSON object, not ${kind}` };
  }
  const outputs: Record<string, unknown> = {};
  let retryable = true;
  let userError: string | undefined;
  for (const [key, v] of Object.entries(value)) {
    if (key === 'baton_retryable') {
      if (typeof v !== 'boolean')
        return { ok: false, error: 'output "baton_retryable" must be true or false' };
      retryable = v;
    } else if (key === 'baton_error') {
      if (typeof v !== 'string') return { ok: false, error: 'output "baton_error" must be a string' };
      userError = v.length > MAX_USER_ERROR_CHARS ? `${v.slice(0, MAX_USER_ERROR_CHARS)}…` : v;
    } else if (key === 'baton_signals') {
      // Signals to publish when the step succeeds; the scheduler checks each and publishes them.
      // They travel as one MAP output (a list of objects has no ParamValue form of its own).
      if (!Array.isArray(v)) return { ok: false, error: 'output "baton_signals" must be a list of signals' };
      Object.defineProperty(outputs, key, {
        value: { signals: v },
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else if (key.startsWith('baton_')) {
      return {
        ok: false,
        error: `output "${key}" uses the reserved prefix baton_ (known: ${RESERVED_OUTPUT_KEYS.join(', ')})`,
      };
    } else {
      // defineProperty, not assignment: a "__proto__" key must stay data, not become the prototype.
      Object.defineProperty(outputs, key, { value: v, enumerable: true, writable: true, configurable: true });
    }
  }
  return { ok: true, outputs, retryable, userError };
}
