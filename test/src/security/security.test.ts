import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import { PERMISSIONS } from '@baton/kit';
import { InitiatorType, internal } from '@baton/proto';
import { type BatonClients, BatonClientError } from '@baton/sdk';
import { healthStatus, waitFor } from '@baton/testing';
import { baton } from '../cli-runs/baton';
import { repoRoot } from '../support/repo';
import { useStack } from '../support/stack';
import { push, waitEnd } from '../scheduler/support';
import { clientsWith, mintJwt } from './support';

const env = useStack({ security: 'secure' });

const SERVICES: Record<string, keyof Omit<BatonClients, 'close' | 'audit'> | 'audit'> = {
  DefinitionService: 'definition',
  SchedulerService: 'scheduler',
  StepRuntimeService: 'stepRuntime',
  SignalService: 'signal',
  AuditService: 'audit',
};

/** A request that names `wf` (or the signal `sig`) in every field a permission reads. */
function requestFor(wf: string, sig: string): Record<string, unknown> {
  return {
    workflowId: wf,
    ref: { workflowId: wf, instanceId: '1', runId: '0' },
    name: sig,
    idPrefix: `${wf}`,
    targetPrefix: wf,
    definitionJson: JSON.stringify({ workflow: { id: wf, steps: [{ step: { id: 'a', type: 'NoOp' } }] } }),
    attemptKey: `${wf}:1:1:a:1`,
    backfillId: `bf-${'0'.repeat(24)}`,
    stepId: 'a',
  };
}

/** Calls one RPC by its full path; resolves to OK or the status code name. */
async function callCode(clients: BatonClients, path: string, req: Record<string, unknown>): Promise<string> {
  const [, svc, method] = /^\/baton\.v1\.(\w+)\/(\w+)$/.exec(path)!;
  const name = method![0]!.toLowerCase() + method!.slice(1);
  const key = SERVICES[svc!]!;
  const client = (key === 'audit' ? clients.audit.definition : clients[key]) as unknown as Record<
    string,
    (r: unknown, o?: unknown) => unknown
  >;
  try {
    const out = client[name]!(req, { timeoutMs: 10_000 });
    if (out && typeof (out as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') {
      const ac = new AbortController();
      const stream = client[name]!(req, { signal: ac.signal, timeoutMs: 5000 }) as AsyncIterable<unknown>;
      for await (const _ of stream) break;
      ac.abort();
      return 'OK';
    }
    await out;
    return 'OK';
  } catch (err) {
    if (err instanceof BatonClientError) return err.code;
    throw err;
  }
}

describe('security: TLS, tokens, roles, audit', () => {
  let admin: BatonClients;
  const others: Record<string, BatonClients> = {};
  beforeAll(() => {
    const tokens = env.stack.security!.tokens;
    admin = env.clients;
    for (const [role, token] of Object.entries(tokens)) others[role] = clientsWith(env.stack, token);
    others.none = clientsWith(env.stack);
  });
  afterAll(() => {
    for (const c of Object.values(others)) c.close();
  });

  test('every RPC × role: the permission table decides, PERMISSION_DENIED names what is missing', async () => {
    await push(admin, { id: 'sec.wf', steps: [{ step: { id: 'a', type: 'NoOp' } }] });
    const roleOf: Record<string, number> = { viewer: 0, operator: 1, admin: 2 };
    const paths = Object.keys(PERMISSIONS).filter((p) => !p.endsWith('/DeleteWorkflow'));
    assert.ok(paths.length >= 35, `${paths.length} public RPCs`);
    const table: string[] = [];
    for (const path of paths) {
      const rule = PERMISSIONS[path]!;
      for (const who of ['viewer', 'operator', 'admin', 'team-operator', 'none']) {
        const code = await callCode(others[who]!, path, requestFor('sec.wf', 'sec/s'));
        table.push(`${path} ${who} ${code}`);
        if (who === 'none') {
          assert.equal(code, 'UNAUTHENTICATED', `${path} without a token`);
          continue;
        }
        const nullTarget = rule.target(requestFor('sec.wf', 'sec/s')) === null;
        const expectAllowed =
          who === 'team-operator'
            ? nullTarget && roleOf[rule.role]! <= 1
            : roleOf[who]! >= roleOf[rule.role]!;
        if (expectAllowed) assert.notEqual(code, 'PERMISSION_DENIED', `${path} as ${who} must be allowed`);
        else assert.equal(code, 'PERMISSION_DENIED', `${path} as ${who} must be denied (got ${code})`);
        assert.notEqual(code, 'INTERNAL', `${path} as ${who}`);
      }
    }
    // A namespaced operator may operate inside its namespace only.
    await push(admin, { id: 'team.wf', steps: [{ step: { id: 'a', type: 'NoOp' } }] });
    const started = await others['team-operator']!.scheduler.startWorkflow({ workflowId: 'team.wf' });
    assert.equal((await waitEnd(admin, 'team.wf', started.instanceId)).status, 'SUCCEEDED');
    const denied = await callCode(others['team-operator']!, '/baton.v1.SchedulerService/StartWorkflow', {
      workflowId: 'sec.wf',
    });
    assert.equal(denied, 'PERMISSION_DENIED');
    try {
      await others.viewer!.scheduler.startWorkflow({ workflowId: 'sec.wf' });
      assert.fail('a viewer started a run');
    } catch (err) {
      assert.ok(err instanceof BatonClientError);
      assert.match(err.message, /token:viewer lacks operator on "sec\.wf"/);
    }
  });

  test('a run goes end to end over TLS between every service (Shell step, signal trigger)', async () => {
    await push(admin, {
      id: 'sec.shell',
      signal_triggers: [{ definitions: { 'sec/go': {} } }],
      steps: [
        {
          step: {
            id: 'sh',
            type: 'Shell',
            params: { script: { type: 'STRING', value: 'echo "{\\"ok\\": 1}" > "$$BATON_OUTPUT_FILE"' } },
          },
        },
      ],
    });
    const st = await admin.scheduler.startWorkflow({ workflowId: 'sec.shell' });
    const done = await waitEnd(admin, 'sec.shell', st.instanceId);
    assert.equal(done.status, 'SUCCEEDED', done.error);
    await admin.signal.publishSignal({ name: 'sec/go', params: {} });
    await waitFor(
      async () =>
        (await admin.scheduler.listInstances({ workflowId: 'sec.shell' })).instances.some(
          (i) => i.initiator?.signals.length === 1 && i.status === 'SUCCEEDED',
        ),
      { timeoutMs: 30_000, intervalMs: 100, what: 'the signal-triggered run to succeed' },
    );
  });

  test('the principal comes from the token, never from the request: author, initiator, trigger runs', async () => {
    const operator = others.operator!;
    const pushed = await admin.definition.pushWorkflow({
      definitionJson: JSON.stringify({
        workflow: { id: 'sec.who', steps: [{ step: { id: 'a', type: 'NoOp' } }] },
      }),
      user: 'mallory',
    });
    const got = await admin.definition.getWorkflow({ workflowId: 'sec.who', version: pushed.version });
    assert.equal(got.workflow?.createdBy, 'token:admin', 'the author is the token, not the user field');
    const started = await operator.scheduler.startWorkflow({
      workflowId: 'sec.who',
      initiator: {
        type: InitiatorType.INITIATOR_TYPE_MANUAL,
        name: 'alice',
        timezone: '',
        triggerId: '',
        signals: [],
      },
    });
    const done = await waitEnd(admin, 'sec.who', started.instanceId);
    assert.equal(done.initiator?.name, 'token:operator', 'the initiator is the token, not the claimed name');
    // A forged trigger run: a token holder cannot pass a run off as a cron or signal start.
    const forged = await callCode(operator, '/baton.v1.SchedulerService/StartWorkflow', {
      workflowId: 'sec.who',
      initiator: {
        type: InitiatorType.INITIATOR_TYPE_TIME,
        name: 'cron',
        triggerTime: new Date(),
        timezone: 'UTC',
        triggerId: 'tt1',
        signals: [],
      },
    });
    assert.equal(forged, 'PERMISSION_DENIED');
  });

  test('the audit record: who did what, with the outcome; denied calls too', async () => {
    const st = await admin.scheduler.startWorkflow({ workflowId: 'sec.wf' }, { requestId: 'audit-probe-1' });
    await callCode(others.viewer!, '/baton.v1.SchedulerService/StopInstance', requestFor('sec.wf', 'x'));
    // Records are written just behind the response.
    let events: Awaited<ReturnType<typeof admin.audit.scheduler.listAuditEvents>>['events'] = [];
    await waitFor(
      async () => {
        events = (await admin.audit.scheduler.listAuditEvents({ targetPrefix: 'sec.wf', pageSize: 500 }))
          .events;
        return (
          events.some((e) => e.requestId === 'audit-probe-1') &&
          events.some((e) => e.principal === 'token:viewer' && e.outcome === 'PERMISSION_DENIED')
        );
      },
      { timeoutMs: 10_000, intervalMs: 50, what: 'the audit records' },
    );
    const start = events.find((e) => e.requestId === 'audit-probe-1');
    assert.ok(start, 'StartWorkflow is recorded');
    assert.equal(start.principal, 'token:admin');
    assert.equal(start.method, '/baton.v1.SchedulerService/StartWorkflow');
    assert.equal(start.outcome, 'OK');
    assert.equal(start.service, 'scheduler');
    assert.ok(st.instanceId);
    assert.ok(
      events.some((e) => e.principal === 'token:viewer' && e.outcome === 'PERMISSION_DENIED'),
      'the denied stop is recorded',
    );
    // Reads are not audited; an operator may not read the audit record.
    assert.ok(events.every((e) => !e.method.includes('/Get')));
    assert.equal(
      await callCode(others.operator!, '/baton.v1.AuditService/ListAuditEvents', {}),
      'PERMISSION_DENIED',
    );
    // Paging.
    const page1 = await admin.audit.scheduler.listAuditEvents({ pageSize: 2 });
    assert.equal(page1.events.length, 2);
    const page2 = await admin.audit.scheduler.listAuditEvents({
      pageSize: 2,
      pageToken: page1.nextPageToken,
    });
    assert.notEqual(page2.events[0]!.id, page1.events[0]!.id);
  });

  test('JWTs: HS256 with roles works; expired, wrongly signed, wrong audience and unsigned ones do not', async () => {
    const good = await mintJwt(env.stack, { sub: 'alice', baton_roles: ['operator:sec.'] });
    const alice = clientsWith(env.stack, good);
    try {
      const st = await alice.scheduler.startWorkflow({ workflowId: 'sec.wf' }, { requestId: 'jwt-alice' });
      assert.ok(st.instanceId);
      await waitFor(
        async () =>
          (await admin.audit.scheduler.listAuditEvents({ principal: 'user:alice' })).events[0]?.requestId ===
          'jwt-alice',
        { timeoutMs: 10_000, intervalMs: 50, what: "alice's StartWorkflow in the audit record" },
      );
      assert.equal(
        await callCode(alice, '/baton.v1.DefinitionService/PushWorkflow', requestFor('sec.wf', 'x')),
        'PERMISSION_DENIED',
      );
    } finally {
      alice.close();
    }
    const bad = [
      await mintJwt(env.stack, { sub: 'eve', baton_roles: ['admin'] }, { expiresIn: '-1m' }),
      await mintJwt(
        env.stack,
        { sub: 'eve', baton_roles: ['admin'] },
        { secret: new Uint8Array(32).fill(7) },
      ),
      await mintJwt(env.stack, { sub: 'eve', baton_roles: ['admin'] }, { audience: 'other' }),
      // alg "none": header {"alg":"none"}, no signature.
      `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(
        JSON.stringify({ sub: 'eve', baton_roles: ['admin'], aud: 'baton', exp: 9e9 }),
      ).toString('base64url')}.`,
      'bt_not-a-token',
    ];
    for (const token of bad) {
      const eve = clientsWith(env.stack, token);
      try {
        assert.equal(
          await callCode(eve, '/baton.v1.DefinitionService/GetWorkflow', { workflowId: 'sec.wf' }),
          'UNAUTHENTICATED',
        );
      } finally {
        eve.close();
      }
    }
  });

  test('internal RPCs: not on the public port; the internal port refuses callers without a service certificate', async () => {
    const sec = env.stack.security!;
    const report = (addr: string, creds: ReturnType<typeof credentials.createSsl>, token?: string) =>
      new Promise<string>((resolve) => {
        const c = new internal.StepReportServiceClient(addr, creds);
        const md = new Metadata();
        if (token) md.set('authorization', `Bearer ${token}`);
        c.reportAttempt(
          internal.ReportAttemptRequest.fromPartial({
            workflowId: 'sec.wf',
            instanceId: '1',
            runId: '1',
            stepId: 'a',
            attemptId: 1,
            attemptKey: 'sec.wf:1:1:a:1',
            status: 'SUCCEEDED',
          }),
          md,
          { deadline: Date.now() + 5000 },
          (err: ServiceError | null) => {
            c.close();
            resolve(err ? `${err.code}` : 'OK');
          },
        );
      });
    const ca = readFileSync(sec.caFile);
    // The public port with an admin token: the internal service is not there (12 = UNIMPLEMENTED).
    assert.equal(
      await report(env.stack.addresses.scheduler!, credentials.createSsl(ca), sec.tokens.admin),
      '12',
    );
    const internalAddr = env.stack.internalAddresses.scheduler!;
    // The internal port without a client certificate, or with one from another CA: no connection (14).
    assert.equal(await report(internalAddr, credentials.createSsl(ca)), '14');
    const rogue = credentials.createSsl(ca, readFileSync(sec.rogueKeyFile), readFileSync(sec.rogueCertFile));
    assert.equal(await report(internalAddr, rogue), '14');
    // Plaintext to a TLS port fails too.
    assert.equal(await report(internalAddr, credentials.createInsecure()), '14');
    // StartRuns (trigger fires, many per call) is internal too: an operator with a token cannot
    // start TIME runs through it on the public port, nor reach it without a service certificate.
    const startRuns = (addr: string, creds: ReturnType<typeof credentials.createSsl>, token?: string) =>
      new Promise<string>((resolve) => {
        const c = new internal.SignalReportServiceClient(addr, creds);
        const md = new Metadata();
        if (token) md.set('authorization', `Bearer ${token}`);
        c.startRuns(
          internal.StartRunsRequest.fromPartial({
            starts: [
              {
                workflowId: 'sec.wf',
                requestId: 'time:forged:1',
                initiator: {
                  type: InitiatorType.INITIATOR_TYPE_TIME,
                  triggerId: 'forged',
                  triggerTime: new Date(),
                },
              },
            ],
          }),
          md,
          { deadline: Date.now() + 5000 },
          (err: ServiceError | null) => {
            c.close();
            resolve(err ? `${err.code}` : 'OK');
          },
        );
      });
    assert.equal(
      await startRuns(env.stack.addresses.scheduler!, credentials.createSsl(ca), sec.tokens.operator),
      '12',
    );
    assert.equal(await startRuns(internalAddr, rogue), '14');
    // Health answers without a token (probes), over TLS.
    assert.equal(await healthStatus(env.stack.addresses.scheduler!, '', 2000, sec.caFile), 'SERVING');
  });

  test('the CLI: the token and CA from the environment or flags; baton audit', async () => {
    const tokens = env.stack.security!.tokens;
    const denied = baton(env, ['start', 'sec.wf', '--token', tokens.viewer!]);
    assert.notEqual(denied.code, 0);
    assert.match(denied.err, /PERMISSION_DENIED|lacks operator/);
    const started = baton(env, ['start', 'sec.wf']);
    assert.equal(started.code, 0, started.err);
    await waitFor(
      async () =>
        (
          await env.clients.audit.scheduler.listAuditEvents({
            principal: 'token:viewer',
            targetPrefix: 'sec.wf',
          })
        ).events.some((e) => e.method.endsWith('/StartWorkflow') && e.outcome === 'PERMISSION_DENIED'),
      { timeoutMs: 10_000, intervalMs: 50, what: 'the denied start in the audit record' },
    );
    const audit = baton(env, ['audit', '--target', 'sec.wf', '--principal', 'token:viewer', '--json']);
    assert.equal(audit.code, 0, audit.err);
    const events = JSON.parse(audit.out).events as { method: string; outcome: string }[];
    assert.ok(events.some((e) => e.method.endsWith('/StartWorkflow') && e.outcome === 'PERMISSION_DENIED'));
  });

  test('a service bound beyond loopback refuses to start without auth and TLS', () => {
    const r = spawnSync(process.execPath, [join(repoRoot, 'services/definition/dist/main.js')], {
      env: { ...process.env, BATON_HOST: '0.0.0.0', DEFINITION_PORT: '0', DEFINITION_INTERNAL_PORT: '0' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /BATON_AUTH=required is needed/);
  });
});
