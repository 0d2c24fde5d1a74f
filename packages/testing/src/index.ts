// @baton/testing: the hermetic environment for Baton's test suites and local stack.
// Starts FerretDB (our embedded launcher, SQLite backend) and redis-server as child processes on
// loopback ports with temp data dirs, waits until they answer, and guarantees no strays: every child
// runs in its own process group and is SIGKILLed when this process exits. startStack adds the four
// services as separate processes, as stack.json lists them.
export { freePort, waitFor, type WaitForOptions } from './wait';
export { killGroup, liveChildCount, startProc, stopProc, failure, type Proc } from './process';
export * from './ferret';
export * from './redis';
export * from './redis-cluster';
export * from './infra';
export * from './stack';
export * from './security';
export * from './sql-servers';
export * from './podman';
