/**
 * Keeps a Registry serving the kinds of every established CustomResourceDefinition, as the
 * apiextensions-apiserver's crdHandler does: it follows the CRDs through a watch (so every
 * control-plane replica serves a CRD created through another one), serves each served version
 * from its definition (custom-resource-kind.ts) while the CRD is Established, including while
 * it terminates (its objects are being deleted), and stops serving it once it is gone. A watch
 * that ends (etcd lost, compaction) is started again from a fresh list.
 */
import type { CustomResourceDefinition } from '../../../api/apiextensions-v1';
import { exponentialDelayMs } from '../../../base/backoff';
import type { Disposable } from '../../../base/disposable';
import { CUSTOM_RESOURCE_DEFINITIONS } from '../kinds/custom-resource-definition';
import type { Registry, RegistryWatch } from '../registry';
import { customResourceKinds } from './custom-resource-kind';

const RETRY_INITIAL_MS = 200;
const RETRY_MAX_MS = 5_000;

function established(crd: CustomResourceDefinition): boolean {
  return (crd.status?.conditions ?? []).some((c) => c.type === 'Established' && c.status === 'True');
}

export class CustomKinds implements Disposable {
  private readonly abort = new AbortController();
  private watch?: RegistryWatch;
  private failures = 0;

  constructor(private readonly registry: Registry, private readonly log: (message: string) => void = () => undefined) {}

  /** Whether the registry serves CustomResourceDefinitions at all (a registry of chosen kinds may not). */
  static applies(registry: Registry): boolean {
    return registry.resources.some((r) => r.group === CUSTOM_RESOURCE_DEFINITIONS.group && r.resource === CUSTOM_RESOURCE_DEFINITIONS.resource);
  }

  /** Starts following the CRDs; resolves once those existing now are served. */
  async start(): Promise<void> {
    const signal = this.abort.signal;
    if (signal.aborted) return;
    const seen = new Set<string>();
    try {
      this.watch = await this.registry.watch<CustomResourceDefinition>(CUSTOM_RESOURCE_DEFINITIONS, {
        onEvent: (event) => {
          seen.add(event.object.metadata.name ?? '');
          this.follow(event.type, event.object);
        },
        onError: (err) => this.restart(`the CustomResourceDefinition watch ended: ${err.message}`),
        signal,
      });
      this.failures = 0;
      this.forgetAllBut(seen);
    } catch (err: unknown) {
      this.restart(`could not watch CustomResourceDefinitions: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  dispose(): void {
    this.abort.abort();
    this.watch?.dispose();
  }

  private follow(type: 'ADDED' | 'MODIFIED' | 'DELETED', crd: CustomResourceDefinition): void {
    const name = crd.metadata.name ?? '';
    if (type === 'DELETED' || !established(crd)) return this.registry.setCustomKinds(name, []);
    try {
      this.registry.setCustomKinds(name, customResourceKinds(crd));
    } catch (err: unknown) {
      this.log(`CustomResourceDefinition ${name} cannot be served: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** After a fresh list: CRDs deleted while no watch was open are served no more. */
  private forgetAllBut(seen: Set<string>): void {
    for (const kind of this.registry.resources) {
      const crdName = `${kind.resource}.${kind.group}`;
      if (kind.schema?.custom && !seen.has(crdName)) this.registry.setCustomKinds(crdName, []);
    }
  }

  private restart(reason: string): void {
    if (this.abort.signal.aborted) return;
    this.watch?.dispose();
    this.log(reason);
    const delay = exponentialDelayMs(++this.failures, RETRY_INITIAL_MS, RETRY_MAX_MS);
    const cancel = (): void => clearTimeout(timer);
    const timer = setTimeout(() => {
      this.abort.signal.removeEventListener('abort', cancel);
      void this.start();
    }, delay);
    this.abort.signal.addEventListener('abort', cancel, { once: true });
  }
}
