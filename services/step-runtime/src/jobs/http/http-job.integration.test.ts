import assert from 'node:assert/strict';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { logSink, makeSpec, tempRoot } from '../../../test/attempt-fixtures.js';
import type { JsonValue } from '../../runner/attempt-types.js';
import { runAttempt } from '../../runner/run-attempt.js';
import { jobSettings } from '../job-settings.js';

// A real HTTP server on loopback; the runner reaches it only because the settings allow 127.0.0.1.
let server: Server;
let base = '';
const seen: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[] = [];
const { root, cleanup } = tempRoot('http');

function route(req: IncomingMessage, res: ServerResponse, body: string): void {
  seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
  const u = new URL(req.url ?? '/', base);
  if (u.pathname === '/json') {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ ok: true, echo: body ? JSON.parse(body) : null, method: req.method }));
  } else if (u.pathname === '/status') {
    res.statusCode = Number(u.searchParams.get('code'));
    res.end('status body');
  } else if (u.pathname === '/redirect') {
    res.statusCode = Number(u.searchParams.get('code') ?? 302);
    res.setHeader('location', u.searchParams.get('to') ?? '/json');
    res.end();
  } else if (u.pathname === '/loop') {
    res.statusCode = 302;
    res.setHeader('location', '/loop');
    res.end();
  } else if (u.pathname === '/slow') {
    setTimeout(() => res.end('late'), 5_000).unref();
  } else if (u.pathname === '/big') {
    res.end(Buffer.alloc(1024 * 1024 + 10, 'a'));
  } else res.end('hello');
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => route(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
  cleanup();
});

const allowLoopback = jobSettings('127.0.0.1', '');
const allowNothing = jobSettings('', '');

function http(params: Record<string, JsonValue>, opts: { timeoutSeconds?: number; allow?: boolean } = {}) {
  const sink = logSink();
  const attempt = runAttempt(
    makeSpec('http', {
      stepType: 'HTTP',
      params: { http: params },
      ...(opts.timeoutSeconds ? { timeoutSeconds: opts.timeoutSeconds } : {}),
    }),
    { workRoot: root, onLog: sink.onLog, jobs: opts.allow === false ? allowNothing : allowLoopback },
  );
  return { attempt, sink };
}

describe('Http step', () => {
  test('POST of a MAP body as JSON; a JSON answer becomes the json output', async () => {
    const { attempt, sink } = http({
      method: 'POST',
      url: `${base}/json`,
      body: { a: 1 },
      headers: { 'x-trace': 't1' },
    });
    const out = await attempt.result;
    assert.equal(out.status, 'SUCCEEDED', out.error);
    assert.equal(out.outputs.status_code, 200);
    assert.deepEqual(out.outputs.json, { ok: true, echo: { a: 1 }, method: 'POST' });
    assert.equal(typeof out.outputs.body, 'string');
    const req = seen.at(-1)!;
    assert.equal(req.headers['content-type'], 'application/json');
    assert.equal(req.headers['x-trace'], 't1');
    assert.match(sink.text('stdout'), /POST http:\/\/127\.0\.0\.1:\d+\/json\n200 OK/);
  });

  test('an unexpected status fails the attempt USER_FAILED (retried by the user policy), naming the status', async () => {
    const out = await http({ url: `${base}/status?code=503` }).attempt.result;
    assert.equal(out.status, 'USER_FAILED');
    assert.match(out.error ?? '', /answered 503 .*expected 2xx/);
    const ok = await http({ url: `${base}/status?code=404`, expected_status: [404, '2xx'] }).attempt.result;
    assert.equal(ok.status, 'SUCCEEDED', ok.error);
    assert.equal(ok.outputs.body, 'status body');
  });

  test('redirects are followed up to max_redirects; 303 turns a POST into a GET', async () => {
    const out = await http({ method: 'POST', body: 'x', url: `${base}/redirect?code=303&to=/json` }).attempt
      .result;
    assert.equal(out.status, 'SUCCEEDED', out.error);
    assert.equal((out.outputs.json as { method: string }).method, 'GET');
    assert.equal(out.outputs.url, `${base}/json`);
    const loop = await http({ url: `${base}/loop`, max_redirects: 3 }).attempt.result;
    assert.equal(loop.status, 'USER_FAILED');
    assert.match(loop.error ?? '', /more than 3 redirects/);
  });

  test('SSRF guard: loopback is refused unless allowed, also when a redirect leads there', async () => {
    const direct = await http({ url: `${base}/json` }, { allow: false }).attempt.result;
    assert.equal(direct.status, 'FATALLY_FAILED');
    assert.match(direct.error ?? '', /loopback .*BATON_HTTP_ALLOW/);
    const named = await http({ url: base.replace('127.0.0.1', 'localhost') }, { allow: false }).attempt
      .result;
    assert.equal(named.status, 'FATALLY_FAILED');
    assert.match(named.error ?? '', /localhost resolves to .*BATON_HTTP_ALLOW/);
    const metadata = await http({ url: 'http://169.254.169.254/latest/meta-data/' }).attempt.result;
    assert.equal(metadata.status, 'FATALLY_FAILED');
    // Allowed host, but it redirects to a forbidden one: the hop is checked too.
    const hop = await http({ url: `${base}/redirect?to=http://[::ffff:a9fe:a9fe]/` }).attempt.result;
    assert.equal(hop.status, 'FATALLY_FAILED');
    assert.match(hop.error ?? '', /BATON_HTTP_ALLOW/);
  });

  test('http.timeout, the step timeout and stop end a hanging request', async () => {
    const t0 = Date.now();
    const own = await http({ url: `${base}/slow`, timeout: 0.3 }).attempt.result;
    assert.equal(own.status, 'USER_FAILED');
    assert.match(own.error ?? '', /did not answer within 0\.3 s/);
    const step = await http({ url: `${base}/slow` }, { timeoutSeconds: 0.3 }).attempt.result;
    assert.equal(step.status, 'TIMED_OUT');
    const { attempt } = http({ url: `${base}/slow` });
    setTimeout(() => attempt.cancel('operator'), 100);
    const stopped = await attempt.result;
    assert.equal(stopped.status, 'STOPPED');
    assert.ok(Date.now() - t0 < 4_000, 'none of them waited for the server');
  });

  test('a body over 1 MiB is cut and marked', async () => {
    const out = await http({ url: `${base}/big` }).attempt.result;
    assert.equal(out.status, 'SUCCEEDED', out.error);
    assert.equal((out.outputs.body as string).length, 1024 * 1024);
    assert.equal(out.outputs.body_truncated, true);
  });

  test('bad params fail FATALLY naming the param, before any request', async () => {
    const before = seen.length;
    for (const [params, re] of [
      [{}, /'http.url'/],
      [{ url: 'ftp://x/' }, /http or https URL/],
      [{ url: `${base}/`, method: 'TRACE' }, /'http.method'/],
      [{ url: `${base}/`, headers: { 'x-a': 'a\r\nx-b: b' } }, /CR, LF or NUL/],
      [{ url: `${base}/`, body: 'x' }, /'http.body' is not allowed with GET/],
      [{ url: `${base}/`, expected_status: 'ok' }, /'http.expected_status'/],
      [{ url: 'http://u:p@127.0.0.1/' }, /credentials/],
    ] as const) {
      const out = await http(params as Record<string, JsonValue>).attempt.result;
      assert.equal(out.status, 'FATALLY_FAILED', JSON.stringify(params));
      assert.match(out.error ?? '', re);
    }
    assert.equal(seen.length, before);
  });
});
