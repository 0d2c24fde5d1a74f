#!/usr/bin/env node
// Makes the two Secrets that k8s/base mounts but does not contain (no keys in git):
//   baton-tls   tls.crt, tls.key (the certificate every service serves and presents to its
//               peers), ca.crt (the CA the internal ports trust)
//   baton-auth  tokens.json (static API tokens, stored hashed, with their roles)
//
//   npm run build && node scripts/make-k8s-secrets.mjs [--namespace NS] [--out DIR]
//
// It writes the files into DIR (default .baton/k8s-secrets, git-ignored), the plain tokens into
// DIR/tokens.txt (hand them to the callers; only their hashes go into the cluster) and prints the
// kubectl commands that create the Secrets. The certificate's SANs are the Service DNS names the
// services dial each other by (BATON_<SERVICE>_INTERNAL_ADDR=scheduler:7412...) and their
// namespace-qualified forms.
//
// The material comes from @baton/testing's makeSecurityMaterial: a throwaway CA and a certificate
// valid for 7 days, for dev and test clusters. Production clusters bring their own PKI (e.g.
// cert-manager writing a Secret baton-tls with the same keys and SANs).
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
  },
});
const ns = values.namespace;
const out = values.out;

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

const dir = relative(process.cwd(), out) || '.';
const f = (name) => `--from-file=${name}=${join(dir, name)}`;
console.log(`Wrote ${dir}/{tls.crt,tls.key,ca.crt,tokens.json} and the plain tokens in ${dir}/tokens.txt.
Certificate SANs: ${sans.join(', ')}

Create the Secrets (namespace ${ns}):
  kubectl -n ${ns} create secret generic baton-tls ${f('tls.crt')} ${f('tls.key')} ${f('ca.crt')}
  kubectl -n ${ns} create secret generic baton-auth ${f('tokens.json')}`);
