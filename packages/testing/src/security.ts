// Throwaway security material for a local or test stack: a CA, one certificate the services share
// (server and client: the internal ports admit it), a rogue CA's certificate for hostile tests, an
// HS256 secret for JWTs and static API tokens stored hashed. Made with the openssl binary (fixed
// arguments, no shell), valid for a few days.
import { createHash, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface SecurityMaterial {
  dir: string;
  caFile: string;
  /** The services' certificate and key (CN baton-services; SAN 127.0.0.1, localhost). */
  certFile: string;
  keyFile: string;
  /** A certificate signed by another CA: the internal ports must refuse it. */
  rogueCertFile: string;
  rogueKeyFile: string;
  jwtSecretFile: string;
  tokensFile: string;
  /** Static API tokens by name: admin (everywhere), operator, viewer, and team-operator (operator:team.). */
  tokens: Record<string, string>;
  /** What the services need: BATON_TLS=on, BATON_AUTH=required and the files. */
  serviceEnv: Record<string, string>;
}

const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

function makeCa(dir: string, name: string): void {
  openssl(dir, [
    'req',
    '-x509',
    ...ec,
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.pem`,
    '-days',
    '7',
    '-subj',
    `/CN=${name}`,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
}

function makeLeaf(dir: string, name: string, ca: string, cn: string, sans: string): void {
  writeFileSync(
    join(dir, `${name}.ext`),
    `subjectAltName=${sans}\nextendedKeyUsage=serverAuth,clientAuth\nbasicConstraints=CA:FALSE\n`,
  );
  openssl(dir, ['req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`]);
  openssl(dir, [
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    `${ca}.pem`,
    '-CAkey',
    `${ca}.key`,
    '-CAcreateserial',
    '-out',
    `${name}.pem`,
    '-days',
    '7',
    '-extfile',
    `${name}.ext`,
  ]);
}

/**
 * Makes the material in `dir`. `extraSans` adds names to the services' certificate (e.g. the
 * Kubernetes service names), written as openssl subjectAltName entries (DNS:x, IP:y).
 */
export function makeSecurityMaterial(dir: string, extraSans: string[] = []): SecurityMaterial {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  makeCa(dir, 'ca');
  makeCa(dir, 'rogue-ca');
  makeLeaf(
    dir,
    'services',
    'ca',
    'baton-services',
    ['IP:127.0.0.1', 'DNS:localhost', ...extraSans].join(','),
  );
  makeLeaf(dir, 'rogue', 'rogue-ca', 'baton-services', 'IP:127.0.0.1,DNS:localhost');
  const jwtSecretFile = join(dir, 'jwt-secret');
  writeFileSync(jwtSecretFile, randomBytes(32).toString('base64url'), { mode: 0o600 });
  const grants: Record<string, string[]> = {
    admin: ['admin'],
    operator: ['operator'],
    viewer: ['viewer'],
    'team-operator': ['operator:team.'],
  };
  const tokens: Record<string, string> = {};
  const stored = Object.entries(grants).map(([name, roles]) => {
    const token = `bt_${randomBytes(24).toString('base64url')}`;
    tokens[name] = token;
    return { name, sha256: createHash('sha256').update(token).digest('hex'), roles };
  });
  const tokensFile = join(dir, 'tokens.json');
  writeFileSync(tokensFile, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600 });
  const f = (n: string) => join(dir, n);
  return {
    dir,
    caFile: f('ca.pem'),
    certFile: f('services.pem'),
    keyFile: f('services.key'),
    rogueCertFile: f('rogue.pem'),
    rogueKeyFile: f('rogue.key'),
    jwtSecretFile,
    tokensFile,
    tokens,
    serviceEnv: {
      BATON_TLS: 'on',
      BATON_TLS_CERT: f('services.pem'),
      BATON_TLS_KEY: f('services.key'),
      BATON_TLS_CA: f('ca.pem'),
      BATON_AUTH: 'required',
      BATON_AUTH_TOKENS_FILE: tokensFile,
      BATON_AUTH_JWT_SECRET_FILE: jwtSecretFile,
    },
  };
}
