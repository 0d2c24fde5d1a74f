// The kustomize base (k8s/base) renders, and for every service in stack.json it
// has a Deployment and a Service that agree with the table: public and internal
// ports, command, gRPC probes on the plaintext health port, metrics port, resources,
// the shared ConfigMap (TLS and auth on, valid for the kit), the Secrets baton-tls,
// baton-auth (mounted) and baton-db (the store URLs, envFrom), never rendered by the
// base: no keys in git; one image, hardened pods. The per-service checks run on the
// dev and prod overlays too (k8s/overlays/*), so an overlay cannot undo them.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix, relative } from 'node:path';
import { describe, test } from '@jest/globals';
import {
  LAYERS,
  type Layer,
  type Obj,
  findIn,
  generated,
  kustomize,
  objectsOf,
  quantity,
  renderLayer,
  root,
  secretValues,
} from './render';
import { readStack } from './stack';
import { cleanupsAfterEach } from '../support/cleanups';

const stack = readStack(root);
const base = join(root, 'k8s', 'base');
const skip = renderLayer('base').skip ?? false;
const cleanup = cleanupsAfterEach();

function render(layer: Layer = 'base'): Obj[] {
  return objectsOf(layer);
}

function find(kind: string, name: string, layer: Layer = 'base'): Obj {
  return findIn(render(layer), kind, name);
}

function configMap(layer: Layer = 'base'): Obj {
  const maps = generated(render(layer), 'ConfigMap', 'baton-config');
  assert.equal(maps.length, 1, 'exactly one baton-config ConfigMap');
  return maps[0];
}

/** The name the Deployments' secretRef must carry: the generated baton-db-<hash>, else baton-db. */
function dbSecretName(layer: Layer): string {
  const s = generated(render(layer), 'Secret', 'baton-db');
  assert.ok(s.length <= 1, 'at most one baton-db Secret');
  return s[0]?.metadata.name ?? 'baton-db';
}

/** BATON_HEALTH_PORT from the ConfigMap: the plaintext health-only port the probes use. */
function healthPort(layer: Layer = 'base'): number {
  const port = Number(configMap(layer).data.BATON_HEALTH_PORT);
  assert.ok(Number.isInteger(port) && port > 0 && port < 65536, 'BATON_HEALTH_PORT set in the ConfigMap');
  return port;
}

/** BATON_METRICS_PORT from the ConfigMap: Prometheus metrics in every pod. */
function metricsPort(layer: Layer = 'base'): number {
  const port = Number(configMap(layer).data.BATON_METRICS_PORT);
  assert.ok(Number.isInteger(port) && port > 0 && port < 65536, 'BATON_METRICS_PORT set in the ConfigMap');
  return port;
}

/** The ConfigMap variables that name files in the mounted Secrets. */
const FILE_VARS = ['BATON_TLS_CERT', 'BATON_TLS_KEY', 'BATON_TLS_CA', 'BATON_AUTH_TOKENS_FILE'];
const OPTIONAL_FILE_VARS = ['BATON_AUTH_JWT_SECRET_FILE', 'BATON_AUTH_JWKS_FILE'];

const IMAGE: Record<Layer, string> = { base: 'baton', 'overlays/dev': 'baton:dev', 'overlays/prod': 'baton' };

if (skip) console.warn(`k8s/base skipped: ${skip}`);

(skip ? describe.skip : describe)('k8s/base (kubectl kustomize)', () => {
  test('renders only the expected kinds, each labelled part-of baton', () => {
    const kinds = new Set(render().map((o) => o.kind));
    // No Secret: keys and tokens never go into git (operators create baton-tls and baton-auth).
    assert.deepEqual([...kinds].sort(), ['ConfigMap', 'Deployment', 'Service']);
    // One per service, and the console's.
    const workloads = stack.services.length + (stack.console ? 1 : 0);
    assert.equal(render().filter((o) => o.kind === 'Deployment').length, workloads);
    assert.equal(render().filter((o) => o.kind === 'Service').length, workloads);
    for (const o of render()) {
      assert.equal(o.metadata.labels?.['app.kubernetes.io/part-of'], 'baton', `${o.kind}/${o.metadata.name}`);
      assert.equal(o.metadata.namespace, undefined, 'the base leaves the namespace to overlays');
    }
  });

  test('the shared ConfigMap holds the service settings, with TLS and auth on', () => {
    const data = configMap().data;
    assert.equal(data.BATON_HOST, '0.0.0.0', 'in a pod the server must listen on every interface');
    assert.equal(data.BATON_OTEL_EXPORTER, 'none');
    assert.ok(data.LOG_LEVEL);
    // Store URLs may carry passwords: they come from the Secret baton-db, never the ConfigMap.
    assert.equal(data.MONGODB_URL, undefined, 'MONGODB_URL belongs in the Secret baton-db');
    assert.equal(data.REDIS_URL, undefined, 'REDIS_URL belongs in the Secret baton-db');
    for (const [k, v] of Object.entries(data)) {
      assert.equal(typeof v, 'string', `${k} must be a string`);
      assert.doesNotMatch(String(v), /BEGIN|PRIVATE KEY/, `${k}: key material belongs in a Secret`);
    }
    assert.equal(data.BATON_PORT, undefined, 'ports are per Deployment, not shared');
    // A non-loopback BATON_HOST makes the kit refuse to start without both.
    assert.equal(data.BATON_TLS, 'on');
    assert.equal(data.BATON_AUTH, 'required');
    for (const k of FILE_VARS) assert.match(data[k] ?? '', /^\/etc\/baton\/(tls|auth)\/[^/]+$/, k);
    assert.match(data.BATON_TLS_CERT, /^\/etc\/baton\/tls\//);
    assert.match(data.BATON_AUTH_TOKENS_FILE, /^\/etc\/baton\/auth\//);
    // The health port must not clash with any public or internal port.
    const used = stack.services.flatMap((s) => [s.port, s.internalPort]);
    assert.ok(
      !used.includes(healthPort()),
      `BATON_HEALTH_PORT ${healthPort()} clashes with ${used.join(', ')}`,
    );
    assert.equal(metricsPort(), 9464, 'BATON_METRICS_PORT: where the services serve Prometheus metrics');
    assert.ok(
      ![...used, healthPort()].includes(metricsPort()),
      `BATON_METRICS_PORT ${metricsPort()} clashes with another port`,
    );
    // Peers are found by Service name on the internal port.
    for (const s of stack.services) {
      assert.equal(data[s.internalAddrEnv], `${s.name}:${s.internalPort}`, s.internalAddrEnv);
    }
  });

  const kitConfig = join(root, 'packages', 'kit', 'dist', 'config.js');
  // Skipped only when packages/kit is not built.
  (existsSync(kitConfig) ? test : test.skip)(
    "the ConfigMap passes the kit's own validator (config errors would crash-loop every pod)",
    () => {
      const { readServiceConfig } = require(kitConfig) as {
        readServiceConfig: (
          s: string,
          p: number,
          env: NodeJS.ProcessEnv,
        ) => {
          host: string;
          port: number;
          internalPort: number;
          healthPort: number;
          mongodbUrl: string;
          redisUrl: string;
          security: { tls: object | null; auth: object | null };
        };
      };
      const data: Record<string, string> = configMap().data;
      // readServiceConfig checks that the TLS and token files exist, and here there are no mounted
      // Secrets. So the env passed to it is the ConfigMap with every /etc/baton/... file path moved
      // into a temp dir holding stand-in files at the same relative paths (their content is not read
      // at config time); everything else is the ConfigMap's own value.
      const dir = mkdtempSync(join(tmpdir(), 'baton-k8s-config-'));
      cleanup(() => rmSync(dir, { recursive: true, force: true }));
      // With the store URLs of the dev overlay's Secret baton-db (the kit checks their form).
      const env: Record<string, string> = {
        ...data,
        ...secretValues(generated(render('overlays/dev'), 'Secret', 'baton-db')[0]),
      };
      for (const k of [...FILE_VARS, ...OPTIONAL_FILE_VARS]) {
        if (!data[k]) continue;
        const local = join(dir, posix.relative('/etc/baton', data[k]));
        mkdirSync(dirname(local), { recursive: true });
        writeFileSync(local, k === 'BATON_AUTH_TOKENS_FILE' ? '[]\n' : 'stand-in\n');
        env[k] = local;
      }
      for (const svc of stack.services) {
        const cfg = readServiceConfig(svc.name, svc.port, {
          ...env,
          [svc.portEnv]: String(svc.port),
          [svc.internalPortEnv]: String(svc.internalPort),
        });
        assert.equal(cfg.host, '0.0.0.0');
        assert.equal(cfg.port, svc.port);
        assert.equal(cfg.internalPort, svc.internalPort);
        assert.equal(cfg.healthPort, healthPort());
        assert.ok(cfg.security.tls, 'TLS on');
        assert.ok(cfg.security.auth, 'auth required');
        assert.equal(new URL(cfg.mongodbUrl).hostname, 'mongodb');
        assert.equal(new URL(cfg.redisUrl).hostname, 'redis');
      }
      // And the guard is real: the same settings without TLS, or without auth, are refused.
      const svc = stack.services[0];
      assert.throws(
        () => readServiceConfig(svc.name, svc.port, { ...env, BATON_TLS: 'off' }),
        /BATON_TLS=on/,
      );
      assert.throws(
        () => readServiceConfig(svc.name, svc.port, { ...env, BATON_AUTH: 'off' }),
        /BATON_AUTH=required/,
      );
    },
  );

  test('an overlay can set the image for every service with images:', () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-k8s-overlay-'));
    cleanup(() => rmSync(dir, { recursive: true, force: true }));
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
    assert.equal(images.length, stack.services.length + (stack.console ? 1 : 0));
    for (const image of images) assert.equal(image, 'registry.invalid/baton:v1.2.3');
  });
});

for (const layer of LAYERS) {
  (skip ? describe.skip : describe)(`k8s/${layer}: one Deployment and Service per stack.json service`, () => {
    for (const svc of stack.services) {
      describe(`service ${svc.name}`, () => {
        test('Deployment runs the stack.json command from the one image', () => {
          const d = find('Deployment', svc.name, layer);
          const pod = d.spec.template.spec;
          assert.equal(pod.containers.length, 1);
          const c = pod.containers[0];
          // One image for every service, so overlays set it with images: (dev: the local baton:dev).
          assert.equal(c.image, IMAGE[layer]);
          // As args: a command would replace the image's entrypoint (tini, PID 1, reaps step orphans).
          assert.deepEqual(c.args, svc.command);
          assert.equal(c.command, undefined);
          if (layer === 'overlays/dev') assert.equal(d.spec.replicas, 1, 'dev runs one replica');
          // prod: its HorizontalPodAutoscaler owns the count (overlays.test.ts checks minReplicas).
          else assert.equal(d.spec.replicas, undefined, 'replicas belong to overlays / autoscalers');
        });

        test('listens on the stack.json ports (grpc, internal), the health and metrics ports, with their env vars', () => {
          const c = find('Deployment', svc.name, layer).spec.template.spec.containers[0];
          assert.deepEqual(
            c.ports.map((p: Obj) => [p.name, p.containerPort]),
            [
              ['grpc', svc.port],
              ['internal', svc.internalPort],
              ['health', healthPort(layer)],
              ['metrics', metricsPort(layer)],
            ],
          );
          const env = Object.fromEntries((c.env ?? []).map((e: Obj) => [e.name, e.value]));
          assert.equal(env[svc.portEnv], String(svc.port));
          assert.equal(env[svc.internalPortEnv], String(svc.internalPort));
        });

        test('native gRPC readiness, liveness and startup probes on the plaintext health port', () => {
          const c = find('Deployment', svc.name, layer).spec.template.spec.containers[0];
          for (const kind of ['readinessProbe', 'livenessProbe', 'startupProbe']) {
            const p = c[kind];
            assert.ok(p?.grpc, `${kind} must be a grpc probe`);
            // Native gRPC probes cannot speak TLS: the public port (TLS) would always fail them.
            assert.equal(p.grpc.port, healthPort(layer), `${kind} port is BATON_HEALTH_PORT`);
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
          const c = find('Deployment', svc.name, layer).spec.template.spec.containers[0];
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

        test('config comes from the shared ConfigMap and the Secret baton-db (kustomize rewrites hashed names)', () => {
          const c = find('Deployment', svc.name, layer).spec.template.spec.containers[0];
          // The Secret last, so its MONGODB_URL / REDIS_URL win; not optional: a missing Secret
          // stops the pod instead of leaving the kit on its loopback defaults.
          assert.deepEqual(c.envFrom, [
            { configMapRef: { name: configMap(layer).metadata.name } },
            { secretRef: { name: dbSecretName(layer) } },
          ]);
        });

        test('SIGTERM drain fits in the termination grace period; no preStop hook', () => {
          const d = find('Deployment', svc.name, layer);
          const pod = d.spec.template.spec;
          const graceMs = Number(configMap(layer).data.BATON_SHUTDOWN_GRACE_MS);
          assert.ok(Number.isInteger(graceMs) && graceMs > 0, 'BATON_SHUTDOWN_GRACE_MS set in the ConfigMap');
          assert.ok(
            pod.terminationGracePeriodSeconds * 1000 >= graceMs + 5000,
            `terminationGracePeriodSeconds ${pod.terminationGracePeriodSeconds}s must exceed the ${graceMs} ms drain with room to close stores`,
          );
          assert.equal(pod.containers[0].lifecycle?.preStop, undefined);
          assert.equal(d.spec.strategy.rollingUpdate.maxUnavailable, 0);
        });

        test('hardened pod: non-root, read-only root, no capabilities, no escalation, no API token', () => {
          const pod = find('Deployment', svc.name, layer).spec.template.spec;
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

        test('mounts the Secrets baton-tls and baton-auth read-only where the ConfigMap points', () => {
          const pod = find('Deployment', svc.name, layer).spec.template.spec;
          const c = pod.containers[0];
          const data = configMap(layer).data;
          const secretVolume = (secretName: string) => {
            const v = pod.volumes.find((x: Obj) => x.secret?.secretName === secretName);
            assert.ok(v, `a volume from the Secret ${secretName}`);
            const m = c.volumeMounts.find((x: Obj) => x.name === v.name);
            assert.ok(m, `the Secret ${secretName} is mounted`);
            assert.equal(m.readOnly, true, `${secretName} mounted read-only`);
            assert.equal(v.secret.optional ?? false, false, `${secretName} must not be optional`);
            return { v, m };
          };
          const tls = secretVolume('baton-tls');
          const auth = secretVolume('baton-auth');
          // Each file variable names a file in one of the two mounts, under a key the Secret has.
          const expected: Record<string, [typeof tls, string]> = {
            BATON_TLS_CERT: [tls, 'tls.crt'],
            BATON_TLS_KEY: [tls, 'tls.key'],
            BATON_TLS_CA: [tls, 'ca.crt'],
            BATON_AUTH_TOKENS_FILE: [auth, 'tokens.json'],
          };
          for (const [k, [{ v, m }, key]] of Object.entries(expected)) {
            assert.equal(
              data[k],
              posix.join(m.mountPath, key),
              `${k} points into the ${v.secret.secretName} mount`,
            );
            const items: Obj[] | undefined = v.secret.items;
            if (items)
              assert.ok(
                items.some((i) => i.key === key && i.path === key),
                `${key} projected`,
              );
          }
        });

        test('labels: name/component per service; selectors stay minimal and match the pods', () => {
          const d = find('Deployment', svc.name, layer);
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
          const others = render(layer).filter((o) => o.kind === 'Deployment' && o.metadata.name !== svc.name);
          for (const o of others) {
            const l = o.spec.template.metadata.labels;
            assert.ok(
              Object.entries(sel).some(([k, v]) => l[k] !== v),
              `selector of ${svc.name} also matches pods of ${o.metadata.name}`,
            );
          }
        });

        test('ClusterIP Service with ports grpc, internal (stack.json) and metrics, selecting the pods', () => {
          const s = find('Service', svc.name, layer);
          const d = find('Deployment', svc.name, layer);
          assert.equal(s.spec.type ?? 'ClusterIP', 'ClusterIP');
          // The health port stays off the Service: only the kubelet probes it.
          assert.deepEqual(
            s.spec.ports.map((p: Obj) => [p.name, p.port]),
            [
              ['grpc', svc.port],
              ['internal', svc.internalPort],
              ['metrics', metricsPort(layer)],
            ],
          );
          for (const p of s.spec.ports) {
            const port = { grpc: svc.port, internal: svc.internalPort, metrics: metricsPort(layer) }[
              p.name as string
            ];
            assert.ok(p.targetPort === p.name || p.targetPort === port, `targetPort ${p.targetPort}`);
          }
          assert.notEqual(s.spec.ports[0].appProtocol, 'kubernetes.io/h2c', 'the ports speak TLS, not h2c');
          assert.deepEqual(s.spec.selector, d.spec.selector.matchLabels);
        });
      });
    }
  });
}

// The web console: one more Deployment and Service of the same image, but a client, not a server
// of the gRPC API: no store, no keys, no token, the services' public ports by Service name.
for (const layer of LAYERS) {
  (skip || !stack.console ? describe.skip : describe)(`k8s/${layer}: the console`, () => {
    const spec = stack.console!;
    const deployment = () => find('Deployment', spec.name, layer);
    const container = () => deployment().spec.template.spec.containers[0];

    test('runs the stack.json command from the one image, on its port, with HTTP probes on the health path', () => {
      const c = container();
      assert.equal(c.image, IMAGE[layer]);
      assert.equal(c.command, undefined, 'tini stays the entrypoint');
      assert.deepEqual(c.args, spec.command);
      assert.deepEqual(
        c.ports.map((p: Obj) => [p.name, p.containerPort]),
        [['http', spec.port]],
      );
      const env = Object.fromEntries(c.env.map((e: Obj) => [e.name, e.value]));
      assert.equal(env[spec.portEnv], String(spec.port));
      for (const kind of ['readinessProbe', 'livenessProbe']) {
        assert.deepEqual(c[kind].httpGet, { path: spec.healthPath, port: 'http' }, kind);
      }
    });

    test("finds every service's public port by Service name; answers the Service's own host name", () => {
      const env = Object.fromEntries(container().env.map((e: Obj) => [e.name, e.value]));
      for (const s of stack.services)
        assert.equal(
          env[`BATON_${s.name.toUpperCase().replace(/-/g, '_')}_ADDR`],
          `${s.name}:${s.port}`,
          s.name,
        );
      assert.ok(
        String(env.BATON_CONSOLE_HOSTS)
          .split(',')
          .includes(find('Service', spec.name, layer).metadata.name),
        'BATON_CONSOLE_HOSTS names the Service',
      );
      // Internal ports are for service-to-service calls (mTLS): never the console's business.
      for (const s of stack.services) assert.equal(env[s.internalAddrEnv], undefined);
    });

    test('no credentials and no store: no baton-db, no token, only the CA of baton-tls', () => {
      const c = container();
      const pod = deployment().spec.template.spec;
      assert.deepEqual(
        c.envFrom.map((e: Obj) => Object.keys(e)[0]),
        ['configMapRef'],
        'the shared ConfigMap only, no Secret',
      );
      assert.ok(!c.env.some((e: Obj) => /TOKEN|MONGODB|REDIS/.test(e.name)), 'no token or store variable');
      const tls = pod.volumes.find((v: Obj) => v.secret?.secretName === 'baton-tls');
      assert.deepEqual(tls.secret.items, [{ key: 'ca.crt', path: 'ca.crt' }], 'the CA, never tls.key');
      assert.ok(!pod.volumes.some((v: Obj) => v.secret?.secretName === 'baton-auth'), 'no token file');
      assert.equal(configMap(layer).data.BATON_TLS_CA, '/etc/baton/tls/ca.crt');
    });

    test('hardened pod and requests within limits', () => {
      const pod = deployment().spec.template.spec;
      const c = container();
      assert.equal(pod.automountServiceAccountToken, false);
      assert.equal(pod.securityContext.runAsNonRoot, true);
      assert.equal(c.securityContext.readOnlyRootFilesystem, true);
      assert.equal(c.securityContext.allowPrivilegeEscalation, false);
      assert.deepEqual(c.securityContext.capabilities.drop, ['ALL']);
      for (const r of ['cpu', 'memory'])
        assert.ok(quantity(c.resources.requests[r]) <= quantity(c.resources.limits[r]), r);
    });

    test('a ClusterIP Service on the http port, selecting only the console pods', () => {
      const s = find('Service', spec.name, layer);
      assert.equal(s.spec.type, 'ClusterIP');
      assert.deepEqual(
        s.spec.ports.map((p: Obj) => [p.name, p.port, p.targetPort]),
        [['http', spec.port, 'http']],
      );
      const labels = deployment().spec.template.metadata.labels;
      for (const [k, v] of Object.entries(s.spec.selector)) assert.equal(labels[k], v);
      for (const other of render(layer).filter(
        (o) => o.kind === 'Deployment' && o.metadata.name !== spec.name,
      )) {
        const l = other.spec.template.metadata.labels ?? {};
        assert.ok(
          Object.entries(s.spec.selector).some(([k, v]) => l[k] !== v),
          `selects ${other.metadata.name}`,
        );
      }
    });
  });
}
