/**
 * How a value is changed on its way to etcd and back (Kubernetes' storage/value Transformer):
 * encryption at rest is one, identity another. `key` is the object's etcd key; AES-GCM
 * authenticates it (a value copied under another key does not decrypt), as kube-apiserver's
 * etcd3 store passes the key as the authenticated data of every transformation.
 */

/** What reading a stored value gives: its plain bytes, and whether it should be written again. */
export interface ReadValue {
  plain: Buffer;
  /** Read by a provider or key other than the first (the one that writes): a rewrite would change it. */
  stale: boolean;
}

export interface ValueTransformer {
  /** The bytes to store for `plain` under `key`. */
  toStorage(plain: Buffer, key: string): Buffer;
  /** The plain bytes of a stored value; throws an Error saying why when it cannot. */
  fromStorage(stored: Buffer, key: string): ReadValue;
}

/** A transformer and the prefix its stored values start with (`k8s:enc:aescbc:v1:`, `key1:`, or none). */
export interface PrefixedTransformer {
  prefix: Buffer;
  transformer: ValueTransformer;
}

/**
 * The store's view: the transformer for each etcd key (undefined when values under it are
 * stored as they are).
 */
export interface StorageTransformers {
  forKey(key: string): ValueTransformer | undefined;
}
