/**
 * The `aescbc` provider's cipher, byte for byte as kube-apiserver stores it after the
 * `k8s:enc:aescbc:v1:<key name>:` prefix: a random 16-byte IV, then AES-CBC of the value padded
 * with PKCS#7 (1 to 16 bytes, each the pad's length). CBC authenticates nothing (no use of the
 * etcd key, no tag): a wrong key or tampered bytes show as bad padding, or as garbage that the
 * JSON decoder then refuses. Kubernetes recommends aesgcm or KMS over it for that reason.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { ValueTransformer } from './value-transformer';

const BLOCK = 16;

export function aesCbcTransformer(key: Buffer): ValueTransformer {
  const algorithm = `aes-${key.length * 8}-cbc`;
  return {
    toStorage(plain) {
      const iv = randomBytes(BLOCK);
      const pad = BLOCK - (plain.length % BLOCK);
      const cipher = createCipheriv(algorithm, key, iv).setAutoPadding(false);
      return Buffer.concat([iv, cipher.update(Buffer.concat([plain, Buffer.alloc(pad, pad)])), cipher.final()]);
    },
    fromStorage(stored) {
      if (stored.length < BLOCK) throw new Error('the stored data was shorter than the required size');
      const body = stored.subarray(BLOCK);
      if (body.length % BLOCK !== 0) throw new Error('the stored data is not a multiple of the block size');
      const decipher = createDecipheriv(algorithm, key, stored.subarray(0, BLOCK)).setAutoPadding(false);
      return { plain: unpad(Buffer.concat([decipher.update(body), decipher.final()])), stale: false };
    },
  };
}

/** Removes and checks PKCS#7 padding. */
function unpad(padded: Buffer): Buffer {
  const pad = padded.length === 0 ? 0 : padded[padded.length - 1];
  if (pad === 0 || pad > padded.length || pad > BLOCK) throw new Error('invalid PKCS7 data (empty or not padded)');
  for (let i = padded.length - pad; i < padded.length; i++) if (padded[i] !== pad) throw new Error('invalid padding on input');
  return padded.subarray(0, padded.length - pad);
}
