/** The four Baton services, by the names `connect()` uses for them. */
export type ServiceName = 'definition' | 'scheduler' | 'stepRuntime' | 'signal';

/** Where each service listens unless told otherwise (stack.json; docs/architecture.md, Services). */
export const SERVICE_DEFAULTS: Readonly<Record<ServiceName, { env: string; address: string }>> = {
  definition: { env: 'BATON_DEFINITION_ADDR', address: '127.0.0.1:7401' },
  scheduler: { env: 'BATON_SCHEDULER_ADDR', address: '127.0.0.1:7402' },
  stepRuntime: { env: 'BATON_STEP_RUNTIME_ADDR', address: '127.0.0.1:7403' },
  signal: { env: 'BATON_SIGNAL_ADDR', address: '127.0.0.1:7404' },
};

/**
 * The address of one service: the explicit one if given, else the service's
 * environment variable (`BATON_<SERVICE>_ADDR`), else `127.0.0.1:740x`.
 */
export function resolveAddress(
  service: ServiceName,
  explicit?: string,
  env: NodeJS.ProcessEnv = process.env,
): string {
  if (explicit) return explicit;
  const fromEnv = env[SERVICE_DEFAULTS[service].env];
  return fromEnv && fromEnv.trim() !== '' ? fromEnv.trim() : SERVICE_DEFAULTS[service].address;
}
