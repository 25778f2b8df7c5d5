/**
 * The `identity` provider: values are stored as they are. Reading refuses a value that starts
 * with `k8s:enc:` (reserved for encrypted data), so with identity first and an encrypting
 * provider after it (decrypting a cluster), encrypted values go on to the provider that can
 * read them instead of reaching a reader as garbage.
 */
import type { ValueTransformer } from './value-transformer';

export const ENCRYPTED_PREFIX = 'k8s:enc:';

export const identityTransformer: ValueTransformer = {
  toStorage: (plain) => plain,
  fromStorage: (stored) => {
    if (stored.subarray(0, ENCRYPTED_PREFIX.length).toString('latin1') === ENCRYPTED_PREFIX) throw new Error('identity transformer tried to read encrypted data');
    return { plain: stored, stale: false };
  },
};
