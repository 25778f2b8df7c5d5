/**
 * The key service-account tokens are signed with: `<dataDir>/pki/sa.key` (kubeadm's name), an
 * ECDSA P-256 private key in PKCS#8 PEM, 0600, made at the first start like the cluster CA and
 * shared by every replica the same way (copied before a replica first starts, see
 * scripts/cluster/ha-members.ts), so a token one replica signs is accepted by all.
 * The `kid` is Kubernetes' choice: the unpadded base64url SHA-256 of the public key's DER.
 */
import { createHash, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { signingKeyFromPem, type JwtSigningKey } from './jwt';

export const SERVICE_ACCOUNT_KEY_FILE = 'sa.key';

export function keyIdOf(privateKeyPem: string): string {
  const der = createPublicKey(privateKeyPem).export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('base64url');
}

function newKeyPem(): string {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

/** Reads the key, creating it when absent; two replicas starting at once on one directory end with the same key. */
export function loadOrCreateServiceAccountKey(dataDir: string): JwtSigningKey {
  const dir = path.join(dataDir, 'pki');
  const file = path.join(dir, SERVICE_ACCOUNT_KEY_FILE);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  try {
    writeFileSync(file, newKeyPem(), { mode: 0o600, flag: 'wx' });
  } catch (err: unknown) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const pem = readFileSync(file, 'utf8');
  return signingKeyFromPem(pem, keyIdOf(pem));
}
