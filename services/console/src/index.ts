export { createConsoleServer, CONSOLE_LIMITS, type ConsoleServerOptions } from './console-server';
export { buildRpcTable, CONSOLE_SERVICES, type ConsoleServiceName, type RpcEntry } from './rpc-table';
export { hostPolicy, type HostPolicy } from './request-guard';
export { loadAssets } from './static-assets';
export type { ApiError } from './api-errors';
