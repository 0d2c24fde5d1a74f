import assert from 'node:assert/strict';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { freePort, type Proc, type Stack, startProc, stopProc, waitFor } from '@baton/testing';
import { repoRoot } from '../k8s/stack';
import { useStack } from '../support/stack';

// The console's HTTP API against a real stack and a real console process, called as a browser and
// as hostile callers would: every refusal is a JSON error with the right status and code, never a
// 500, never a file off the disk, never a call made with anyone's rights but the caller's.

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: () => {
    error?: { code: string; message: string; violations: { field: string; description: string }[] };
  } & Record<string, unknown>;
}

/** One HTTP request with full control of the headers (Host, Origin) and the raw path. */
function call(
  base: string,
  method: string,
  path: string,
  opts: { headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<Answer> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, method, path, headers: opts.headers ?? {} },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

const json = { 'content-type': 'application/json' };
const post = (base: string, path: string, body: unknown, headers: Record<string, string> = {}) =>
  call(base, 'POST', path, { headers: { ...json, ...headers }, body: JSON.stringify(body) });

/** The `event:`/`data:` records of a server-sent-event stream, read until `until` says stop. */
async function readEvents(
  url: string,
  until: (e: { event: string; data: string }) => boolean,
  init: RequestInit = {},
): Promise<{ status: number; events: { event: string; data: string }[] }> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(60_000) });
  if (!res.headers.get('content-type')?.startsWith('text/event-stream')) {
    return { status: res.status, events: [{ event: 'body', data: await res.text() }] };
  }
  const events: { event: string; data: string }[] = [];
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end = buffer.indexOf('\n\n');
    while (end >= 0) {
      const record = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      end = buffer.indexOf('\n\n');
      if (record.startsWith(':')) continue;
      const e = { event: 'message', data: '' };
      for (const line of record.split('\n')) {
        if (line.startsWith('event: ')) e.event = line.slice(7);
        else if (line.startsWith('data: ')) e.data += line.slice(6);
      }
      events.push(e);
      if (until(e)) {
        await reader.cancel();
        return { status: res.status, events };
      }
    }
  }
  return { status: res.status, events };
}

const streamUrl = (base: string, path: string, req: unknown) =>
  `${base}/api/stream/${path}?request=${encodeURIComponent(JSON.stringify(req))}`;

const HELLO = {
  properties: { owner: 'console-test' },
  workflow: {
    id: 'console.hello',
    steps: [
      { step: { id: 'start', type: 'NoOp', transition: { successors: { greet: 'true' } } } },
      {
        step: {
          id: 'greet',
          type: 'Shell',
          params: { script: { type: 'STRING', value: 'echo hi from the console' } },
        },
      },
    ],
  },
};

describe('the console API on a dev stack', () => {
  // Two streams at most, so the cap can be reached.
  const env = useStack({ console: true, env: { LOG_LEVEL: 'warn', BATON_CONSOLE_MAX_STREAMS: '2' } });
  const base = () => env.stack.consoleUrl!;

  test('a workflow pushed through /api/rpc reads back, in the JSON form the browser gets', async () => {
    const pushed = await post(base(), '/api/rpc/definition/PushWorkflow', {
      definitionJson: JSON.stringify(HELLO),
      user: 'console-test',
    });
    assert.equal(pushed.status, 200, pushed.text);
    assert.equal(pushed.headers['content-type'], 'application/json; charset=utf-8');
    assert.equal(pushed.json().workflowId, 'console.hello');
    const got = await post(base(), '/api/rpc/definition/GetWorkflow', {
      workflowId: 'console.hello',
      version: 'latest',
    });
    assert.equal(got.status, 200, got.text);
    const workflow = got.json().workflow as { definitionJson: string; version: string };
    assert.equal(workflow.version, '1', 'int64 fields are strings');
    assert.equal(JSON.parse(workflow.definitionJson).steps.length, 2, 'the workflow object as pushed');
    // The services' SDK env is the console's, not the caller's: the same answer as a direct call.
    const direct = await env.clients.definition.getWorkflow({
      workflowId: 'console.hello',
      version: 'latest',
    });
    assert.equal(direct.workflow?.definitionJson, workflow.definitionJson);
  });

  test('a bad push answers 400 with every field violation the service found', async () => {
    const bad = {
      workflow: {
        id: 'console.bad',
        steps: [
          { step: { id: 'a', type: 'Bogus', colour: 1, transition: { successors: { nowhere: '1 +' } } } },
        ],
      },
    };
    const r = await post(base(), '/api/rpc/definition/PushWorkflow', { definitionJson: JSON.stringify(bad) });
    assert.equal(r.status, 400, r.text);
    const { error } = r.json();
    assert.equal(error?.code, 'INVALID_ARGUMENT');
    assert.ok((error?.violations.length ?? 0) >= 3, JSON.stringify(error));
    for (const v of error!.violations) assert.match(v.field, /^workflow\.steps\[0\]/, v.field);
  });

  test('WatchInstance over /api/stream reaches SUCCEEDED, then event: end', async () => {
    await post(base(), '/api/rpc/definition/PushWorkflow', { definitionJson: JSON.stringify(HELLO) });
    const started = await post(base(), '/api/rpc/scheduler/StartWorkflow', {
      workflowId: 'console.hello',
      requestId: 'console-watch-1',
      runParams: {},
    });
    assert.equal(started.status, 200, started.text);
    const instanceId = started.json().instanceId as string;
    const { status, events } = await readEvents(
      streamUrl(base(), 'scheduler/WatchInstance', { ref: { workflowId: 'console.hello', instanceId } }),
      (e) => e.event !== 'message',
    );
    assert.equal(status, 200);
    const statuses = events
      .filter((e) => e.event === 'message')
      .map((e) => (JSON.parse(e.data).instance as { status: string }).status);
    assert.equal(statuses.at(-1), 'SUCCEEDED', JSON.stringify(events));
    assert.equal(events.at(-1)?.event, 'end');
  });

  test('a step artifact downloads as an attachment; a step without one is a JSON 404', async () => {
    const notebook = JSON.stringify({
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {},
      cells: [
        {
          cell_type: 'code',
          id: 'c0',
          metadata: {},
          execution_count: null,
          outputs: [],
          source: "print('<script>alert(1)</script>')",
        },
      ],
    });
    const def = {
      workflow: {
        id: 'console.nb',
        steps: [
          {
            step: {
              id: 'nb',
              type: 'Notebook',
              params: { notebook: { type: 'MAP', value: { source: { type: 'STRING', value: notebook } } } },
            },
          },
        ],
      },
    };
    assert.equal(
      (await post(base(), '/api/rpc/definition/PushWorkflow', { definitionJson: JSON.stringify(def) }))
        .status,
      200,
    );
    const st = await env.clients.scheduler.startWorkflow({ workflowId: 'console.nb' });
    await waitFor(
      async () =>
        ['SUCCEEDED', 'FAILED'].includes(
          (
            await env.clients.scheduler.getInstance({
              ref: { workflowId: 'console.nb', instanceId: st.instanceId },
            })
          ).instance?.status ?? '',
        ),
      { timeoutMs: 90_000, intervalMs: 250, what: 'the notebook run to end' },
    );
    const r = await call(
      base(),
      'GET',
      `/api/artifact?workflowId=console.nb&instanceId=${st.instanceId}&stepId=nb`,
    );
    assert.equal(r.status, 200, r.text);
    assert.equal(r.headers['content-type'], 'application/json');
    assert.equal(
      r.headers['content-disposition'],
      `attachment; filename="executed.ipynb"; filename*=UTF-8''executed.ipynb`,
    );
    assert.match(String(r.headers['content-security-policy']), /^sandbox/);
    assert.equal(r.headers['x-content-type-options'], 'nosniff');
    assert.equal(Number(r.headers['content-length']), Buffer.byteLength(r.text));
    const cells = JSON.parse(r.text).cells as { outputs: unknown[] }[];
    assert.ok(
      cells.some((c) => /<script>alert\(1\)<\/script>/.test(JSON.stringify(c.outputs))),
      'the executed output, as bytes, not rendered',
    );

    const none = await call(
      base(),
      'GET',
      `/api/artifact?workflowId=console.hello&instanceId=1&stepId=greet`,
    );
    assert.equal(none.status, 404, none.text);
    assert.equal(none.json().error?.code, 'NOT_FOUND');
    const bad = await call(base(), 'GET', '/api/artifact?workflowId=&instanceId=x&stepId=s&extra=1');
    assert.equal(bad.status, 400);
    assert.deepEqual(
      bad
        .json()
        .error?.violations.map((v) => v.field)
        .sort(),
      ['extra', 'instanceId', 'workflowId'],
    );
  });

  describe('hostile callers', () => {
    test('a foreign Host header (DNS rebinding) is refused with 421; /healthz still answers', async () => {
      for (const host of ['rebind.attacker.example:7400', 'localhost.attacker.example', 'bad host']) {
        const r = await call(base(), 'GET', '/workflows', { headers: { host } });
        assert.equal(r.status, 421, host);
        assert.equal(r.json().error?.code, 'PERMISSION_DENIED');
        const api = await post(base(), '/api/rpc/definition/ListWorkflows', {}, { host });
        assert.equal(api.status, 421);
      }
      const health = await call(base(), 'GET', '/healthz', { headers: { host: '10.1.2.3:7400' } });
      assert.equal(health.status, 200);
    });

    test('a cross-origin request is refused with 403, a same-origin one passes', async () => {
      const origin = 'http://evil.example';
      const r = await post(base(), '/api/rpc/definition/ListWorkflows', {}, { origin });
      assert.equal(r.status, 403);
      assert.equal(r.json().error?.code, 'PERMISSION_DENIED');
      const stream = await call(base(), 'GET', '/api/stream/scheduler/WatchChanges?request=%7B%7D', {
        headers: { origin },
      });
      assert.equal(stream.status, 403);
      const same = await post(base(), '/api/rpc/definition/ListWorkflows', {}, { origin: base() });
      assert.equal(same.status, 200, same.text);
    });

    test('a form post (or any non-JSON type) is refused with 415', async () => {
      for (const type of [
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'text/plain',
        '',
      ]) {
        const r = await call(base(), 'POST', '/api/rpc/definition/ListWorkflows', {
          headers: type ? { 'content-type': type } : {},
          body: 'idPrefix=x',
        });
        assert.equal(r.status, 415, type);
        assert.deepEqual(
          r.json().error?.violations.map((v) => v.field),
          ['content-type'],
        );
      }
    });

    test('an endless body is answered 413 as soon as it passes the limit, and the connection is closed', async () => {
      const url = new URL(base());
      const started = Date.now();
      const outcome = await new Promise<{ status: number; sentMiB: number; closed: boolean }>(
        (resolve, reject) => {
          let sent = 0;
          const req = request({
            host: url.hostname,
            port: url.port,
            method: 'POST',
            path: '/api/rpc/definition/PushWorkflow',
            headers: json,
          });
          const chunk = Buffer.alloc(64 * 1024, 0x20);
          let status = 0;
          const pump = (): void => {
            while (status === 0 && !req.destroyed && req.write(chunk)) sent += chunk.length;
            if (status === 0 && !req.destroyed) req.once('drain', pump);
          };
          req.on('response', (res) => {
            status = res.statusCode ?? 0;
            res.resume();
            res.on('close', () => resolve({ status, sentMiB: sent / 2 ** 20, closed: true }));
          });
          req.on('error', (err) =>
            status ? resolve({ status, sentMiB: sent / 2 ** 20, closed: true }) : reject(err),
          );
          pump();
        },
      );
      assert.equal(outcome.status, 413);
      assert.equal(outcome.closed, true);
      // The limit is 8 MiB; what the client pushed past it sat in socket buffers, never read.
      assert.ok(outcome.sentMiB < 64, `${outcome.sentMiB} MiB sent before the answer`);
      assert.ok(Date.now() - started < 20_000);
      // A declared length past the limit is refused before a byte is read.
      const declared = await call(base(), 'POST', '/api/rpc/definition/PushWorkflow', {
        headers: { ...json, 'content-length': String(9 * 2 ** 20) },
      }).catch((err: Error) => err);
      assert.ok(!(declared instanceof Error), String(declared));
      assert.equal(declared.status, 413);
    });

    test('broken JSON, a non-object and wrong field types are 400 INVALID_ARGUMENT naming the field', async () => {
      const cases: [string, string][] = [
        ['{"idPrefix": ', 'body'],
        ['[1, 2]', 'body'],
        ['"a string"', 'body'],
        ['null', 'body'],
        ['{"pageSize": "ten"}', 'body.pageSize'],
        ['{"idPrefix": 5}', 'body.idPrefix'],
        ['{"idPrefix": {"$gt": ""}}', 'body.idPrefix'],
        ['{"unknownField": 1}', 'body.unknownField'],
        ['{"__proto__": {"admin": true}}', 'body.__proto__'],
      ];
      for (const [body, field] of cases) {
        const r = await call(base(), 'POST', '/api/rpc/definition/ListWorkflows', { headers: json, body });
        assert.equal(r.status, 400, `${body}: ${r.text}`);
        const { error } = r.json();
        assert.equal(error?.code, 'INVALID_ARGUMENT');
        assert.deepEqual(
          error?.violations.map((v) => v.field),
          [field],
          body,
        );
      }
      const deep = await post(base(), '/api/rpc/scheduler/StartWorkflow', {
        workflowId: 'console.hello',
        runParams: { n: { longValue: 'twelve' } },
      });
      assert.equal(deep.status, 400, deep.text);
      assert.deepEqual(
        deep.json().error?.violations.map((v) => v.field),
        ['body.longValue'],
      );
      const stream = await call(
        base(),
        'GET',
        '/api/stream/scheduler/WatchInstance?request=%7B%22ref%22%3A1%7D',
      );
      assert.equal(stream.status, 400);
      assert.deepEqual(
        stream.json().error?.violations.map((v) => v.field),
        ['request.ref'],
      );
    });

    test('an unknown service or method is 404; the wrong kind of URL or method says which to use', async () => {
      for (const path of [
        '/api/rpc/nope/ListWorkflows',
        '/api/rpc/definition/Nope',
        '/api/rpc/definition',
        '/api/rpc/stepRuntime/GetStepArtifact',
        '/api/x',
      ]) {
        const r = await post(base(), path, {});
        assert.equal(r.status, 404, path);
        assert.equal(r.json().error?.code, 'NOT_FOUND');
      }
      const unaryAsStream = await call(base(), 'GET', '/api/stream/definition/ListWorkflows?request=%7B%7D');
      assert.equal(unaryAsStream.status, 400);
      assert.match(unaryAsStream.json().error!.message, /POST \/api\/rpc\/definition\/ListWorkflows/);
      const streamAsUnary = await post(base(), '/api/rpc/scheduler/WatchInstance', {});
      assert.equal(streamAsUnary.status, 400);
      assert.match(streamAsUnary.json().error!.message, /\/api\/stream\/scheduler\/WatchInstance/);
      assert.equal((await call(base(), 'GET', '/api/rpc/definition/ListWorkflows')).status, 405);
      assert.equal((await call(base(), 'DELETE', '/workflows')).status, 405);
    });

    test('no path reaches the file system: traversal, encoded or not, is 404', async () => {
      for (const path of [
        '/assets/../package.json',
        '/assets/..%2fpackage.json',
        '/assets/%2e%2e/package.json',
        '/assets/%2E%2E%2F..%2F..%2Fpackage.json',
        '/assets/..\\package.json',
        '/assets/./app.js',
        '/assets/nope.js',
        '/assets/',
        '/assets/index.html',
        '/%2e%2e/%2e%2e/etc/passwd',
        '/assets/app.js%00.png',
      ]) {
        const r = await call(base(), 'GET', path);
        assert.equal(r.status, 404, `${path}: ${r.status}`);
        assert.doesNotMatch(r.text, /"workspaces"|root:x:0/);
      }
      const app = await call(base(), 'GET', '/assets/app.js');
      assert.equal(app.status, 200);
      assert.match(String(app.headers['content-type']), /^text\/javascript/);
      // Pages are the app's index, with the strict CSP.
      const page = await call(base(), 'GET', '/runs/console.hello:1:1/steps/greet?attempt=1');
      assert.equal(page.status, 200);
      assert.match(
        page.text,
        /<script type="module" src="\/assets\/app\.js"><\/script>|src="\/assets\/app\.js"/,
      );
      assert.match(String(page.headers['content-security-policy']), /default-src 'self'; script-src 'self'/);
    });

    test('at most BATON_CONSOLE_MAX_STREAMS streams at once: the next is 429 until one closes', async () => {
      const url = streamUrl(base(), 'scheduler/WatchChanges', {});
      const open = [new AbortController(), new AbortController()];
      const responses = await Promise.all(open.map((a) => fetch(url, { signal: a.signal })));
      try {
        for (const r of responses) assert.equal(r.status, 200);
        const third = await call(base(), 'GET', new URL(url).pathname + new URL(url).search);
        assert.equal(third.status, 429);
        assert.equal(third.json().error?.code, 'RESOURCE_EXHAUSTED');
      } finally {
        open[0].abort();
      }
      // Once the console saw the first close, a stream opens again.
      await waitFor(
        async () => {
          const a = new AbortController();
          const r = await fetch(url, { signal: a.signal });
          a.abort();
          return r.status === 200;
        },
        { timeoutMs: 10_000, intervalMs: 100, what: 'a stream slot to free up' },
      );
      open[1].abort();
    });

    test("a service that is down is named, without grpc-js' words or its address", async () => {
      const signal = env.stack.services.signal;
      await signal.stop();
      try {
        const r = await post(base(), '/api/rpc/signal/ListSignals', {});
        assert.equal(r.status, 503, r.text);
        const { error } = r.json();
        assert.equal(error?.code, 'UNAVAILABLE');
        assert.equal(error?.message, 'the console cannot reach the signal service: connection refused');
        assert.doesNotMatch(r.text, /No connection established|127\.0\.0\.1/);
      } finally {
        await signal.start();
      }
    });
  });
});

describe('the console API on a stack with BATON_AUTH=required', () => {
  const env = useStack({ security: 'secure', services: ['definition', 'scheduler'] });
  let consoleProc: Proc;
  let base: string;

  // The console started by hand, with an admin token in its own environment: it must never use it.
  beforeAll(async () => {
    const stack: Stack = env.stack;
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const root = repoRoot();
    consoleProc = startProc(
      process.execPath,
      [join(root, 'services', 'console', 'dist', 'main.js')],
      'console',
      {
        cwd: root,
        env: {
          ...process.env,
          ...stack.clientEnv,
          BATON_TOKEN: stack.security!.tokens.admin!,
          CONSOLE_PORT: String(port),
          LOG_LEVEL: 'warn',
        },
      },
    );
    await waitFor(async () => (await fetch(`${base}/healthz`).catch(() => undefined))?.status === 200, {
      timeoutMs: 30_000,
      intervalMs: 100,
      what: 'the console to answer /healthz',
    });
  });
  afterAll(async () => {
    if (consoleProc) await stopProc(consoleProc, 10_000);
  });

  test('no token: 401 UNAUTHENTICATED, though the console itself holds an admin token', async () => {
    const r = await post(base, '/api/rpc/definition/ListWorkflows', {});
    assert.equal(r.status, 401, r.text);
    assert.equal(r.json().error?.code, 'UNAUTHENTICATED');
    // A stream answers 200 at once; the service's refusal comes as its first event.
    const watch = await readEvents(streamUrl(base, 'scheduler/WatchChanges', {}), () => true);
    assert.equal(watch.events[0]?.event, 'error', JSON.stringify(watch));
    assert.equal(JSON.parse(watch.events[0].data).code, 'UNAUTHENTICATED');
  });

  test("a caller's valid token passes; a viewer's cannot write: the caller's rights, not the console's", async () => {
    const tokens = env.stack.security!.tokens;
    const list = await post(
      base,
      '/api/rpc/definition/ListWorkflows',
      {},
      { authorization: `Bearer ${tokens.viewer}` },
    );
    assert.equal(list.status, 200, list.text);
    const push = await post(
      base,
      '/api/rpc/definition/PushWorkflow',
      { definitionJson: JSON.stringify({ ...HELLO, workflow: { ...HELLO.workflow, id: 'console.viewer' } }) },
      { authorization: `Bearer ${tokens.viewer}` },
    );
    assert.equal(push.status, 403, push.text);
    assert.equal(push.json().error?.code, 'PERMISSION_DENIED');
    const admin = await post(
      base,
      '/api/rpc/definition/PushWorkflow',
      { definitionJson: JSON.stringify({ ...HELLO, workflow: { ...HELLO.workflow, id: 'console.admin' } }) },
      { authorization: `Bearer ${tokens.admin}` },
    );
    assert.equal(admin.status, 200, admin.text);
    const wrong = await post(
      base,
      '/api/rpc/definition/ListWorkflows',
      {},
      { authorization: 'Bearer not-a-token' },
    );
    assert.equal(wrong.status, 401);
  });
});
