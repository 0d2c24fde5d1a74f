import { type IncomingMessage, type RequestOptions, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { JsonValue } from '../../runner/attempt-types.js';
import { type JobContext, JobFailure, type JobModule, mapParam, optNumber, optString } from '../job.js';
import { guardedLookup, urlAddressRefusal } from '@baton/kit';

/** Largest response body kept as the `body` output (larger ones are cut, `body_truncated` set). */
export const MAX_HTTP_BODY_BYTES = 1024 * 1024;
/** Largest request body. */
export const MAX_HTTP_REQUEST_BYTES = 1024 * 1024;
export const DEFAULT_HTTP_TIMEOUT_SECONDS = 30;
export const DEFAULT_MAX_REDIRECTS = 5;
const MAX_REDIRECTS = 10;
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

export interface HttpJob {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: Buffer;
  timeoutMs: number;
  maxRedirects: number;
  expected: (status: number) => boolean;
  expectedText: string;
}

/** `http` MAP param → a checked request (every problem names its param). */
export function prepareHttp(params: Record<string, JsonValue>): HttpJob {
  const http = mapParam(params, 'http', 'Http');
  const method = (optString(http, 'method', 'http') ?? 'GET').toUpperCase();
  if (!METHODS.has(method))
    throw new JobFailure('FATAL', `param 'http.method' must be one of ${[...METHODS].join(', ')}`);
  const rawUrl = optString(http, 'url', 'http');
  if (!rawUrl) throw new JobFailure('FATAL', "Http step needs a STRING param 'http.url'");
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new JobFailure('FATAL', `param 'http.url' is not a URL: ${JSON.stringify(rawUrl.slice(0, 200))}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new JobFailure('FATAL', `param 'http.url' must be an http or https URL (not ${url.protocol})`);
  if (url.username || url.password)
    throw new JobFailure('FATAL', "param 'http.url' must not hold credentials; send them in http.headers");
  const headers: Record<string, string> = {};
  const rawHeaders = http.headers;
  if (rawHeaders !== undefined && rawHeaders !== null) {
    if (typeof rawHeaders !== 'object' || Array.isArray(rawHeaders))
      throw new JobFailure('FATAL', "param 'http.headers' must be a MAP of STRING values");
    for (const [name, value] of Object.entries(rawHeaders)) {
      if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name))
        throw new JobFailure(
          'FATAL',
          `param 'http.headers' has an invalid header name ${JSON.stringify(name)}`,
        );
      const text = typeof value === 'string' ? value : JSON.stringify(value);
      if (/[\r\n\0]/.test(text))
        throw new JobFailure('FATAL', `param 'http.headers.${name}' must not hold CR, LF or NUL`);
      headers[name.toLowerCase()] = text;
    }
  }
  let body: Buffer | undefined;
  const rawBody = http.body;
  if (rawBody !== undefined && rawBody !== null) {
    if (method === 'GET' || method === 'HEAD')
      throw new JobFailure('FATAL', `param 'http.body' is not allowed with ${method}`);
    if (typeof rawBody === 'string') body = Buffer.from(rawBody, 'utf8');
    else {
      body = Buffer.from(JSON.stringify(rawBody), 'utf8');
      headers['content-type'] ??= 'application/json';
    }
    if (body.length > MAX_HTTP_REQUEST_BYTES)
      throw new JobFailure('FATAL', `param 'http.body' is over ${MAX_HTTP_REQUEST_BYTES} bytes`);
  }
  const timeout = optNumber(http, 'timeout', 'http', 0.001, 86_400) ?? DEFAULT_HTTP_TIMEOUT_SECONDS;
  const maxRedirects = optNumber(http, 'max_redirects', 'http', 0, MAX_REDIRECTS) ?? DEFAULT_MAX_REDIRECTS;
  if (!Number.isInteger(maxRedirects))
    throw new JobFailure('FATAL', "param 'http.max_redirects' must be a whole number");
  const { expected, text } = expectedStatus(http.expected_status);
  return {
    method,
    url,
    headers,
    ...(body ? { body } : {}),
    timeoutMs: Math.ceil(timeout * 1000),
    maxRedirects,
    expected,
    expectedText: text,
  };
}

/** `expected_status`: a code, a list of codes, or class patterns such as "2xx" (the default). */
function expectedStatus(v: JsonValue | undefined): { expected: (s: number) => boolean; text: string } {
  if (v === undefined || v === null) return { expected: (s) => s >= 200 && s < 300, text: '2xx' };
  const items = Array.isArray(v) ? v : [v];
  const tests: ((s: number) => boolean)[] = [];
  for (const item of items) {
    const t = String(item).trim().toLowerCase();
    if (/^[1-5]\d\d$/.test(t)) tests.push((s) => s === Number(t));
    else if (/^[1-5]xx$/.test(t)) tests.push((s) => Math.floor(s / 100) === Number(t[0]));
    else
      throw new JobFailure(
        'FATAL',
        `param 'http.expected_status' must hold status codes (200) or classes ("2xx"), not ${JSON.stringify(item)}`,
      );
  }
  if (tests.length === 0) throw new JobFailure('FATAL', "param 'http.expected_status' is empty");
  return { expected: (s) => tests.some((f) => f(s)), text: items.map(String).join(', ') };
}

interface Response {
  status: number;
  statusText: string;
  headers: Record<string, string>;
  body: Buffer;
  truncated: boolean;
}

function send(
  job: HttpJob,
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: Buffer | undefined,
  ctx: JobContext,
): Promise<Response> {
  const why = urlAddressRefusal(url, ctx.settings.httpAllow);
  if (why) return Promise.reject(new JobFailure('FATAL', why));
  const options: RequestOptions = {
    method,
    headers: {
      'user-agent': 'baton-http-step',
      ...headers,
      ...(body ? { 'content-length': String(body.length) } : {}),
    },
    lookup: guardedLookup(ctx.settings.httpAllow),
    signal: ctx.signal,
    timeout: job.timeoutMs,
    // A fresh connection per request: a kept-alive socket must not outlive the checks made for it.
    agent: false,
  };
  return new Promise((resolve, reject) => {
    const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(
      url,
      options,
      (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let size = 0;
        let truncated = false;
        res.on('data', (c: Buffer) => {
          if (truncated) return;
          const room = MAX_HTTP_BODY_BYTES - size;
          if (c.length > room) {
            chunks.push(c.subarray(0, room));
            size += room;
            truncated = true;
            res.destroy();
            finish();
            return;
          }
          chunks.push(c);
          size += c.length;
        });
        let done = false;
        const finish = () => {
          if (done) return;
          done = true;
          clearTimeout(deadline);
          const hdrs: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers))
            if (v !== undefined) hdrs[k] = Array.isArray(v) ? v.join(', ') : v;
          resolve({
            status: res.statusCode ?? 0,
            statusText: res.statusMessage ?? '',
            headers: hdrs,
            body: Buffer.concat(chunks),
            truncated,
          });
        };
        res.on('end', finish);
        res.on('error', (err) => {
          if (!done) reject(err);
        });
      },
    );
    // The whole exchange, body included, within http.timeout (the socket timeout only notices silence).
    const deadline = setTimeout(
      () => req.destroy(Object.assign(new Error('timeout'), { code: 'BATON_TIMEOUT' })),
      job.timeoutMs,
    );
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'BATON_TIMEOUT' })));
    req.on('error', (err) => {
      clearTimeout(deadline);
      reject(err);
    });
    req.end(body);
  });
}

function failureOf(err: unknown, job: HttpJob, url: URL, ctx: JobContext): JobFailure {
  if (err instanceof JobFailure) return err;
  const e = err as NodeJS.ErrnoException;
  if (ctx.signal.aborted) return new JobFailure('USER', 'request cancelled');
  if (e.code === 'BATON_SSRF') return new JobFailure('FATAL', e.message);
  if (e.code === 'BATON_TIMEOUT')
    return new JobFailure(
      'USER',
      `${url.origin} did not answer within ${job.timeoutMs / 1000} s (http.timeout)`,
    );
  // Refused, reset, unknown host, TLS errors: the far side's trouble, retried per the user policy.
  return new JobFailure('USER', `request to ${url.origin} failed: ${e.code ? `${e.code} ` : ''}${e.message}`);
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

async function runHttp(job: HttpJob, ctx: JobContext): Promise<Record<string, JsonValue>> {
  let url = job.url;
  let method = job.method;
  let headers = { ...job.headers };
  let body = job.body;
  const started = Date.now();
  for (let hop = 0; ; hop++) {
    ctx.log('stdout', `${method} ${url.href}\n`);
    let res: Response;
    try {
      res = await send(job, url, method, headers, body, ctx);
    } catch (err) {
      throw failureOf(err, job, url, ctx);
    }
    const location = res.headers.location;
    if (REDIRECTS.has(res.status) && location !== undefined && job.maxRedirects > 0) {
      if (hop >= job.maxRedirects)
        throw new JobFailure('USER', `more than ${job.maxRedirects} redirects (http.max_redirects)`);
      let next: URL;
      try {
        next = new URL(location, url);
      } catch {
        throw new JobFailure(
          'USER',
          `redirect to an invalid location ${JSON.stringify(location.slice(0, 200))}`,
        );
      }
      if (next.protocol !== 'http:' && next.protocol !== 'https:')
        throw new JobFailure('USER', `redirect to a non-http URL (${next.protocol})`);
      ctx.log('stdout', `${res.status} ${res.statusText} → ${next.href}\n`);
      if (next.origin !== url.origin) {
        // Credentials meant for one origin do not follow a redirect to another.
        const { authorization: _a, cookie: _c, 'proxy-authorization': _p, ...rest } = headers;
        headers = rest;
      }
      if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === 'POST')) {
        if (method !== 'HEAD') method = 'GET';
        body = undefined;
        delete headers['content-type'];
      }
      url = next;
      continue;
    }
    const ms = Date.now() - started;
    ctx.log(
      'stdout',
      `${res.status} ${res.statusText} (${res.body.length} bytes${res.truncated ? ', cut' : ''}, ${ms} ms)\n`,
    );
    const outputs: Record<string, JsonValue> = {
      status_code: res.status,
      headers: res.headers,
      body: res.body.toString('utf8'),
      url: url.href,
    };
    const json = jsonValue(res);
    if (json !== undefined) outputs.json = json;
    if (res.truncated) outputs.body_truncated = true;
    if (!job.expected(res.status)) {
      const excerpt = res.body.subarray(0, 2048).toString('utf8');
      if (excerpt) ctx.log('stderr', `${excerpt}\n`);
      throw new JobFailure(
        'USER',
        `${method} ${url.origin}${url.pathname} answered ${res.status} ${res.statusText}; expected ${job.expectedText} (http.expected_status)`,
      );
    }
    return outputs;
  }
}

/**
 * A JSON answer as a MAP output, so later steps read its fields: an object as it is, any other JSON
 * value (an array, a number) under the key `value` (a param holds a list of objects only inside a MAP).
 */
function jsonValue(res: Response): Record<string, JsonValue> | undefined {
  const type = res.headers['content-type'] ?? '';
  if (res.truncated || !/[/+]json\b/i.test(type)) return undefined;
  try {
    const v = JSON.parse(res.body.toString('utf8')) as JsonValue;
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? v : { value: v };
  } catch {
    return undefined;
  }
}

export const httpJob: JobModule<HttpJob> = {
  type: 'HTTP',
  prepare: prepareHttp,
  run: runHttp,
};
