import { createInterface } from 'node:readline/promises';
import type { CliIo } from '../cli-io';

/**
 * Asks a yes/no question on the terminal; false unless the answer starts with y.
 * Returns undefined when there is no terminal to ask on, so that scripts must
 * say --yes instead of hanging on a prompt nobody sees.
 */
export async function confirm(io: CliIo, question: string): Promise<boolean | undefined> {
  if (!io.stdin?.isTTY || !io.stderr.isTTY) return undefined;
  const rl = createInterface({ input: io.stdin, output: io.stderr as NodeJS.WritableStream });
  try {
    return /^y/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}
