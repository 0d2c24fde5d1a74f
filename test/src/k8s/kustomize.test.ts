// The kustomize base (k8s/base) renders, and for every service in stack.json it
// has a Deployment and a Service that agree with the table: port, command,
// gRPC probes, resources, the shared ConfigMap, one image, hardened pods.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { readStack, repoRoot } from './stack';

// biome-ignore lint/suspicious/noExplicitAny: rendered Kubernetes objects are checked field by field.
type Obj = any;

const root = repoRoot();
const stack = readStack(root);
const base = join(root, 'k8s', 'base');

function kustomize(dir: string): { objects?: Obj[]; skip?: string; error?: string } {
  const r = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8', timeout: 60_000 });
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT') {
    return { skip: 'kubectl is not installed (it renders kustomize offline: kubectl kustomize k8s/base)' };
  }
  if (r.status !== 0) return { error: `kubectl kustomize ${dir} failed (${r.status}): ${r.stderr}` };
  const docs = parseAllDocuments(r.stdout);
  const objects: Obj[] = [];
  for (const d of docs) {
    if (d.errors.length > 0) return { error: `rendered YAML does not parse: ${d.errors[0].message}` };
    const o = d.toJS();
    if (o) objects.push(o);
  }
  return { objects };
}

const rendered = kustomize(base);
const skip = rendered.skip ?? false;
const objects: Obj[] = rendered.objects ?? [];

function render(): Obj[] {
  assert.equal(rendered.error, undefined, rendered.error);
  return objects;
}

function find(kind: string, name: string): Obj {
  const o = render().find((x) => x.kind === kind && x.metadata?.name === name);
  assert.ok(o, `no ${kind} named ${name} in the rendered base`);
  return o;
}

function configMap(): Obj {
  const maps = render().filter(
    (o) => o.kind === 'ConfigMap' && /^baton-config(-[a-z0-9]+)?$/.test(o.metadata.name),
  );
  assert.equal(maps.length, 1, 'exactly one baton-config ConfigMap');
  return maps[0];
}

/** Kubernetes resource quantities to plain numbers (cores, bytes). */
function quantity(q: string | number): number {
  const s = String(q);
  const m = /^([0-9.]+)(m|Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(s);
  assert.ok(m, `unparsable quantity ${s}`);
  const factor: Record<string, number> = {
    m: 1e-3,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
  };
  return Number(m[1]) * (m[2] ? factor[m[2]] : 1);
}

// A skipped suite counts no test in node 20's totals: this one shows the reason as a skip.
if (skip) test('k8s/base renders with kubectl kustomize', { skip }, () => {});

describe('k8s/base (kubectl kustomize)', { skip }, () => {
  test('renders only the expected kinds, each labelled part-of baton', () => {
    const kinds = new Set(render().map((o) => o.kind));
    assert.deepEqual([...kinds].sort(), ['ConfigMap', 'Deployment', 'Service']);
    assert.equal(render().filter((o) => o.kind === 'Deployment').length, stack.services.length);
    assert.equal(render().filter((o) => o.kind === 'Service').length, stack.services.length);
    for (const o of render()) {
      assert.equal(o.metadata.labels?.['app.kubernetes.io/part-of'], 'baton', `${o.kind}/${o.metadata.name}`);
      assert.equal(o.metadata.namespace, undefined, 'the base leaves the namespace to overlays');
    }
  });

  test('the shared ConfigMap holds the service settings, valid for the kit', () => {
    const data = configMap().data;
    assert.equal(data.BATON_HOST, '0.0.0.0', 'in a pod the server must listen on every interface');
    assert.equal(data.BATON_OTEL_EXPORTER, 'none');
    assert.ok(data.LOG_LEVEL);
    assert.equal(new URL(data.MONGODB_URL).protocol, 'mongodb:');
    assert.equal(new URL(data.MONGODB_URL).hostname, 'mongodb');
    assert.equal(new URL(data.REDIS_URL).protocol, 'redis:');
    assert.equal(new URL(data.REDIS_URL).hostname, 'redis');
    for (const [k, v] of Object.entries(data)) assert.equal(typeof v, 'string', `${k} must be a string`);
    assert.equal(data.BATON_PORT, undefined, 'ports are per Deployment, not shared');
    // The real validator, when the kit is built (config errors would crash-loop every pod).
    const kitConfig = join(root, 'packages', 'kit', 'dist', 'config.js');
    if (existsSync(kitConfig)) {
      const { readServiceConfig } = require(kitConfig) as {
        readServiceConfig: (
          s: string,
          p: number,
          env: NodeJS.ProcessEnv,
        ) => { host: string; shutdownGraceMs: number };
      };
      for (const svc of stack.services) {
        const cfg = readServiceConfig(svc.name, svc.port, { ...data, [svc.portEnv]: String(svc.port) });
        assert.equal(cfg.host, '0.0.0.0');
      }
    }
  });

  for (const svc of stack.services) {
    describe(`service ${svc.name}`, () => {
      test('Deployment runs the stack.json command from the one image', () => {
        const d = find('Deployment', svc.name);
        const pod = d.spec.template.spec;
        assert.equal(pod.containers.length, 1);
        const c = pod.containers[0];
        assert.equal(c.image, 'baton', 'one image for every service, so overlays set it with images:');
        assert.deepEqual(c.command, svc.command);
        assert.equal(c.args, undefined);
        assert.equal(d.spec.replicas, undefined, 'replicas belong to overlays / autoscalers');
      });

      test('listens on the stack.json port, named grpc, with its port env var', () => {
        const c = find('Deployment', svc.name).spec.template.spec.containers[0];
        assert.deepEqual(
          c.ports.map((p: Obj) => [p.name, p.containerPort]),
          [['grpc', svc.port]],
        );
        const env = Object.fromEntries((c.env ?? []).map((e: Obj) => [e.name, e.value]));
        assert.equal(env[svc.portEnv], String(svc.port));
      });

      test('native gRPC readiness, liveness and startup probes on that port', () => {
        const c = find('Deployment', svc.name).spec.template.spec.containers[0];
        for (const kind of ['readinessProbe', 'livenessProbe', 'startupProbe']) {
          const p = c[kind];
          assert.ok(p?.grpc, `${kind} must be a grpc probe`);
          assert.equal(p.grpc.port, svc.port, `${kind} port`);
          // Liveness asks the kit's "liveness" name (SERVING unless the process is stopping);
          // readiness and startup follow the dependencies through "" or the service's name.
          const allowed = kind === 'livenessProbe' ? ['liveness'] : [undefined, '', svc.grpcService];
          assert.ok(
            allowed.includes(p.grpc.service),
            `${kind} checks health service ${allowed.join(' or ')}, not ${p.grpc.service}`,
          );
          assert.equal(p.httpGet ?? p.tcpSocket ?? p.exec, undefined);
        }
        // Liveness must not fire before the startup probe gives up, nor on one slow answer.
        assert.ok(c.livenessProbe.failureThreshold * c.livenessProbe.periodSeconds >= 30);
      });

      test('requests and limits for CPU and memory, requests within limits', () => {
        const c = find('Deployment', svc.name).spec.template.spec.containers[0];
        for (const r of ['cpu', 'memory']) {
          assert.ok(c.resources?.requests?.[r], `requests.${r}`);
          assert.ok(c.resources?.limits?.[r], `limits.${r}`);
          assert.ok(
            quantity(c.resources.requests[r]) <= quantity(c.resources.limits[r]),
            `${r} request > limit`,
          );
        }
        const heap = /--max-old-space-size=(\d+)/.exec(
          (c.env ?? []).find((e: Obj) => e.name === 'NODE_OPTIONS')?.value ?? '',
        );
        if (heap) {
          assert.ok(
            Number(heap[1]) * 2 ** 20 < quantity(c.resources.limits.memory),
            'V8 heap below the memory limit',
          );
        }
      });

      test('config comes from the shared ConfigMap (kustomize rewrites the hashed name)', () => {
        const c = find('Deployment', svc.name).spec.template.spec.containers[0];
        assert.deepEqual(c.envFrom, [{ configMapRef: { name: configMap().metadata.name } }]);
      });

      test('SIGTERM drain fits in the termination grace period; no preStop hook', () => {
        const d = find('Deployment', svc.name);
        const pod = d.spec.template.spec;
        const graceMs = Number(configMap().data.BATON_SHUTDOWN_GRACE_MS);
        assert.ok(Number.isInteger(graceMs) && graceMs > 0, 'BATON_SHUTDOWN_GRACE_MS set in the ConfigMap');
        assert.ok(
          pod.terminationGracePeriodSeconds * 1000 >= graceMs + 5000,
          `terminationGracePeriodSeconds ${pod.terminationGracePeriodSeconds}s must exceed the ${graceMs} ms drain with room to close stores`,
        );
        assert.equal(pod.containers[0].lifecycle?.preStop, undefined);
        assert.equal(d.spec.strategy.rollingUpdate.maxUnavailable, 0);
      });

      test('hardened pod: non-root, read-only root, no capabilities, no escalation, no API token', () => {
        const pod = find('Deployment', svc.name).spec.template.spec;
        const c = pod.containers[0];
        assert.equal(pod.securityContext.runAsNonRoot, true);
        assert.ok(pod.securityContext.runAsUser > 0);
        assert.equal(pod.securityContext.seccompProfile?.type, 'RuntimeDefault');
        assert.equal(c.securityContext.allowPrivilegeEscalation, false);
        assert.equal(c.securityContext.readOnlyRootFilesystem, true);
        assert.notEqual(c.securityContext.privileged, true);
        assert.deepEqual(c.securityContext.capabilities.drop, ['ALL']);
        assert.equal(c.securityContext.capabilities.add, undefined);
        assert.equal(pod.automountServiceAccountToken, false);
        assert.equal(
          pod.enableServiceLinks,
          false,
          'service links would inject e.g. DEFINITION_PORT=tcp://...',
        );
        assert.equal(pod.hostNetwork ?? false, false);
        // A read-only root needs a writable /tmp.
        const tmp = c.volumeMounts.find((m: Obj) => m.mountPath === '/tmp');
        assert.ok(tmp, '/tmp mounted');
        assert.ok(pod.volumes.find((v: Obj) => v.name === tmp.name)?.emptyDir, '/tmp is an emptyDir');
      });

      test('labels: name/component per service; selectors stay minimal and match the pods', () => {
        const d = find('Deployment', svc.name);
        const sel = d.spec.selector.matchLabels;
        const podLabels = d.spec.template.metadata.labels;
        assert.equal(podLabels['app.kubernetes.io/component'], svc.name);
        assert.ok(podLabels['app.kubernetes.io/name']);
        assert.equal(podLabels['app.kubernetes.io/part-of'], 'baton');
        for (const [k, v] of Object.entries(sel)) assert.equal(podLabels[k], v, `selector ${k}`);
        assert.equal(
          sel['app.kubernetes.io/part-of'],
          undefined,
          'selectors are immutable: keep common labels out',
        );
        const others = render().filter((o) => o.kind === 'Deployment' && o.metadata.name !== svc.name);
        for (const o of others) {
          const l = o.spec.template.metadata.labels;
          assert.ok(
            Object.entries(sel).some(([k, v]) => l[k] !== v),
            `selector of ${svc.name} also matches pods of ${o.metadata.name}`,
          );
        }
      });

      test('ClusterIP Service with a port named grpc on the stack.json port, selecting the pods', () => {
        const s = find('Service', svc.name);
        const d = find('Deployment', svc.name);
        assert.equal(s.spec.type ?? 'ClusterIP', 'ClusterIP');
        assert.equal(s.spec.ports.length, 1);
        const p = s.spec.ports[0];
        assert.equal(p.name, 'grpc');
        assert.equal(p.port, svc.port);
        assert.ok(p.targetPort === 'grpc' || p.targetPort === svc.port, `targetPort ${p.targetPort}`);
        assert.deepEqual(s.spec.selector, d.spec.selector.matchLabels);
      });
    });
  }

  test('an overlay can set the image for every service with images:', (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-k8s-overlay-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(
      join(dir, 'kustomization.yaml'),
      [
        'apiVersion: kustomize.config.k8s.io/v1beta1',
        'kind: Kustomization',
        'resources:',
        // kustomize accepts only relative paths to bases.
        `  - ${relative(dir, base)}`,
        'images:',
        '  - name: baton',
        '    newName: registry.invalid/baton',
        '    newTag: v1.2.3',
        '',
      ].join('\n'),
    );
    const r = kustomize(dir);
    assert.equal(r.error, undefined, r.error);
    const images = (r.objects ?? [])
      .filter((o) => o.kind === 'Deployment')
      .flatMap((o) => o.spec.template.spec.containers.map((c: Obj) => c.image));
    assert.equal(images.length, stack.services.length);
    for (const image of images) assert.equal(image, 'registry.invalid/baton:v1.2.3');
  });
});
