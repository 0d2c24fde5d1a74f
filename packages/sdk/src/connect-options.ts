import type { ClientOptions } from './client-options';
import type { ServiceName } from './service-addresses';

/** Options of `connect()`: where the four services are, and what all their clients share. */
export interface ConnectOptions extends Omit<ClientOptions, 'address'> {
  /**
   * `host:port` per service. Each one missing falls back to its env variable
   * (`BATON_DEFINITION_ADDR`, `BATON_SCHEDULER_ADDR`, `BATON_STEP_RUNTIME_ADDR`,
   * `BATON_SIGNAL_ADDR`), else to `127.0.0.1:7401`, `:7402`, `:7403`, `:7404`.
   */
  addresses?: Partial<Record<ServiceName, string>>;
  /**
   * Where the env fallbacks are read from (addresses; BATON_TOKEN; BATON_TLS_CA or BATON_TLS=on
   * for TLS). Default: `process.env`.
   */
  env?: NodeJS.ProcessEnv;
}
