// The browser's side of the console API (services/console/src/console-server.ts):
//   POST /api/rpc/<service>/<Method>     JSON request → JSON response (ts-proto's JSON: camelCase)
//   GET  /api/stream/<service>/<Method>?request=<JSON>  → server-sent events: `data:` per message,
//        `event: error` with an ApiError, `event: end` when the stream ends normally.
// The user's token (if the services require one) is kept in sessionStorage and sent as a bearer
// header; the console server forwards it and holds no credentials of its own.

export type ServiceName = 'definition' | 'scheduler' | 'stepRuntime' | 'signal';

export interface FieldViolation {
  field: string;
  description: string;
}

/** A failed call, as the services answered it (the same code, message and field violations). */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly violations: FieldViolation[] = [],
    readonly requestId?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const TOKEN_KEY = 'baton.token';

export function getToken(): string | undefined {
  return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
}

export function setToken(token: string | undefined): void {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

function headers(extra: Record<string, string> = {}): Record<string, string> {
  const token = getToken();
  return token ? { ...extra, authorization: `Bearer ${token}` } : extra;
}

async function errorOf(res: Response): Promise<ApiError> {
  try {
    const body = (await res.json()) as {
      error?: { code: string; message: string; violations?: FieldViolation[]; requestId?: string };
    };
    if (body.error)
      return new ApiError(
        body.error.code,
        body.error.message,
        body.error.violations ?? [],
        body.error.requestId,
      );
  } catch {
    // not JSON: fall through
  }
  return new ApiError('UNKNOWN', `the console answered HTTP ${res.status}`);
}

/** One unary call. Rejects with ApiError. */
export async function rpc<T = Record<string, unknown>>(
  service: ServiceName,
  method: string,
  request: object = {},
  signal?: AbortSignal,
): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`/api/rpc/${service}/${method}`, {
      method: 'POST',
      headers: headers({ 'content-type': 'application/json' }),
      body: JSON.stringify(request),
      signal,
    });
  } catch (err) {
    if (signal?.aborted) throw new ApiError('CANCELLED', 'cancelled');
    throw new ApiError('UNAVAILABLE', `cannot reach the console: ${(err as Error).message}`);
  }
  if (!res.ok) throw await errorOf(res);
  return (await res.json()) as T;
}

export interface StreamHandlers<T> {
  onMessage(message: T): void;
  onError?(error: ApiError): void;
  onEnd?(): void;
}

/**
 * A server stream (WatchInstance, GetStepLogs, WatchChanges) read with fetch — not EventSource,
 * which cannot send the bearer header. Returns a function that closes the stream.
 */
export function stream<T = Record<string, unknown>>(
  service: ServiceName,
  method: string,
  request: object,
  handlers: StreamHandlers<T>,
): () => void {
  const abort = new AbortController();
  const url = `/api/stream/${service}/${method}?request=${encodeURIComponent(JSON.stringify(request))}`;
  (async () => {
    const res = await fetch(url, { headers: headers(), signal: abort.signal });
    if (!res.ok || !res.body) throw await errorOf(res);
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let cut = buffer.indexOf('\n\n');
      while (cut >= 0) {
        const event = parseEvent(buffer.slice(0, cut));
        buffer = buffer.slice(cut + 2);
        cut = buffer.indexOf('\n\n');
        if (!event) continue;
        if (event.type === 'message') handlers.onMessage(JSON.parse(event.data) as T);
        else if (event.type === 'error') {
          const e = JSON.parse(event.data) as {
            code: string;
            message: string;
            violations?: FieldViolation[];
          };
          handlers.onError?.(new ApiError(e.code, e.message, e.violations ?? []));
          return;
        } else if (event.type === 'end') {
          handlers.onEnd?.();
          return;
        }
      }
    }
    handlers.onEnd?.();
  })().catch((err: unknown) => {
    if (abort.signal.aborted) return;
    handlers.onError?.(
      err instanceof ApiError ? err : new ApiError('UNAVAILABLE', String((err as Error).message ?? err)),
    );
  });
  return () => abort.abort();
}

function parseEvent(block: string): { type: string; data: string } | undefined {
  let type = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) continue; // heartbeat
    if (line.startsWith('event: ')) type = line.slice(7);
    else if (line.startsWith('data: ')) data.push(line.slice(6));
  }
  return data.length ? { type, data: data.join('\n') } : undefined;
}
