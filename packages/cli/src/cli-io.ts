/** A place the CLI writes to: process.stdout/stderr, or a capture in tests. */
export interface OutStream {
  write(chunk: string): unknown;
  /** Colours and prompts only happen on a terminal. */
  isTTY?: boolean;
}

/**
 * Everything the CLI touches outside itself, so that `runCli` can run inside a
 * test (or another program) without exiting the process or reading its globals.
 */
export interface CliIo {
  stdout: OutStream;
  stderr: OutStream;
  /** Read by `push -` and friends, and by the delete confirmation. Default: none (treated as empty). */
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
  /** Environment for BATON_*_ADDR, BATON_USER and NO_COLOR. Default: `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Directory that relative file arguments are read from. Default: `process.cwd()`. */
  cwd?: string;
  /** Aborted on Ctrl-C: streaming commands end their streams with it. Default: none. */
  signal?: AbortSignal;
}
