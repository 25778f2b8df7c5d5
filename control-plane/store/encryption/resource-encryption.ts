/**
 * The encryption configuration applied to pikube's etcd keys: each stored resource gets the
 * providers of the first configuration entry that covers it (entries are read in order, earlier
 * ones taking precedence, as kube-apiserver does), built into one prefix-transformer list —
 * `k8s:enc:<provider>:v1:` then `<key name>:` for aescbc/aesgcm, no prefix for identity.
 */
import type { KeySpace, ResourceRef } from '../keys';
import { resourcePrefix } from '../keys';
import { aesCbcTransformer } from './aes-cbc-transformer';
import { aesGcmTransformer } from './aes-gcm-transformer';
import { coversResource, type EncryptionConfig, type EncryptionProvider } from './encryption-config';
import { identityTransformer } from './identity-transformer';
import { prefixTransformers } from './prefix-transformers';
import type { PrefixedTransformer, StorageTransformers, ValueTransformer } from './value-transformer';

/** One stored resource whose values the configuration transforms. */
export interface EncryptedResource {
  /** `secrets`, `deployments.apps`. */
  name: string;
  /** Its etcd key prefix (ends with '/'). */
  prefix: string;
  transformer: ValueTransformer;
  /** What writes its values: `aescbc key "key2"`, `identity` (names only, never secrets). */
  writer: string;
}

export interface ResourceEncryptionPlan extends StorageTransformers {
  /** Every stored resource the configuration names (identity-only ones included). */
  readonly resources: readonly EncryptedResource[];
  /** Configured names that cover none of the served resources (a typo, or a kind pikube lacks). */
  readonly unmatched: readonly string[];
}

export function resourceEncryption(config: EncryptionConfig, keySpace: KeySpace, kinds: readonly ResourceRef[]): ResourceEncryptionPlan {
  const entries = config.resources.map((entry) => ({ entry, transformer: providersTransformer(entry.providers), writer: writerOf(entry.providers[0]) }));
  const resources: EncryptedResource[] = [];
  for (const kind of kinds) {
    const found = entries.find(({ entry }) => entry.resources.some((r) => coversResource(r, kind)));
    if (found) resources.push({ name: kind.group ? `${kind.resource}.${kind.group}` : kind.resource, prefix: resourcePrefix(keySpace, kind), transformer: found.transformer, writer: found.writer });
  }
  const unmatched = config.resources.flatMap((e) => e.resources).filter((r) => !kinds.some((k) => coversResource(r, k)));
  return {
    resources,
    unmatched,
    forKey: (key) => resources.find((r) => key.startsWith(r.prefix))?.transformer,
  };
}

function writerOf(provider: EncryptionProvider): string {
  return provider.type === 'identity' ? 'identity' : `${provider.type} key "${provider.keys[0]?.name ?? ''}"`;
}

function providersTransformer(providers: readonly EncryptionProvider[]): ValueTransformer {
  return prefixTransformers(providers.map(prefixed), 'no matching prefix found');
}

function prefixed(provider: EncryptionProvider): PrefixedTransformer {
  if (provider.type === 'identity') return { prefix: Buffer.alloc(0), transformer: identityTransformer };
  const cipher = provider.type === 'aescbc' ? aesCbcTransformer : aesGcmTransformer;
  const keys = provider.keys.map((k) => ({ prefix: Buffer.from(`${k.name}:`), transformer: cipher(k.secret) }));
  return { prefix: Buffer.from(`k8s:enc:${provider.type}:v1:`), transformer: prefixTransformers(keys, 'no matching key was found for the provided AES transformer') };
}
