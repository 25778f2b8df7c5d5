/**
 * The check a store runs on every object it reads back (StoredObjectCheck): an object under a
 * served resource's key prefix must decode as that resource's kind (typed-decoder.ts). Objects
 * written by older versions with wrong types are thereby skipped, with a logged error, by lists,
 * watches and informers, and a GET of one answers 500 InternalError as Kubernetes answers a
 * corrupt object; no reader meets a number where a string belongs.
 */
import type { KubeObject } from '../../api/meta';
import { resourcePrefix, type KeySpace } from '../store/keys';
import type { StoredObjectCheck } from '../store/store';
import { decodeBody } from './object-decoding';
import type { ResourceDefinition } from '../registry/resource-definition';
import { KINDS } from '../registry/kinds';

export function storedObjectCheck(keySpace: KeySpace, kinds: readonly ResourceDefinition[] = KINDS): StoredObjectCheck {
  const prefixes = kinds.map((info) => ({ prefix: resourcePrefix(keySpace, info), info }));
  return (key: string, object: KubeObject): string | undefined => {
    const info = prefixes.find((p) => key.startsWith(p.prefix))?.info;
    return info ? problemOf(info, object) : undefined;
  };
}

function problemOf(info: ResourceDefinition, object: KubeObject): string | undefined {
  try {
    decodeBody(info, object);
    return undefined;
  } catch (err: unknown) {
    return `not a valid ${info.kind}: ${err instanceof Error ? err.message : String(err)}`;
  }
}
