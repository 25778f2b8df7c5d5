/**
 * The `aesgcm` provider's cipher, byte for byte as kube-apiserver stores it after the
 * `k8s:enc:aesgcm:v1:<key name>:` prefix: a random 12-byte nonce, the AES-GCM ciphertext, and its
 * 16-byte tag; the etcd key is the authenticated data, so a value moved under another key, a
 * tampered byte or a wrong key fails to open. Random nonces bound a key's safe use to about
 * 2^32 writes: rotate aesgcm keys (Kubernetes' advice, kept in docs/design-notes.md).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { ValueTransformer } from './value-transformer';

const NONCE = 12;
const TAG = 16;

export function aesGcmTransformer(key: Buffer): ValueTransformer {
  const algorithm = `aes-${key.length * 8}-gcm` as const;
  return {
    toStorage(plain, etcdKey) {
      const nonce = randomBytes(NONCE);
      const cipher = createCipheriv(algorithm as 'aes-256-gcm', key, nonce).setAAD(Buffer.from(etcdKey));
      const sealed = Buffer.concat([cipher.update(plain), cipher.final()]);
      return Buffer.concat([nonce, sealed, cipher.getAuthTag()]);
    },
    fromStorage(stored, etcdKey) {
      if (stored.length < NONCE + TAG) throw new Error('the stored data was shorter than the required size');
      const decipher = createDecipheriv(algorithm as 'aes-256-gcm', key, stored.subarray(0, NONCE)).setAAD(Buffer.from(etcdKey));
      decipher.setAuthTag(stored.subarray(stored.length - TAG));
      try {
        return { plain: Buffer.concat([decipher.update(stored.subarray(NONCE, stored.length - TAG)), decipher.final()]), stale: false };
      } catch {
        // Go's crypto/cipher says exactly this for any tag mismatch.
        throw new Error('cipher: message authentication failed');
      }
    },
  };
}
