import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { createLogger } from '@baton/kit';
import type { BatonClients } from '@baton/sdk';
import type { JsonValue } from '@bufbuild/protobuf';
import { type ApiError, apiError, httpStatusOf, toApiError } from './api-errors';
import {
  type ArtifactRequest,
  artifactContentType,
  artifactFileName,
  parseArtifactQuery,
} from './artifact-route';
import { RequestCodec } from './request-codec';
import {
  type HostPolicy,
  authorizationOf,
  crossOrigin,
  crossSiteApiFetch,
  hostAllowed,
} from './request-guard';
import { buildRpcTable, clientMethodOf, type RpcEntry } from './rpc-table';
import type { Asset } from './static-assets';

/** Limits of the console's HTTP API (documented in docs/console.md). */
export const CONSOLE_LIMITS = {
  /** A JSON request body: a workflow definition of the services' 4 MiB, as JSON. */
  maxBodyBytes: 8 * 1024 * 1024,
  /** A stream's request, given in the URL. */
  maxStreamRequestChars: 64 * 1024,
  /** Streams open at once on one console (each holds a gRPC stream to a service). */
  maxOpenStreams: 512,
  /** A comment line keeps idle streams open through proxies. */
  streamHeartbeatMs: 15_000,
  /**
   * A step artifact (an executed notebook) served by /api/artifact. step-runtime keeps at most
   * 8 MiB by default (maxArtifactBytes); a larger file is refused, not buffered.
   */
  maxArtifactBytes: 64 * 1024 * 1024,
};
export type ConsoleLimits = typeof CONSOLE_LIMITS;

export interface ConsoleServerOptions {
  clients: BatonClients;
  assets: { index: Asset; byName: Map<string, Asset> };
  hosts: HostPolicy;
  log: ReturnType<typeof createLogger>;
  /** Overrides of CONSOLE_LIMITS (BATON_CONSOLE_MAX_STREAMS in main.ts; tests). */
  limits?: Partial<ConsoleLimits>;
}

// The app loads only its own scripts and styles and talks only to this server; notebook images are
// data: URLs. No inline script can run, and no other site may frame the console.
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'; object-src 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

export function createConsoleServer(options: ConsoleServerOptions): Server & { openStreams(): number } {
  const table = buildRpcTable();
  const codec = new RequestCodec();
  // Every request type is looked up once, so a missing descriptor fails at start, not on a call.
  const schemas = new Map([...table.values()].map((e) => [e.requestType, codec.schemaOf(e.requestType)]));
  const limits: ConsoleLimits = { ...CONSOLE_LIMITS, ...options.limits };
  let streams = 0;
  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      options.log.error({ err, url: req.url }, 'console request failed');
      if (!res.headersSent) sendError(res, toApiError(err));
      else res.destroy();
    });
  });

  /** The error the browser sees of a failed call; an unreachable service is logged with its address. */
  function callError(err: unknown, service: RpcEntry['service']): ApiError {
    const error = toApiError(err, service);
    if (error.code === 'UNAVAILABLE')
      options.log.warn(
        { service, address: options.clients[service].address, err: (err as Error).message },
        'service unavailable',
      );
    return error;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    // Before the Host check: Kubernetes' HTTP probes send the pod's IP as Host, and "ok" tells a
    // rebinding page nothing.
    if (req.url === '/healthz') return sendText(res, 200, 'ok\n');
    if (!hostAllowed(req, options.hosts))
      return sendError(
        res,
        apiError('PERMISSION_DENIED', 'this host name is not served (BATON_CONSOLE_HOSTS)'),
        421,
      );
    if (crossOrigin(req))
      return sendError(res, apiError('PERMISSION_DENIED', 'cross-origin requests are refused'));
    // A path is taken as sent: dot segments (plain or encoded) and backslashes are never normalised
    // into another path (the URL parser would turn /assets/../x into /x), they are refused. Encoded dots, slashes and
    // NULs are refused where the path names a file or an API; a page's path may carry them, since a
    // signal name can hold a '/' (`/signals/prod%2Fdb.table/5`) and the app decodes each segment.
    const rawPath = (req.url ?? '/').split('?')[0];
    const namesFileOrApi = rawPath.startsWith('/assets/') || rawPath.startsWith('/api/');
    if (
      !rawPath.startsWith('/') ||
      /\\|%00|\/(\.|%2e){1,2}(\/|$)/i.test(rawPath) ||
      (namesFileOrApi && /%2e|%2f|%5c/i.test(rawPath))
    )
      return sendText(res, 404, 'not found\n');
    const url = new URL(req.url ?? '/', 'http://console');
    const path = url.pathname;
    if (path.startsWith('/api/')) {
      if (crossSiteApiFetch(req))
        return sendError(res, apiError('PERMISSION_DENIED', 'cross-origin requests are refused'));
      return api(req, res, url);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return sendError(res, apiError('INVALID_ARGUMENT', `method ${req.method} is not allowed here`), 405);
    if (path.startsWith('/assets/')) {
      const asset = options.assets.byName.get(path.slice('/assets/'.length));
      if (!asset || asset === options.assets.index) return sendText(res, 404, 'not found\n');
      return sendAsset(res, asset, 'public, max-age=300');
    }
    // Every other path is a page of the app (links are real URLs); the app routes it itself.
    return sendAsset(res, options.assets.index, 'no-cache');
  }

  async function api(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (url.pathname === '/api/artifact') {
      if (req.method !== 'GET')
        return sendError(
          res,
          apiError('INVALID_ARGUMENT', 'use GET', [{ field: 'method', description: 'must be GET' }]),
          405,
        );
      return artifact(req, res, url);
    }
    const m = /^\/api\/(rpc|stream)\/([A-Za-z]+)\/([A-Za-z]+)$/.exec(url.pathname);
    const entry = m ? table.get(`${m[2]}.${m[3]}`) : undefined;
    if (!m || !entry)
      return sendError(
        res,
        apiError('NOT_FOUND', `no such API: ${truncate(url.pathname, 200)}`, [
          {
            field: 'path',
            description:
              'expected /api/rpc/<service>/<Method>, /api/stream/<service>/<Method> naming a public RPC, or /api/artifact',
          },
        ]),
      );
    if (m[1] === 'rpc') {
      if (entry.stream)
        return sendError(
          res,
          apiError(
            'INVALID_ARGUMENT',
            `${entry.method} is a stream: use /api/stream/${entry.service}/${entry.method}`,
            [{ field: 'path', description: 'a streaming method' }],
          ),
        );
      if (req.method !== 'POST')
        return sendError(
          res,
          apiError('INVALID_ARGUMENT', 'use POST with a JSON body', [
            { field: 'method', description: 'must be POST' },
          ]),
          405,
        );
      return unary(req, res, entry);
    }
    if (!entry.stream)
      return sendError(
        res,
        apiError(
          'INVALID_ARGUMENT',
          `${entry.method} is not a stream: POST /api/rpc/${entry.service}/${entry.method}`,
          [{ field: 'path', description: 'a unary method' }],
        ),
      );
    if (req.method !== 'GET')
      return sendError(
        res,
        apiError('INVALID_ARGUMENT', 'use GET', [{ field: 'method', description: 'must be GET' }]),
        405,
      );
    return stream(req, res, entry, url);
  }

  async function unary(req: IncomingMessage, res: ServerResponse, entry: RpcEntry): Promise<void> {
    // Only JSON: a form on another site cannot post it without a preflight, which is never answered.
    const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (type !== 'application/json')
      return sendError(
        res,
        apiError('INVALID_ARGUMENT', 'the body must be application/json', [
          { field: 'content-type', description: 'must be application/json' },
        ]),
        415,
      );
    const body = await readBody(req, limits.maxBodyBytes);
    if (body === undefined) {
      // Answer now and hang up: the rest of the body is never kept (Node would otherwise drain it,
      // however long it is, before the socket can be reused). A socket closed with unread bytes
      // resets, and a reset can reach the client before it has read the answer: so send the answer,
      // half-close, discard what still arrives for a moment, then close for good.
      res.setHeader('connection', 'close');
      res.once('finish', () => lingerThenClose(req));
      return sendError(
        res,
        apiError('INVALID_ARGUMENT', `the body is larger than ${limits.maxBodyBytes} bytes`, [
          { field: 'body', description: `at most ${limits.maxBodyBytes} bytes` },
        ]),
        413,
      );
    }
    const request = parseRequest(entry, body.length === 0 ? '{}' : body.toString('utf8'), 'body');
    if ('error' in request) return sendError(res, request.error);
    const abort = new AbortController();
    res.on('close', () => abort.abort());
    try {
      const answer = await (clientMethodOf(options.clients, entry)(request.value, {
        metadata: metadataOf(req),
        signal: abort.signal,
      }) as Promise<unknown>);
      sendJson(res, 200, entry.response.toJSON(answer));
    } catch (err) {
      sendError(res, callError(err, entry.service));
    }
  }

  async function stream(req: IncomingMessage, res: ServerResponse, entry: RpcEntry, url: URL): Promise<void> {
    const text = url.searchParams.get('request') ?? '{}';
    if (text.length > limits.maxStreamRequestChars)
      return sendError(
        res,
        apiError('INVALID_ARGUMENT', 'the request is too long', [
          { field: 'request', description: `at most ${limits.maxStreamRequestChars} characters` },
        ]),
      );
    const unknown = [...url.searchParams.keys()].filter((k) => k !== 'request');
    if (unknown.length > 0)
      return sendError(
        res,
        apiError(
          'INVALID_ARGUMENT',
          'unknown query parameters',
          unknown.slice(0, 10).map((k) => ({ field: truncate(k, 100), description: 'unknown parameter' })),
        ),
      );
    const request = parseRequest(entry, text, 'request');
    if ('error' in request) return sendError(res, request.error);
    if (streams >= limits.maxOpenStreams)
      return sendError(
        res,
        apiError(
          'RESOURCE_EXHAUSTED',
          `the console has ${streams} streams open (limit ${limits.maxOpenStreams})`,
        ),
      );
    streams++;
    const abort = new AbortController();
    res.on('close', () => abort.abort());
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no',
    });
    res.flushHeaders();
    const heartbeat = setInterval(() => res.write(': ping\n\n'), limits.streamHeartbeatMs);
    try {
      const messages = clientMethodOf(options.clients, entry)(request.value, {
        metadata: metadataOf(req),
        signal: abort.signal,
      }) as AsyncIterable<unknown>;
      for await (const message of messages) {
        if (!res.write(`data: ${JSON.stringify(entry.response.toJSON(message))}\n\n`)) {
          await drained(res);
          if (abort.signal.aborted) break;
        }
      }
      if (!abort.signal.aborted) res.end('event: end\ndata: {}\n\n');
    } catch (err) {
      if (abort.signal.aborted) res.end();
      else res.end(`event: error\ndata: ${JSON.stringify(callError(err, entry.service))}\n\n`);
    } finally {
      clearInterval(heartbeat);
      streams--;
    }
  }

  /**
   * A step's kept file (GetStepArtifact), streamed through as a download: never buffered, never
   * rendered by the console's origin (attachment, a neutral type, a sandboxing CSP), at most
   * maxArtifactBytes. Errors before the first byte are JSON errors; a failure after it cuts the
   * download (the browser reports it failed) instead of handing over a truncated file.
   */
  async function artifact(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const query = parseArtifactQuery(url.searchParams);
    if ('error' in query) return sendError(res, query.error);
    const abort = new AbortController();
    res.on('close', () => abort.abort());
    const request: ArtifactRequest = query.value;
    const chunks = options.clients.stepRuntime
      .getStepArtifact(request, {
        metadata: metadataOf(req),
        signal: abort.signal,
      })
      [Symbol.asyncIterator]();
    let sent = 0;
    let total = 0;
    try {
      for (let next = await chunks.next(); !next.done; next = await chunks.next()) {
        const chunk = next.value;
        const size = Number(chunk.size);
        total = size;
        if (!res.headersSent) {
          if (!Number.isSafeInteger(size) || size < 0 || size > limits.maxArtifactBytes) {
            abort.abort();
            return sendError(
              res,
              apiError(
                'OUT_OF_RANGE',
                `the file is ${size} bytes; the console serves at most ${limits.maxArtifactBytes} (use baton notebook)`,
              ),
            );
          }
          const name = artifactFileName(chunk.name);
          res.writeHead(200, {
            'content-type': artifactContentType(name),
            'content-length': size,
            'content-disposition': `attachment; filename="${name}"; filename*=UTF-8''${encodeURIComponent(name)}`,
            // Even opened directly, the file runs nothing and loads nothing on this origin.
            'content-security-policy': "sandbox; default-src 'none'",
            'cache-control': 'no-store',
          });
        }
        if (Number(chunk.offset) !== sent || sent + chunk.data.length > size)
          throw new Error(`artifact chunk at ${chunk.offset}, expected ${sent} (size ${size})`);
        sent += chunk.data.length;
        if (!res.write(chunk.data)) {
          await drained(res);
          if (abort.signal.aborted) return;
        }
      }
      if (!res.headersSent) throw new Error('GetStepArtifact answered no chunk');
      // content-length promised `total` bytes: a stream that ended short must not pass for the file.
      if (sent !== total) throw new Error(`artifact ended at ${sent} of ${total} bytes`);
      res.end();
    } catch (err) {
      if (!res.headersSent) return sendError(res, callError(err, 'stepRuntime'));
      options.log.warn({ err: (err as Error).message, sent }, 'artifact download cut');
      res.destroy();
    }
  }

  /** A request read strictly by its descriptor: every wrong type or unknown key names its field. */
  function parseRequest(
    entry: RpcEntry,
    text: string,
    field: string,
  ): { value: unknown } | { error: ApiError } {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return {
        error: apiError('INVALID_ARGUMENT', `the ${field} is not valid JSON`, [
          { field, description: 'not valid JSON' },
        ]),
      };
    }
    if (json === null || typeof json !== 'object' || Array.isArray(json))
      return {
        error: apiError('INVALID_ARGUMENT', `the ${field} must be a JSON object`, [
          { field, description: `a ${entry.method}Request as JSON` },
        ]),
      };
    const decoded = codec.decode(schemas.get(entry.requestType)!, entry.request, json as JsonValue, field);
    if ('violations' in decoded)
      return {
        error: apiError(
          'INVALID_ARGUMENT',
          `the ${field} is not a valid ${entry.method}Request`,
          decoded.violations,
        ),
      };
    return decoded;
  }

  return Object.assign(server, { openStreams: () => streams });
}

function metadataOf(req: IncomingMessage): Record<string, string> {
  const authorization = authorizationOf(req);
  return authorization ? { authorization } : {};
}

/**
 * The whole body, or undefined as soon as it is known to pass `limit` bytes (a declared
 * content-length, or the bytes read so far): reading stops there and the rest is never read.
 */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else {
        req.off('data', onData);
        req.pause();
        resolve(undefined);
      }
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** After an early answer: discard at most 1 s or 16 MiB more of the request, then destroy the socket. */
function lingerThenClose(req: IncomingMessage): void {
  const socket = req.socket;
  let discarded = 0;
  const close = () => socket.destroy();
  const timer = setTimeout(close, 1000);
  socket.once('close', () => clearTimeout(timer));
  socket.end();
  req.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > 16 * 2 ** 20) close();
  });
  req.resume();
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(text);
}

function sendError(res: ServerResponse, error: ApiError, status = httpStatusOf(error.code)): void {
  sendJson(res, status, { error });
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(text);
}

function sendAsset(res: ServerResponse, asset: Asset, cache: string): void {
  res.writeHead(200, {
    'content-type': asset.type,
    'cache-control': cache,
    'content-length': asset.body.length,
  });
  res.end(asset.body);
}

/** Resolves when the response can take more, or when its socket is gone (no 'drain' then). */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}
