// Strict validation of the rendered manifests, offline: tools/k8s-validate decodes every object
// into the real Kubernetes API types (client-go's scheme, plus prometheus-operator's
// monitoring/v1 for the ServiceMonitor) and refuses unknown or duplicate fields, values of the
// wrong type and kinds it does not know. The base and both overlays must pass; hand-broken
// manifests must not (so the check is not vacuous).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, test } from '@jest/globals';
import { LAYERS, renderLayer, root } from './render';

let validator: string | undefined;
let noValidator: string | undefined;

function validate(yaml: string): { status: number | null; stdout: string; stderr: string } {
  assert.ok(validator, noValidator);
  const r = spawnSync(validator, [], { input: yaml, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const renderSkip = renderLayer('base').skip;

describe('tools/k8s-validate', () => {
  afterAll(() => {
    if (validator) rmSync(validator, { force: true });
  });
  // Built while the file is collected, not in a hook: whether the tests run or skip depends on it.
  {
    // -trimpath as scripts/install-tools.sh builds it, so the Go build cache it filled is reused.
    const out = join(root, '.tmp', `k8s-validate-${process.pid}`);
    const r = spawnSync('go', ['build', '-trimpath', '-o', out, '.'], {
      cwd: join(root, 'tools', 'k8s-validate'),
      encoding: 'utf8',
      timeout: 600_000,
    });
    // Only a missing Go skips; a build that fails (modules included) fails the suite.
    if (r.error) noValidator = `go is not installed (${r.error.message})`;
    else {
      assert.equal(r.status, 0, `building tools/k8s-validate failed:\n${r.stderr}`);
      validator = out;
    }
  }
  if (noValidator) console.warn(`skipped: ${noValidator}`);
  if (renderSkip) console.warn(`renders skipped: ${renderSkip}`);
  const withValidator = validator ? test : test.skip;
  const withRenders = validator && !renderSkip ? test : test.skip;

  for (const layer of LAYERS) {
    withRenders(`k8s/${layer} decodes strictly into the API types`, () => {
      const rendered = renderLayer(layer);
      assert.equal(rendered.error, undefined, rendered.error);
      const r = validate(rendered.yaml ?? '');
      assert.equal(r.status, 0, r.stderr);
      // One "ok" line per rendered object: every object was decoded, none skipped.
      const ok = r.stdout.split('\n').filter((l) => l.startsWith('ok '));
      assert.equal(ok.length, rendered.objects?.length);
      for (const o of rendered.objects ?? []) {
        const name = o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name;
        assert.ok(ok.includes(`ok ${o.apiVersion} ${o.kind} ${name}`), `${o.kind} ${name} validated`);
      }
    });
  }

  describe('rejects what the API server would refuse or drop', () => {
    const deployment = (spec: string) =>
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: broken\n  namespace: ns\n${spec}`;
    const cases: Array<[string, string, RegExp]> = [
      [
        'an unknown field, named with its path',
        deployment(
          'spec:\n  selector: {matchLabels: {a: b}}\n  template:\n    metadata: {labels: {a: b}}\n    spec:\n      containers:\n        - name: c\n          image: x\n          portz: []\n',
        ),
        /Deployment ns\/broken: unknown field "spec\.template\.spec\.containers\[0\]\.portz"/,
      ],
      [
        'a value of the wrong type',
        deployment('spec:\n  replicas: two\n'),
        /Deployment ns\/broken: .*spec\.replicas of type int32/,
      ],
      [
        'a bad quantity',
        deployment(
          'spec:\n  template:\n    spec:\n      containers:\n        - name: c\n          resources: {limits: {memory: lots}}\n',
        ),
        /Deployment ns\/broken: .*quantit/i,
      ],
      [
        'a duplicate field',
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: twice\ndata:\n  A: "1"\n  A: "2"\n',
        /ConfigMap twice: .*already set/,
      ],
      [
        'an unknown kind',
        'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n',
        /Widget w: unknown kind/,
      ],
      [
        'an unknown field in a ServiceMonitor',
        'apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata:\n  name: m\nspec:\n  selector: {}\n  endpoints:\n    - port: metrics\n      intervall: 30s\n',
        /ServiceMonitor m: unknown field "spec\.endpoints\[0\]\.intervall"/,
      ],
      [
        'an object without apiVersion',
        'kind: Service\nmetadata:\n  name: s\n',
        /Service s: apiVersion and kind/,
      ],
    ];
    for (const [what, yaml, message] of cases) {
      withValidator(what, () => {
        // After a valid object, so one bad document fails the whole stream.
        const r = validate(`apiVersion: v1\nkind: Namespace\nmetadata:\n  name: fine\n---\n${yaml}`);
        assert.equal(r.status, 1, r.stderr);
        assert.match(r.stderr, message);
        assert.match(r.stdout, /^ok v1 Namespace fine$/m);
      });
    }

    withRenders('a misspelled field in the real prod render', () => {
      const yaml = renderLayer('overlays/prod').yaml ?? '';
      const broken = yaml.replace(
        'topologyKey: kubernetes.io/hostname',
        'topologyKeys: kubernetes.io/hostname',
      );
      assert.notEqual(broken, yaml);
      const r = validate(broken);
      assert.equal(r.status, 1);
      assert.match(
        r.stderr,
        /Deployment baton\/\S+: unknown field "spec\.template\.spec\.topologySpreadConstraints\[\d\]\.topologyKeys"/,
      );
    });

    withValidator('empty input', () => {
      const r = validate('# nothing\n');
      assert.equal(r.status, 1);
      assert.match(r.stderr, /no objects/);
    });
  });
});
