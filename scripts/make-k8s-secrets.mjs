#!/usr/bin/env node
// Makes the two Secrets that k8s/base mounts but does not contain (no keys in git):
//   baton-tls   tls.crt, tls.key (the certificate every service serves and presents to its
//               peers), ca.crt (the CA the internal ports trust)
//   baton-auth  tokens.json (static API tokens, stored hashed, with their roles)
//
//   npm run build && node scripts/make-k8s-secrets.mjs [--namespace NS] [--out DIR] [--apply [--keep-existing]]
//
// It writes the files into DIR (default .baton/k8s-secrets, git-ignored), the plain tokens into
// DIR/tokens.txt (hand them to the callers; only their hashes go into the cluster) and prints the
// kubectl commands that create the Secrets. With --apply it runs them itself against the current
// kubectl context (creating the namespace if missing, replacing Secrets of the same names); with
// --keep-existing as well it changes nothing when both Secrets already exist, so the CA and the
// tokens stay the same across runs (tilt/Tiltfile's cluster mode uses that). The certificate's SANs are the Service DNS names the
// services dial each other by (BATON_<SERVICE>_INTERNAL_ADDR=scheduler:7412...) and their
// namespace-qualified forms.
//
// The material comes from @baton/testing's makeSecurityMaterial: a throwaway CA and a certificate
// valid for 7 days, for dev and test clusters. Production clusters bring their own PKI (e.g.
// cert-manager writing a Secret baton-tls with the same keys and SANs).
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';

const root = new URL('..', import.meta.url).pathname;
const require = createRequire(import.meta.url);

const { values } = parseArgs({
  options: {
    namespace: { type: 'string', short: 'n', default: 'default' },
    out: { type: 'string', default: join(root, '.baton', 'k8s-secrets') },
    apply: { type: 'boolean', default: false },
    'keep-existing': { type: 'boolean', default: false },
  },
});
const ns = values.namespace;
const out = values.out;

function kubectl(args, input) {
  const r = spawnSync('kubectl', args, { input, encoding: 'utf8' });
  if (r.error) {
    console.error(`kubectl: ${r.error.message}`);
    process.exit(1);
  }
  return r;
}

if (values.apply && values['keep-existing']) {
  const r = kubectl(['-n', ns, 'get', 'secret', 'baton-tls', 'baton-auth', '-o', 'name']);
  if (r.status === 0) {
    console.log(
      `baton-tls and baton-auth already exist in ${ns}; kept (the plain tokens are in ${out}/tokens.txt if this machine made them)`,
    );
    process.exit(0);
  }
}

let makeSecurityMaterial;
try {
  ({ makeSecurityMaterial } = require(join(root, 'packages', 'testing', 'dist', 'security.js')));
} catch {
  console.error('packages/testing is not built: run `npm run build` first');
  process.exit(1);
}

const stack = JSON.parse(readFileSync(join(root, 'stack.json'), 'utf8'));
const sans = stack.services.flatMap((s) =>
  [s.name, `${s.name}.${ns}`, `${s.name}.${ns}.svc`, `${s.name}.${ns}.svc.cluster.local`].map(
    (n) => `DNS:${n}`,
  ),
);

// makeSecurityMaterial also writes a rogue CA and a JWT secret (for tests); only what the Secrets
// need is copied out of its working folder, which is then removed (the CA key with it).
const work = join(out, 'material');
rmSync(work, { recursive: true, force: true });
mkdirSync(out, { recursive: true, mode: 0o700 });
const m = makeSecurityMaterial(work, sans);
const files = {
  'tls.crt': m.certFile,
  'tls.key': m.keyFile,
  'ca.crt': m.caFile,
  'tokens.json': m.tokensFile,
};
for (const [name, from] of Object.entries(files)) copyFileSync(from, join(out, name));
writeFileSync(
  join(out, 'tokens.txt'),
  Object.entries(m.tokens)
    .map(([name, token]) => `${name}\t${token}\n`)
    .join(''),
  { mode: 0o600 },
);
rmSync(work, { recursive: true, force: true });

if (values.apply) {
  if (kubectl(['get', 'namespace', ns, '-o', 'name']).status !== 0) {
    const r = kubectl(['create', 'namespace', ns]);
    if (r.status !== 0) {
      console.error(r.stderr);
      process.exit(1);
    }
  }
  const secret = (name, keys) => ({
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'Opaque',
    metadata: { name, namespace: ns, labels: { 'app.kubernetes.io/part-of': 'baton' } },
    data: Object.fromEntries(keys.map((k) => [k, readFileSync(join(out, k)).toString('base64')])),
  });
  const list = {
    apiVersion: 'v1',
    kind: 'List',
    items: [secret('baton-tls', ['tls.crt', 'tls.key', 'ca.crt']), secret('baton-auth', ['tokens.json'])],
  };
  const r = kubectl(['apply', '-f', '-'], JSON.stringify(list));
  process.stdout.write(r.stdout);
  if (r.status !== 0) {
    console.error(r.stderr);
    process.exit(1);
  }
  console.log(
    `Secrets baton-tls and baton-auth applied in ${ns}; plain tokens in ${relative(process.cwd(), out) || '.'}/tokens.txt`,
  );
  process.exit(0);
}

const dir = relative(process.cwd(), out) || '.';
const f = (name) => `--from-file=${name}=${join(dir, name)}`;
console.log(`Wrote ${dir}/{tls.crt,tls.key,ca.crt,tokens.json} and the plain tokens in ${dir}/tokens.txt.
Certificate SANs: ${sans.join(', ')}

Create the Secrets (namespace ${ns}):
  kubectl -n ${ns} create secret generic baton-tls ${f('tls.crt')} ${f('tls.key')} ${f('ca.crt')}
  kubectl -n ${ns} create secret generic baton-auth ${f('tokens.json')}`);
