// The overlays under k8s/overlays: what dev adds (namespace, in-cluster MongoDB and Redis under
// the names its generated baton-db Secret points at, the local image), what prod adds (an HPA,
// a PDB, topology spread and a NetworkPolicy per service, a ServiceMonitor), and, for the base
// and both overlays, that no service would dial a peer or a store on loopback.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from '@jest/globals';
import {
  LAYERS,
  type Layer,
  type Obj,
  findIn,
  generated,
  objectsOf,
  renderLayer,
  resolveEnv,
  root,
  secretValues,
} from './render';
import { readStack } from './stack';

const stack = readStack(root);
const skip = renderLayer('base').skip ?? false;
const NAMESPACED_NOT = new Set(['Namespace']);

if (skip) console.warn(`k8s overlays skipped: ${skip}`);

/** Does a label selector (matchLabels / matchExpressions) select these labels? */
function selects(selector: Obj, labels: Record<string, string>): boolean {
  if (!selector) return false;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, e.key);
    if (e.operator === 'In' && !(has && e.values.includes(labels[e.key]))) return false;
    if (e.operator === 'NotIn' && has && e.values.includes(labels[e.key])) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

const podLabels = (workload: Obj): Record<string, string> => workload.spec.template.metadata.labels ?? {};
const deployments = (objects: Obj[]) => objects.filter((o) => o.kind === 'Deployment');

// --- loopback -------------------------------------------------------------------------------

const LOOPBACK = /^(127(\.\d{1,3}){3}|localhost|::1|0\.0\.0\.0|::|0:0:0:0:0:0:0:1)$/i;

/** The host a *_URL or *_ADDR value dials ("" when it names none). */
function hostOf(value: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    try {
      return new URL(value).hostname.replace(/^\[|\]$/g, '');
    } catch {
      // mongodb:// lists several hosts, which URL cannot parse: take the first.
      return (
        /^[a-z+]+:\/\/(?:[^@/]*@)?(\[[^\]]+\]|[^:/,?]+)/i.exec(value)?.[1]?.replace(/^\[|\]$/g, '') ?? ''
      );
    }
  }
  const bracketed = /^\[([^\]]+)\](:\d+)?$/.exec(value);
  if (bracketed) return bracketed[1];
  return value.replace(/:\d+$/, '');
}

/** What the console needs: every service's public address (else the SDK falls back to loopback). */
const CONSOLE_REQUIRED = stack.services.map((s) => `BATON_${s.name.toUpperCase().replace(/-/g, '_')}_ADDR`);
const requiredOf = (deployment: Obj): string[] =>
  deployment.metadata.name === stack.console?.name ? CONSOLE_REQUIRED : REQUIRED;

/** The variables a service needs to reach the others and the stores (else the kit falls back to loopback). */
const REQUIRED = [
  ...Object.keys(stack.infra).map((k) => `${k.toUpperCase()}_URL`),
  ...stack.services.map((s) => s.internalAddrEnv),
];

/**
 * Throws unless every *_URL / *_ADDR a container would get points off loopback, and every
 * required one is set in the render or comes from a Secret the render expects from outside
 * (non-optional baton-db: a pod without it does not start, so it cannot fall back to loopback).
 */
function checkNoLoopback(
  where: string,
  env: Record<string, string>,
  external: Obj[],
  required: string[] = REQUIRED,
): void {
  for (const [k, v] of Object.entries(env)) {
    if (!/_(URL|ADDR)$/.test(k)) continue;
    const host = hostOf(v);
    assert.ok(host !== '', `${where}: ${k}=${v} names no host`);
    assert.doesNotMatch(host, LOOPBACK, `${where}: ${k}=${v} dials loopback`);
  }
  const fromOutside = external.some((e) => e.kind === 'Secret' && e.name === 'baton-db' && !e.optional);
  for (const k of required) {
    if (k in env) continue;
    assert.ok(
      fromOutside && /_URL$/.test(k),
      `${where}: ${k} is not set, so the kit would use its loopback default`,
    );
  }
}

(skip ? describe.skip : describe)(
  'no service dials loopback (every *_URL and *_ADDR, resolved per layer)',
  () => {
    for (const layer of LAYERS) {
      test(`k8s/${layer}`, () => {
        const objects = objectsOf(layer);
        let checked = 0;
        for (const d of deployments(objects)) {
          for (const c of d.spec.template.spec.containers) {
            const { env, external } = resolveEnv(objects, c);
            checkNoLoopback(`${layer} ${d.metadata.name}`, env, external, requiredOf(d));
            checked += Object.keys(env).filter((k) => /_(URL|ADDR)$/.test(k)).length;
          }
        }
        assert.ok(checked >= stack.services.length * stack.services.length, `only ${checked} addresses seen`);
        if (layer === 'overlays/dev') {
          // Dev renders its own baton-db: every URL is in the render, nothing comes from outside.
          for (const d of deployments(objects)) {
            const { env, external } = resolveEnv(objects, d.spec.template.spec.containers[0]);
            assert.deepEqual(external, [], `${d.metadata.name} needs nothing from outside the render`);
            for (const k of requiredOf(d)) assert.ok(env[k], `${d.metadata.name}: ${k} set`);
          }
        }
      });
    }

    test('the check is not vacuous: loopback values and missing addresses are caught', () => {
      const objects = objectsOf('overlays/dev');
      const service = findIn(objects, 'Deployment', stack.services[0].name);
      const { env } = resolveEnv(objects, service.spec.template.spec.containers[0]);
      checkNoLoopback('dev as rendered', env, []);
      const peer = stack.services[1].internalAddrEnv;
      for (const [k, v] of [
        ['MONGODB_URL', 'mongodb://127.0.0.1:27017/baton'],
        ['REDIS_URL', 'redis://localhost:6379'],
        ['MONGODB_URL', 'mongodb://user:pw@[::1]:27017,other:27017/baton'],
        [peer, '127.0.0.1:7412'],
        [peer, '[::1]:7412'],
        ['OTHER_SERVICE_URL', 'http://127.0.0.2:80'],
      ]) {
        assert.throws(() => checkNoLoopback('probe', { ...env, [k]: v }, []), /loopback/, `${k}=${v}`);
      }
      const { [peer]: _, ...missing } = env;
      assert.throws(() => checkNoLoopback('probe', missing, []), /loopback default/);
      const { MONGODB_URL: __, ...noStore } = env;
      assert.throws(() => checkNoLoopback('probe', noStore, []), /loopback default/);
      // ...unless a required, non-optional baton-db Secret supplies the store URLs.
      checkNoLoopback('probe', noStore, [{ kind: 'Secret', name: 'baton-db', optional: false }]);
      assert.throws(
        () => checkNoLoopback('probe', noStore, [{ kind: 'Secret', name: 'baton-db', optional: true }]),
        /loopback default/,
      );
    });
  },
);

// --- dev ------------------------------------------------------------------------------------

(skip ? describe.skip : describe)('k8s/overlays/dev', () => {
  const dev = () => objectsOf('overlays/dev');

  test('everything lives in the namespace baton-dev, which the overlay creates', () => {
    const ns = findIn(dev(), 'Namespace', 'baton-dev');
    assert.equal(ns.metadata.namespace, undefined);
    for (const o of dev()) {
      if (NAMESPACED_NOT.has(o.kind)) continue;
      assert.equal(o.metadata.namespace, 'baton-dev', `${o.kind}/${o.metadata.name}`);
    }
  });

  test('one MongoDB and one Redis: a StatefulSet and Service per stack.json infra entry', () => {
    const images: Record<string, RegExp> = { mongodb: /^mongo:\d+/, redis: /^redis:\d+/ };
    for (const key of Object.keys(stack.infra)) {
      const sts = findIn(dev(), 'StatefulSet', key);
      const svc = findIn(dev(), 'Service', key);
      assert.equal(sts.spec.replicas, 1);
      assert.equal(sts.spec.serviceName, key);
      assert.ok(selects(svc.spec.selector, podLabels(sts)), `Service ${key} selects its pods`);
      assert.ok(selects(sts.spec.selector, podLabels(sts)));
      const c = sts.spec.template.spec.containers[0];
      assert.match(c.image, images[key] ?? /./, `${key} image`);
      assert.ok(sts.spec.volumeClaimTemplates?.length, `${key} keeps its data on a volume`);
      assert.equal(sts.spec.template.spec.securityContext.runAsNonRoot, true);
      assert.equal(c.securityContext.allowPrivilegeEscalation, false);
    }
    // Nothing pulls them here; only these two third-party images besides baton.
    const others = dev()
      .filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet')
      .flatMap((o) => o.spec.template.spec.containers.map((c: Obj) => c.image))
      .filter((i: string) => i !== 'baton:dev');
    assert.equal(others.length, Object.keys(stack.infra).length);
  });

  test('the generated Secret baton-db points at those Services and ports', () => {
    const secrets = generated(dev(), 'Secret', 'baton-db');
    assert.equal(secrets.length, 1);
    const values = secretValues(secrets[0]);
    assert.deepEqual(Object.keys(values).sort(), ['MONGODB_URL', 'REDIS_URL']);
    for (const key of Object.keys(stack.infra)) {
      const url = new URL(values[`${key.toUpperCase()}_URL`]);
      assert.equal(url.protocol, `${stack.infra[key].url.split('://')[0]}:`, `${key} scheme`);
      assert.equal(url.hostname, key, `${key} URL names the Service`);
      const svc = findIn(dev(), 'Service', key);
      assert.ok(
        svc.spec.ports.some((p: Obj) => String(p.port) === url.port),
        `Service ${key} has port ${url.port}`,
      );
    }
  });

  test('TLS and auth stay on; their Secrets are made by the operator, not rendered', () => {
    const data = generated(dev(), 'ConfigMap', 'baton-config')[0].data;
    assert.equal(data.BATON_HOST, '0.0.0.0');
    assert.equal(data.BATON_TLS, 'on');
    assert.equal(data.BATON_AUTH, 'required');
    for (const name of ['baton-tls', 'baton-auth']) {
      assert.equal(generated(dev(), 'Secret', name).length, 0, `${name} holds keys: never in git`);
    }
  });
});

// --- prod -----------------------------------------------------------------------------------

/** Who dials whose internal port, read from the services' code: peers.address('x') and BATON_X_INTERNAL_ADDR. */
function internalCallers(): Map<string, Set<string>> {
  const key = (name: string) => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
  const callers = new Map(stack.services.map((s) => [s.name, new Set<string>()]));
  const files = (dir: string): string[] =>
    readdirSync(dir).flatMap((f) => {
      const p = join(dir, f);
      if (statSync(p).isDirectory()) return files(p);
      return /\.ts$/.test(f) && !/\.test\.ts$/.test(f) ? [p] : [];
    });
  for (const caller of stack.services) {
    const src = files(join(root, 'services', caller.name, 'src'))
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    for (const target of stack.services) {
      if (target.name === caller.name) continue;
      if (src.includes(`peers.address('${key(target.name)}')`) || src.includes(target.internalAddrEnv)) {
        callers.get(target.name)?.add(caller.name);
      }
    }
  }
  return callers;
}

/**
 * The services the console forwards to, read from its code (the keys of CONSOLE_SERVICES, SDK
 * names); and it must dial no internal port (no peers.address, no BATON_*_INTERNAL_ADDR).
 */
function consoleTargets(): Set<string> {
  const dir = join(root, 'services', stack.console?.name ?? 'console', 'src');
  const src = readdirSync(dir)
    .filter((f) => /\.ts$/.test(f) && !/\.test\.ts$/.test(f))
    .map((f) => readFileSync(join(dir, f), 'utf8'))
    .join('\n');
  for (const s of stack.services)
    assert.ok(!src.includes(s.internalAddrEnv), `the console names ${s.internalAddrEnv}`);
  assert.ok(!src.includes('peers.address('), 'the console dials no internal port');
  const table = /CONSOLE_SERVICES = \{([^}]*)\}/.exec(src)?.[1] ?? '';
  const sdkName = (name: string) => name.replace(/-([a-z])/g, (_, ch: string) => ch.toUpperCase());
  return new Set(
    stack.services.filter((s) => new RegExp(`\\b${sdkName(s.name)}:`).test(table)).map((s) => s.name),
  );
}

/** The port numbers a NetworkPolicy rule's ports cover on this container (all when none listed). */
function rulePorts(rule: Obj, container: Obj): number[] {
  const all = container.ports.map((p: Obj) => p.containerPort);
  if (!rule.ports?.length) return all;
  return rule.ports.flatMap((p: Obj) => {
    if (typeof p.port === 'string') {
      const named = container.ports.find((c: Obj) => c.name === p.port);
      return named ? [named.containerPort] : [];
    }
    if (p.port === undefined) return all;
    const end = p.endPort ?? p.port;
    return all.filter((n: number) => n >= p.port && n <= end);
  });
}

(skip ? describe.skip : describe)('k8s/overlays/prod', () => {
  const prod = () => objectsOf('overlays/prod');

  test('no in-cluster stores and no Secrets: operators bring baton-db, baton-tls and baton-auth', () => {
    assert.equal(prod().filter((o) => o.kind === 'StatefulSet').length, 0);
    assert.equal(prod().filter((o) => o.kind === 'Secret').length, 0);
    for (const key of Object.keys(stack.infra)) {
      assert.equal(
        prod().find((o) => o.metadata.name === key),
        undefined,
        `${key}: prod uses your own`,
      );
    }
    for (const o of prod()) assert.equal(o.metadata.namespace, 'baton', `${o.kind}/${o.metadata.name}`);
  });

  for (const svc of stack.services) {
    describe(`service ${svc.name}`, () => {
      const deployment = () => findIn(prod(), 'Deployment', svc.name);

      test('an autoscaler (autoscaling/v2) keeps at least 2 replicas of the Deployment', () => {
        const d = deployment();
        const hpas = prod().filter(
          (o) =>
            o.kind === 'HorizontalPodAutoscaler' &&
            o.spec.scaleTargetRef.kind === 'Deployment' &&
            o.spec.scaleTargetRef.name === svc.name,
        );
        assert.equal(hpas.length, 1, 'one HPA targets it');
        const h = hpas[0];
        assert.equal(h.apiVersion, 'autoscaling/v2');
        assert.equal(h.spec.scaleTargetRef.apiVersion, 'apps/v1');
        assert.ok(h.spec.minReplicas >= 2, `minReplicas ${h.spec.minReplicas}`);
        assert.ok(h.spec.maxReplicas >= h.spec.minReplicas);
        // A fixed count in the manifest would be reset by every apply, fighting the HPA.
        assert.ok(d.spec.replicas === undefined || d.spec.replicas >= 2, `replicas ${d.spec.replicas}`);
        // Utilization targets need requests on the container.
        assert.ok(d.spec.template.spec.containers[0].resources.requests.cpu);
      });

      test('a PodDisruptionBudget (policy/v1) covers exactly its pods and keeps one up', () => {
        const d = deployment();
        const pdbs = prod().filter(
          (o) => o.kind === 'PodDisruptionBudget' && selects(o.spec.selector, podLabels(d)),
        );
        assert.equal(pdbs.length, 1, 'one PDB selects its pods');
        const p = pdbs[0];
        assert.equal(p.apiVersion, 'policy/v1');
        assert.ok(
          p.spec.maxUnavailable === 1 || p.spec.minAvailable === 1,
          'maxUnavailable 1 or minAvailable 1',
        );
        for (const other of deployments(prod()).filter((o) => o.metadata.name !== svc.name)) {
          assert.ok(!selects(p.spec.selector, podLabels(other)), `PDB also selects ${other.metadata.name}`);
        }
      });

      test('pods spread over zones and nodes', () => {
        const d = deployment();
        const spread: Obj[] = d.spec.template.spec.topologySpreadConstraints ?? [];
        for (const key of ['topology.kubernetes.io/zone', 'kubernetes.io/hostname']) {
          const c = spread.find((x) => x.topologyKey === key);
          assert.ok(c, `a constraint on ${key}`);
          assert.equal(c.maxSkew, 1);
          assert.ok(selects(c.labelSelector, podLabels(d)), `${key} constraint counts its own pods`);
        }
      });

      test('NetworkPolicy: public port open, internal port only from its callers, metrics from monitoring', () => {
        const d = deployment();
        const c = d.spec.template.spec.containers[0];
        const health = c.ports.find((p: Obj) => p.name === 'health').containerPort;
        const metrics = c.ports.find((p: Obj) => p.name === 'metrics').containerPort;
        const policies = prod().filter(
          (o) =>
            o.kind === 'NetworkPolicy' &&
            selects(o.spec.podSelector, podLabels(d)) &&
            (o.spec.policyTypes ?? ['Ingress']).includes('Ingress'),
        );
        assert.ok(policies.length >= 1, 'a NetworkPolicy isolates its ingress');
        const rules: Obj[] = policies.flatMap((p) => p.spec.ingress ?? []);
        const open = (port: number) => rules.some((r) => !r.from?.length && rulePorts(r, c).includes(port));
        assert.ok(open(svc.port), `public port ${svc.port} open`);
        for (const port of [svc.internalPort, health, metrics]) {
          assert.ok(!open(port), `port ${port} must not be open to every source`);
        }
        // Every source admitted to the internal port is a Baton pod of the same namespace.
        const want = internalCallers().get(svc.name) ?? new Set();
        const admitted = new Set<string>();
        for (const r of rules.filter((x) => rulePorts(x, c).includes(svc.internalPort))) {
          for (const f of r.from) {
            assert.ok(
              f.podSelector && !f.namespaceSelector && !f.ipBlock,
              'internal: pods of this namespace only',
            );
            const hit = deployments(prod()).filter((o) => selects(f.podSelector, podLabels(o)));
            assert.ok(hit.length > 0, 'a source selects no Baton pod');
            for (const o of hit) admitted.add(o.metadata.name);
          }
        }
        assert.ok(want.size > 0 || svc.name === 'definition', `${svc.name} has callers in the code`);
        assert.deepEqual(
          [...admitted].sort(),
          [...want].sort(),
          `who may dial ${svc.name}:${svc.internalPort}`,
        );
        // Metrics: only from the monitoring namespace; the health port needs no rule (kubelet).
        for (const r of rules.filter((x) => rulePorts(x, c).includes(metrics))) {
          for (const f of r.from) {
            assert.deepEqual(f.namespaceSelector?.matchLabels, {
              'kubernetes.io/metadata.name': 'monitoring',
            });
          }
        }
        assert.ok(
          rules.some((r) => rulePorts(r, c).includes(metrics)),
          'metrics port reachable by Prometheus',
        );
        assert.ok(!rules.some((r) => rulePorts(r, c).includes(health)), 'no rule opens the health port');
      });
    });
  }

  (stack.console ? describe : describe.skip)('the console', () => {
    const name = stack.console?.name ?? 'console';
    const deployment = () => findIn(prod(), 'Deployment', name);

    test('an autoscaler keeps at least 2 replicas; a PDB keeps one up; pods spread over nodes', () => {
      const d = deployment();
      const hpa = prod().filter(
        (o) => o.kind === 'HorizontalPodAutoscaler' && o.spec.scaleTargetRef.name === name,
      );
      assert.equal(hpa.length, 1);
      assert.ok(hpa[0].spec.minReplicas >= 2);
      const pdbs = prod().filter(
        (o) => o.kind === 'PodDisruptionBudget' && selects(o.spec.selector, podLabels(d)),
      );
      assert.equal(pdbs.length, 1);
      assert.equal(pdbs[0].spec.maxUnavailable, 1);
      const spread: Obj[] = d.spec.template.spec.topologySpreadConstraints ?? [];
      assert.ok(
        spread.some(
          (c) => c.topologyKey === 'kubernetes.io/hostname' && selects(c.labelSelector, podLabels(d)),
        ),
      );
    });

    test('NetworkPolicy: its HTTP port open; out only to the public ports of the services its code calls, and DNS', () => {
      const d = deployment();
      const c = d.spec.template.spec.containers[0];
      const policies = prod().filter(
        (o) => o.kind === 'NetworkPolicy' && selects(o.spec.podSelector, podLabels(d)),
      );
      assert.equal(policies.length, 1);
      const policy = policies[0];
      assert.deepEqual([...policy.spec.policyTypes].sort(), ['Egress', 'Ingress']);
      const http = c.ports.find((p: Obj) => p.name === 'http').containerPort;
      assert.ok(policy.spec.ingress.some((r: Obj) => !r.from?.length && rulePorts(r, c).includes(http)));
      // Whom the code calls: the services of CONSOLE_SERVICES (SDK names), on their public ports.
      const called = consoleTargets();
      assert.deepEqual(
        [...called].sort(),
        stack.services.map((s) => s.name).sort(),
        'it forwards to all four',
      );
      const reached = new Set<string>();
      for (const rule of policy.spec.egress as Obj[]) {
        assert.ok(rule.to?.length && rule.ports?.length, 'every egress rule names its peers and ports');
        const dns = rule.ports.every((p: Obj) => p.port === 53);
        if (dns) {
          for (const t of rule.to) assert.equal(t.podSelector?.matchLabels?.['k8s-app'], 'kube-dns');
          continue;
        }
        for (const t of rule.to) {
          assert.ok(t.podSelector && !t.namespaceSelector && !t.ipBlock, 'Baton pods of this namespace only');
          const hit = deployments(prod()).filter((o) => selects(t.podSelector, podLabels(o)));
          assert.equal(hit.length, 1, 'each rule selects one service');
          const svc = stack.services.find((s) => s.name === hit[0].metadata.name);
          assert.ok(svc, `the console may reach ${hit[0].metadata.name}`);
          assert.deepEqual(
            rule.ports.map((p: Obj) => p.port),
            [svc.port],
            `${svc.name}: its public port only, never ${svc.internalPort} or metrics`,
          );
          reached.add(svc.name);
        }
      }
      assert.deepEqual([...reached].sort(), [...called].sort());
      // And no service admits the console to its internal port (the per-service test above
      // compares the admitted set with the callers in the code, which never name it).
      assert.ok(!internalCallers().has(name));
    });
  });

  test('the internal callers read from the code are the ones the services really make', () => {
    // A guard on the parser above: scheduler, step-runtime and signal dial peers; definition dials none.
    const callers = internalCallers();
    const dialers = new Set([...callers.values()].flatMap((s) => [...s]));
    assert.deepEqual([...dialers].sort(), ['scheduler', 'signal', 'step-runtime']);
    assert.ok(callers.get('scheduler')?.has('step-runtime'), 'step-runtime reports to the scheduler');
  });

  test('a ServiceMonitor scrapes the metrics port of every Baton Service', () => {
    const monitors = prod().filter((o) => o.kind === 'ServiceMonitor');
    assert.equal(monitors.length, 1);
    const m = monitors[0];
    assert.equal(m.apiVersion, 'monitoring.coreos.com/v1');
    const selected = prod().filter(
      (o) => o.kind === 'Service' && selects(m.spec.selector, o.metadata.labels ?? {}),
    );
    assert.deepEqual(
      selected.map((s) => s.metadata.name).sort(),
      stack.services.map((s) => s.name).sort(),
      'selects exactly the Baton Services',
    );
    assert.ok(m.spec.endpoints.length > 0);
    for (const e of m.spec.endpoints) {
      assert.equal(e.port, 'metrics');
      for (const s of selected) {
        assert.ok(
          s.spec.ports.some((p: Obj) => p.name === e.port),
          `Service ${s.metadata.name} has a port named ${e.port}`,
        );
      }
    }
    const ns = m.spec.namespaceSelector;
    assert.ok(!ns || ns.any || ns.matchNames?.includes('baton'), 'looks in its own namespace');
  });
});

// A layer the loop above must cover: keeps LAYERS and the overlays on disk in step.
test('every overlay under k8s/overlays is checked', () => {
  const onDisk = readdirSync(join(root, 'k8s', 'overlays')).map((d) => `overlays/${d}` as Layer);
  for (const layer of onDisk) assert.ok(LAYERS.includes(layer), `${layer} is not in LAYERS`);
});
