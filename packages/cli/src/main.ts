#!/usr/bin/env node
import { runCli } from './run-cli';

// The `baton` executable: real streams and environment, Ctrl-C as an abort signal
// (streaming commands end cleanly; a second Ctrl-C exits at once).
const abort = new AbortController();
process.once('SIGINT', () => {
  abort.abort();
  process.once('SIGINT', () => process.exit(130));
});
runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  cwd: process.cwd(),
  signal: abort.signal,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`baton: unexpected failure: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exitCode = 1;
  },
);
