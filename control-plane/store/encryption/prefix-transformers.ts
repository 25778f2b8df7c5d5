/**
 * An ordered list of prefixed transformers, as Kubernetes' value.NewPrefixTransformers: the
 * first writes (its prefix, then its output); a read is tried by every one whose prefix the
 * stored value starts with, in order, and a failure goes on to the next (two keys of one
 * provider share its prefix). A read by any but the first is stale. An empty prefix (identity)
 * that fails is passed over silently, so encrypted data never reads as plain.
 */
import type { PrefixedTransformer, ReadValue, ValueTransformer } from './value-transformer';

export function prefixTransformers(list: readonly PrefixedTransformer[], noMatch: string): ValueTransformer {
  if (list.length === 0) throw new Error('prefixTransformers needs at least one transformer');
  return {
    toStorage: (plain, key) => Buffer.concat([list[0].prefix, list[0].transformer.toStorage(plain, key)]),
    fromStorage: (stored, key) => readFirst(list, stored, key, noMatch),
  };
}

function readFirst(list: readonly PrefixedTransformer[], stored: Buffer, key: string, noMatch: string): ReadValue {
  const errors: string[] = [];
  for (const [i, { prefix, transformer }] of list.entries()) {
    if (!startsWith(stored, prefix)) continue;
    try {
      const read = transformer.fromStorage(stored.subarray(prefix.length), key);
      return { plain: read.plain, stale: read.stale || i !== 0 };
    } catch (err: unknown) {
      if (prefix.length > 0) errors.push(err instanceof Error ? err.message : String(err));
    }
  }
  throw new Error(errors.length === 0 ? noMatch : errors.length === 1 ? errors[0] : `[${errors.join(', ')}]`);
}

function startsWith(data: Buffer, prefix: Buffer): boolean {
  return data.length >= prefix.length && data.subarray(0, prefix.length).equals(prefix);
}
