/**
 * Read-modify-write through the Registry, so node-side writes get the API's validation and
 * resourceVersion semantics: read, compute the next object from a private copy, write it
 * with the resourceVersion read (a compare-and-swap), and on Conflict read again and compute
 * again. An unchanged result writes nothing (an idle cluster should not wear its SD card).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { isApiError } from '../../api/errors';
import type { KubeObject } from '../../api/meta';
import type { Registry } from '../registry/registry';
import type { ResourceInfo } from '../registry/resource-info';

export interface RegistryUpdateOptions {
  /** Write through `…/status` (only the status changes) instead of the main resource. */
  subresource?: 'status';
  /** Default 5. */
  attempts?: number;
  signal?: AbortSignal;
}

async function writeOnce<T extends KubeObject>(registry: Registry, info: ResourceInfo, next: T, opts: RegistryUpdateOptions): Promise<T> {
  const { namespace, name = '' } = next.metadata;
  if (opts.subresource === 'status') return registry.updateStatus<T>(info, namespace, name, next);
  return (await registry.update<T>(info, namespace, name, next)).object;
}

/**
 * Resolves with the written object, or undefined when nothing was written (the object is
 * gone, or `mutate` wanted no change). Rejects with Conflict when every attempt lost a race.
 */
export async function updateThroughRegistry<T extends KubeObject>(
  registry: Registry, info: ResourceInfo, namespace: string | undefined, name: string,
  mutate: (current: T) => T | undefined, opts: RegistryUpdateOptions = {},
): Promise<T | undefined> {
  const attempts = opts.attempts ?? 5;
  for (let attempt = 1; ; attempt++) {
    opts.signal?.throwIfAborted();
    const current = await registry.get<T>(info, namespace, name).catch((err: unknown) => {
      if (isApiError(err, 'NotFound')) return undefined;
      throw err;
    });
    if (!current) return undefined;
    const next = mutate(structuredClone(current));
    if (next === undefined || JSON.stringify(next) === JSON.stringify(current)) return undefined;
    next.metadata.resourceVersion = current.metadata.resourceVersion;
    try {
      return await writeOnce(registry, info, next, opts);
    } catch (err: unknown) {
      if (isApiError(err, 'NotFound')) return undefined;
      if (!isApiError(err, 'Conflict') || attempt >= attempts) throw err;
    }
    await sleep(10 * 2 ** (attempt - 1) * (0.5 + Math.random()), undefined, { signal: opts.signal });
  }
}
