// Renders the kustomizations under k8s/ with `kubectl kustomize` (offline) and reads what the
// rendered objects say: the generated ConfigMap and Secret, and the environment each container
// ends up with.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { repoRoot } from './stack';

// biome-ignore lint/suspicious/noExplicitAny: rendered Kubernetes objects are checked field by field.
export type Obj = any;

export const root = repoRoot();

/** The kustomizations every check runs on, by path under k8s/. */
export const LAYERS = ['base', 'overlays/dev', 'overlays/prod'] as const;
export type Layer = (typeof LAYERS)[number];

export interface Rendered {
  /** The YAML exactly as kubectl printed it. */
  yaml?: string;
  objects?: Obj[];
  /** Why the render could not run here (kubectl missing). */
  skip?: string;
  error?: string;
}

export function kustomize(dir: string): Rendered {
  const r = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8', timeout: 60_000 });
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT') {
    return { skip: 'kubectl is not installed (it renders kustomize offline: kubectl kustomize k8s/base)' };
  }
  if (r.status !== 0) return { error: `kubectl kustomize ${dir} failed (${r.status}): ${r.stderr}` };
  const objects: Obj[] = [];
  for (const d of parseAllDocuments(r.stdout)) {
    if (d.errors.length > 0) return { error: `rendered YAML does not parse: ${d.errors[0].message}` };
    const o = d.toJS();
    if (o) objects.push(o);
  }
  return { yaml: r.stdout, objects };
}

const cache = new Map<Layer, Rendered>();

/** k8s/<layer> rendered once per process. */
export function renderLayer(layer: Layer): Rendered {
  let r = cache.get(layer);
  if (!r) {
    r = kustomize(join(root, 'k8s', layer));
    cache.set(layer, r);
  }
  return r;
}

/** The objects of a layer; fails the test when the render failed. */
export function objectsOf(layer: Layer): Obj[] {
  const r = renderLayer(layer);
  assert.equal(r.error, undefined, r.error);
  return r.objects ?? [];
}

export function findIn(objects: Obj[], kind: string, name: string): Obj {
  const o = objects.find((x) => x.kind === kind && x.metadata?.name === name);
  assert.ok(o, `no ${kind} named ${name} in the render`);
  return o;
}

/** A generated object: `name` itself, or `name-<hash>` as kustomize's generators write it. */
export function generated(objects: Obj[], kind: string, name: string): Obj[] {
  const re = new RegExp(`^${name}(-[a-z0-9]+)?$`);
  return objects.filter((o) => o.kind === kind && re.test(o.metadata?.name ?? ''));
}

/** A Secret's values, decoded (data is base64, stringData plain). */
export function secretValues(secret: Obj): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(secret.data ?? {}))
    out[k] = Buffer.from(String(v), 'base64').toString();
  for (const [k, v] of Object.entries(secret.stringData ?? {})) out[k] = String(v);
  return out;
}

export interface ResolvedEnv {
  /** Every variable the container gets, from envFrom (in order) then env. */
  env: Record<string, string>;
  /** envFrom sources that the render does not contain (created in the cluster by operators). */
  external: Array<{ kind: 'ConfigMap' | 'Secret'; name: string; optional: boolean }>;
}

/** What a container's environment resolves to within one render, as the kubelet would build it. */
export function resolveEnv(objects: Obj[], container: Obj): ResolvedEnv {
  const env: Record<string, string> = {};
  const external: ResolvedEnv['external'] = [];
  for (const from of container.envFrom ?? []) {
    const ref = from.configMapRef ?? from.secretRef;
    const kind = from.configMapRef ? 'ConfigMap' : 'Secret';
    const o = objects.find((x) => x.kind === kind && x.metadata?.name === ref.name);
    if (!o) {
      external.push({ kind, name: ref.name, optional: ref.optional === true });
      continue;
    }
    const values = kind === 'Secret' ? secretValues(o) : (o.data ?? {});
    for (const [k, v] of Object.entries(values)) env[`${from.prefix ?? ''}${k}`] = String(v);
  }
  for (const e of container.env ?? []) {
    if (e.value !== undefined) env[e.name] = String(e.value);
    else if (e.valueFrom?.configMapKeyRef || e.valueFrom?.secretKeyRef) {
      const ref = e.valueFrom.configMapKeyRef ?? e.valueFrom.secretKeyRef;
      const kind = e.valueFrom.configMapKeyRef ? 'ConfigMap' : 'Secret';
      const o = objects.find((x) => x.kind === kind && x.metadata?.name === ref.name);
      if (!o) external.push({ kind, name: ref.name, optional: ref.optional === true });
      else env[e.name] = (kind === 'Secret' ? secretValues(o) : o.data)[ref.key];
    }
  }
  return { env, external };
}

/** Kubernetes resource quantities to plain numbers (cores, bytes). */
export function quantity(q: string | number): number {
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
