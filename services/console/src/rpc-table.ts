import * as proto from '@baton/proto';
import type { MessageFns } from '@baton/proto';
import type { BatonClients } from '@baton/sdk';

/** The services the console forwards to, by the name used in its URLs (`/api/rpc/<service>/<Method>`). */
export const CONSOLE_SERVICES = {
  definition: proto.DefinitionServiceService,
  scheduler: proto.SchedulerServiceService,
  stepRuntime: proto.StepRuntimeServiceService,
  signal: proto.SignalServiceService,
} as const;
export type ConsoleServiceName = keyof typeof CONSOLE_SERVICES;

/**
 * Methods the console does not forward as JSON: artifacts are bytes, served by their own download
 * route, never buffered into a JSON document.
 */
const NOT_FORWARDED = new Set(['stepRuntime.GetStepArtifact']);

/** One forwardable RPC: how to read its JSON request, write its JSON answer, and call it. */
export interface RpcEntry {
  service: ConsoleServiceName;
  /** The proto method name, e.g. `StartWorkflow`. */
  method: string;
  /** The SDK client's method name, e.g. `startWorkflow`. */
  clientMethod: string;
  stream: boolean;
  /** The request's full proto type name, e.g. `baton.v1.StartWorkflowRequest` (read strictly: request-codec). */
  requestType: string;
  request: MessageFns<unknown>;
  response: MessageFns<unknown>;
}

/**
 * Every public RPC of the four services, keyed `<service>.<Method>`. Built from the generated
 * service definitions, so a new RPC is forwarded without touching the console; the request and
 * response codecs follow buf's naming rule (`<Method>Request`, `<Method>Response`). Who may call
 * what is the services' decision: the console forwards the browser's own token and adds no right.
 */
export function buildRpcTable(): Map<string, RpcEntry> {
  const table = new Map<string, RpcEntry>();
  const codecs = proto as unknown as Record<string, MessageFns<unknown> | undefined>;
  for (const [service, definition] of Object.entries(CONSOLE_SERVICES) as [ConsoleServiceName, object][]) {
    for (const [clientMethod, def] of Object.entries(definition) as [
      string,
      { path: string; responseStream: boolean },
    ][]) {
      const method = def.path.slice(def.path.lastIndexOf('/') + 1);
      // `/baton.v1.SchedulerService/StartWorkflow` → package `baton.v1`.
      const serviceName = def.path.slice(1, def.path.lastIndexOf('/'));
      const protoPackage = serviceName.slice(0, serviceName.lastIndexOf('.'));
      const key = `${service}.${method}`;
      if (NOT_FORWARDED.has(key)) continue;
      const request = codecs[`${method}Request`];
      const response = codecs[`${method}Response`];
      if (!request?.fromJSON || !response?.toJSON) throw new Error(`no JSON codecs for ${def.path}`);
      table.set(key, {
        service,
        method,
        clientMethod,
        stream: def.responseStream,
        requestType: `${protoPackage}.${method}Request`,
        request,
        response,
      });
    }
  }
  return table;
}

/** The SDK method an entry calls, bound to its client. */
export function clientMethodOf(
  clients: BatonClients,
  entry: RpcEntry,
): (
  request: unknown,
  options: { metadata?: Record<string, string>; signal?: AbortSignal; timeoutMs?: number },
) => unknown {
  const client = clients[entry.service] as unknown as Record<string, (...args: unknown[]) => unknown>;
  return client[entry.clientMethod].bind(client) as never;
}
