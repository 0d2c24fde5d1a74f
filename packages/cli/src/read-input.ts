import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { CliUsageError } from './cli-errors';
import type { CliIo } from './cli-io';

/** The text of a file argument; `-` reads stdin. Unreadable files are usage errors. */
export async function readInput(path: string, io: CliIo): Promise<string> {
  if (path === '-') return readStream(io.stdin);
  try {
    return await readFile(resolve(io.cwd ?? process.cwd(), path), 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : String(err);
    throw new CliUsageError(`cannot read ${path}: ${why}`);
  }
}

/** Inline JSON when the argument looks like an object, else a file (or `-`). */
export async function readJsonArgument(arg: string, io: CliIo): Promise<string> {
  return arg.trimStart().startsWith('{') ? arg : readInput(arg, io);
}

async function readStream(stream: NodeJS.ReadableStream | undefined): Promise<string> {
  if (!stream) return '';
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}
