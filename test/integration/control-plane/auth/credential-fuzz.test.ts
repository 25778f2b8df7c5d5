/**
 * Fuzzed credentials against a real `pikube-server serve` process: bearer tokens shaped as
 * service-account JWTs (alg none, unknown kid, forged signatures, huge or broken payloads),
 * bootstrap tokens and random header text, and client certificates that must not pass (self-signed
 * admin, expired, from another CA, garbage subjects). Every one is refused — 401, 431 for a header
 * too large, or a failed handshake — none is ever let in, and the process stays up and serving with
 * its memory bounded.
 */
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { issueAdminCertificate, loadOrCreateCertificateAuthority } from '../../../../control-plane/auth/cluster-pki';
import { createCertificateAuthority, issueCertificate, type KeyPair } from '../../../../control-plane/auth/pki';
import { startControlPlaneReplica, type ControlPlaneReplica } from '../../../support/control-plane-process';
import { withEtcd } from '../../../support/etcd-fixture';

/** What a request came back with: a status, or the TLS or socket error that ended it. */
type Outcome = { status: number } | { error: string };

const base64url = (text: string | Buffer): string => Buffer.from(text).toString('base64url');

/** `header.payload.signature` from parts fast-check chose. */
const jwt = fc.record({
  header: fc.oneof(
    fc.constant({ alg: 'none' }),
    fc.record({ alg: fc.constantFrom('RS256', 'ES256', 'HS256', 'PS512', 'none', ''), kid: fc.string({ maxLength: 40 }), typ: fc.constantFrom('JWT', 'x') }, { requiredKeys: ['alg'] }),
    fc.jsonValue(),
  ),
  payload: fc.oneof(
    fc.record({
      iss: fc.constantFrom('kubernetes/serviceaccount', 'https://kubernetes.default.svc.cluster.local', ''),
      sub: fc.constantFrom('system:serviceaccount:default:default', 'system:serviceaccount:kube-system:admin', 'system:admin'),
      aud: fc.oneof(fc.constant(['https://kubernetes.default.svc.cluster.local']), fc.string()),
      exp: fc.oneof(fc.integer(), fc.constant(4102444800), fc.string()),
      'kubernetes.io': fc.jsonValue({ maxDepth: 3 }),
    }, { requiredKeys: [] }),
    fc.jsonValue({ maxDepth: 4 }),
    fc.string({ maxLength: 6000 }),
  ),
  signature: fc.oneof(fc.uint8Array({ maxLength: 512 }).map((b) => base64url(Buffer.from(b))), fc.constant(''), fc.string({ maxLength: 80 })),
  breakPart: fc.constantFrom(-1, 0, 1, 2),
}).map(({ header, payload, signature, breakPart }) => {
  const parts = [base64url(JSON.stringify(header)), base64url(typeof payload === 'string' ? payload : JSON.stringify(payload)), signature];
  // Now and then one part is not base64url at all.
  if (breakPart >= 0) parts[breakPart] = `${parts[breakPart]}*%!`;
  return parts.join('.');
});

const bootstrapShaped = fc.tuple(fc.stringMatching(/^[a-z0-9]{6}$/), fc.stringMatching(/^[a-z0-9]{16}$/)).map(([id, secret]) => `${id}.${secret}`);
const headerText = fc.array(fc.integer({ min: 32, max: 126 }), { maxLength: 400 }).map((codes) => String.fromCharCode(...codes));

describe('fuzzed bearer tokens and client certificates (real server process)', function () {
  this.timeout(240_000);
  const etcd = withEtcd();
  let dir: string;
  let replica: ControlPlaneReplica;
  let ca: KeyPair;
  let admin: KeyPair;

  function request(opts: { token?: string; cert?: KeyPair; path?: string }): Promise<Outcome> {
    return new Promise((resolve) => {
      const req = https.get({
        host: '127.0.0.1', port: replica.apiPort, path: opts.path ?? '/api/v1/namespaces/kube-system/secrets', ca: ca.certPem, agent: false,
        headers: opts.token === undefined ? {} : { Authorization: `Bearer ${opts.token}` },
        ...(opts.cert ? { cert: opts.cert.certPem, key: opts.cert.keyPem } : {}),
        timeout: 10_000,
      }, (res) => {
        res.resume();
        resolve({ status: res.statusCode ?? 0 });
      });
      req.on('timeout', () => req.destroy(new Error('no answer within 10 s')));
      req.on('error', (err) => resolve({ error: err.message }));
    });
  }

  const refused = (o: Outcome): boolean => ('status' in o ? o.status === 401 || o.status === 431 : !/no answer/.test(o.error));
  const rssKiB = (): number => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${replica.process.pid}/status`, 'utf8'))?.[1]);

  before(async function () {
    this.timeout(60_000);
    dir = mkdtempSync(path.join(os.tmpdir(), 'pikube-fuzz-'));
    replica = await startControlPlaneReplica({ dataDir: dir, etcdEndpoint: etcd.get().endpoint, etcdPrefix: etcd.get().keySpace().prefix });
    ca = loadOrCreateCertificateAuthority(dir);
    admin = issueAdminCertificate(ca);
  });

  after(async function () {
    this.timeout(30_000);
    await replica?.process.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses every fuzzed bearer token (JWT-shaped, bootstrap-shaped, random text) with 401, and stays up with bounded memory', async () => {
    const before = rssKiB();
    const seen: string[] = [];
    await fc.assert(fc.asyncProperty(fc.oneof(jwt, bootstrapShaped, headerText), async (token) => {
      const outcome = await request({ token });
      seen.push('status' in outcome ? String(outcome.status) : outcome.error);
      assert.ok(refused(outcome), `token ${JSON.stringify(token.slice(0, 200))} → ${JSON.stringify(outcome)}`);
    }), { numRuns: 600 });
    const huge = await request({ token: `${'a'.repeat(6)}.${'b'.repeat(200_000)}` });
    assert.ok(refused(huge), JSON.stringify(huge));
    assert.deepEqual(await request({ cert: admin, path: '/readyz' }), { status: 200 });
    const grownMiB = (rssKiB() - before) / 1024;
    console.log(`      600 fuzzed tokens: ${[...new Set(seen)].join(', ')}; RSS ${Math.round(before / 1024)} → ${Math.round(rssKiB() / 1024)} MiB`);
    assert.ok(grownMiB < 80, `the control plane grew by ${grownMiB.toFixed(1)} MiB`);
  });

  it('refuses client certificates it did not issue or that expired, and garbage subjects, never letting one in', async () => {
    const stranger = createCertificateAuthority('pikube-ca');
    const certs: [string, KeyPair][] = [
      ['self-signed admin (a CA of its own named as ours)', issueCertificate(stranger, { commonName: 'kubernetes-admin', organizations: ['system:masters'], usages: ['clientAuth'] })],
      ['expired, from our CA', issueCertificate(ca, { commonName: 'kubernetes-admin', organizations: ['system:masters'], usages: ['clientAuth'], validityMs: -60_000 })],
      ['a serving-only certificate from another CA', issueCertificate(stranger, { commonName: 'x', usages: ['serverAuth'] })],
    ];
    for (const [what, cert] of certs) {
      const outcome = await request({ cert });
      assert.ok(refused(outcome), `${what} → ${JSON.stringify(outcome)}`);
    }
    // Garbage subjects from our own CA are valid certificates: they authenticate as that odd user and get nothing.
    await fc.assert(fc.asyncProperty(fc.string({ minLength: 1, maxLength: 300 }), fc.array(fc.string({ maxLength: 64 }), { maxLength: 4 }), async (cn, groups) => {
      const cert = issueCertificate(ca, { commonName: cn, organizations: groups.filter((g) => g !== 'system:masters'), usages: ['clientAuth'] });
      const outcome = await request({ cert });
      assert.ok('status' in outcome ? outcome.status === 401 || outcome.status === 403 : !/no answer/.test(outcome.error), `CN ${JSON.stringify(cn)} → ${JSON.stringify(outcome)}`);
    }), { numRuns: 25 });
    assert.deepEqual(await request({ cert: admin, path: '/readyz' }), { status: 200 });
  });
});
