#!/usr/bin/env node
import { join } from 'node:path';
import { createLogger, EnvReader } from '@baton/kit';
import { connect } from '@baton/sdk';
import { CONSOLE_LIMITS, createConsoleServer } from './console-server';
import { hostPolicy } from './request-guard';
import { loadAssets } from './static-assets';

const env = new EnvReader();
const port = env.int('CONSOLE_PORT', 7400, 0, 65535);
const host = env.string('BATON_HOST', '127.0.0.1');
const allowedHosts = env.string('BATON_CONSOLE_HOSTS', '');
const maxOpenStreams = env.int('BATON_CONSOLE_MAX_STREAMS', CONSOLE_LIMITS.maxOpenStreams, 1, 100_000);
const level = env.string('LOG_LEVEL', 'info');
env.done();

const log = createLogger('console', level);
// The console calls the services as the browser's user: it forwards the user's own token and has
// none of its own, so BATON_TOKEN is not read (TLS settings and addresses are).
const { BATON_TOKEN: _ignored, ...serviceEnv } = process.env;
// A person is waiting on the page: a service that cannot be reached is said within about 2 s
// (5 attempts) instead of the SDK's 10 s default, long enough to ride out a restarting pod.
const clients = connect({ env: serviceEnv, retry: { maxAttempts: 5 } });
const server = createConsoleServer({
  clients,
  assets: loadAssets(join(__dirname, 'web')),
  hosts: hostPolicy(allowedHosts, host),
  log,
  limits: { maxOpenStreams },
});
server.listen(port, host, () => {
  const address = server.address();
  log.info({ address }, 'console listening');
});

function shutdown(): void {
  log.info('console stopping');
  server.close(() => {
    clients.close();
    process.exit(0);
  });
  // Open streams (watches, log tails) end with their sockets.
  server.closeAllConnections();
}
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
