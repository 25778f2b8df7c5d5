/**
 * One informer per resource, shared by every consumer in the process (client-go's
 * SharedInformerFactory): controllers, the scheduler and the node service ask for `pods` and
 * get the same cache, so each resource is listed and watched once. Every informer carries the
 * indexes controllers look things up by: namespace, node (`spec.nodeName`) and owner uid.
 */
import type { KubeObject } from '../../../api/meta';
import type { Disposable } from '../../../base/disposable';
import { Informer, type InformerOptions } from '../../store/informer';
import { resourcePrefix, type KeySpace, type ResourceRef } from '../../store/keys';
import type { Store } from '../../store/store';

/** Objects by `metadata.namespace` (cluster-scoped ones are in none). */
export const BY_NAMESPACE = 'byNamespace';
/** Objects by `spec.nodeName` (pods bound to a node). */
export const BY_NODE = 'byNode';
/** Objects by the uid of each of their owners. */
export const BY_OWNER_UID = 'byOwnerUid';

export interface InformerFactoryOptions {
  store: Store;
  keySpace: KeySpace;
  /** Where a resource's objects live, from its name (`pods`, `endpointslices.discovery.k8s.io`): the registry knows. */
  resolve(resource: string): ResourceRef;
  informer?: InformerOptions;
}

/** Read access to the shared informers, as controllers get it. */
export interface SharedInformers {
  forResource<T extends KubeObject>(resource: string): Informer<T>;
  /**
   * An informer that holds at least each object's apiVersion, kind and metadata (client-go's
   * metadata informers): the full one when the resource already has one, otherwise one that
   * keeps only those, so a consumer of metadata (the garbage collector) does not hold every
   * Event in memory. Ask for full informers first: a full one asked for later is a second watch.
   */
  forMetadata(resource: string): Informer<KubeObject>;
  /**
   * Stops and forgets an informer `forMetadata` made that is needed no more (the kind of a
   * deleted CustomResourceDefinition); a full informer is shared and stays.
   */
  releaseMetadata(informer: Informer<KubeObject>): void;
}

/** What a metadata-only informer keeps of an object. */
export function metadataOf(object: KubeObject): KubeObject {
  return { apiVersion: object.apiVersion, kind: object.kind, metadata: object.metadata };
}

export class InformerFactory implements SharedInformers, Disposable {
  /** By key prefix (`metadata:` and the prefix for metadata-only ones): one informer however the resource is named. */
  private readonly informers = new Map<string, Informer<KubeObject>>();
  private started = false;
  private disposed = false;

  constructor(private readonly opts: InformerFactoryOptions) {}

  /** The shared informer of a resource; one asked for after `start()` starts at once. */
  forResource<T extends KubeObject>(resource: string): Informer<T> {
    const prefix = this.prefixOf(resource);
    // Informers are keyed by what they hold: the prefix of one resource, hence one T.
    return this.informerFor(prefix, () => new Informer<KubeObject>(this.opts.store, prefix, this.opts.informer)) as unknown as Informer<T>;
  }

  private prefixOf(resource: string): string {
    if (this.disposed) throw new Error(`informer factory disposed; ${resource} asked for`);
    return resourcePrefix(this.opts.keySpace, this.opts.resolve(resource));
  }

  /** The informer under `key`, made (with the standard indexes, started if the factory is) when there is none. */
  private informerFor(key: string, make: () => Informer<KubeObject>): Informer<KubeObject> {
    const existing = this.informers.get(key);
    if (existing) return existing;
    const informer = withStandardIndexes(make());
    this.informers.set(key, informer);
    if (this.started) informer.start();
    return informer;
  }

  forMetadata(resource: string): Informer<KubeObject> {
    const prefix = this.prefixOf(resource);
    const full = this.informers.get(prefix);
    if (full) return full;
    return this.informerFor(`metadata:${prefix}`, () => new Informer<KubeObject>(this.opts.store, prefix, { ...this.opts.informer, keep: metadataOf }));
  }

  releaseMetadata(informer: Informer<KubeObject>): void {
    for (const [key, held] of this.informers) {
      if (held !== informer || !key.startsWith('metadata:')) continue;
      this.informers.delete(key);
      informer.dispose();
    }
  }

  /** Starts every informer asked for so far, and any asked for later. */
  start(): void {
    if (this.started) return;
    this.started = true;
    for (const informer of this.informers.values()) informer.start();
  }

  dispose(): void {
    this.disposed = true;
    for (const informer of this.informers.values()) informer.dispose();
  }
}

function withStandardIndexes<T extends KubeObject>(informer: Informer<T>): Informer<T> {
  informer.addIndex(BY_NAMESPACE, (o) => (o.metadata.namespace ? [o.metadata.namespace] : []));
  informer.addIndex(BY_NODE, (o) => nodeNameOf(o));
  informer.addIndex(BY_OWNER_UID, (o) => (o.metadata.ownerReferences ?? []).map((ref) => ref.uid));
  return informer;
}

function nodeNameOf(object: KubeObject): string[] {
  const spec = (object as { spec?: { nodeName?: unknown } }).spec;
  return typeof spec?.nodeName === 'string' && spec.nodeName !== '' ? [spec.nodeName] : [];
}
