/**
 * Owners and dependents across every served kind, as the garbage collector looks them up
 * (the role of Kubernetes' GraphBuilder, on the shared informers instead of a graph of its
 * own): one informer per kind that can be listed, watched and deleted, taken from the API's
 * resource list (so a kind added to the registry is collected with no change here), sharing
 * the full informers other consumers hold and keeping only metadata of the other kinds
 * (events); dependents
 * by the informers' owner-uid index; owners by the kind and name their reference gives, from
 * the cache or, before acting, from the API itself. The kinds follow the resource list as it
 * changes (`sync()`: custom kinds served or no more, as the GraphBuilder's monitors follow
 * discovery), owner-graph-watch.ts says when.
 *
 * A queue key names the kind and the object: `pods default/web-1`, `nodes pi1`.
 */
import type { KubeObject, OwnerReference } from '../../api/meta';
import { cacheKey, type Informer } from '../store/informer';
import { resourceName, unlessNotFound, type ApiClient, type ApiResource } from './framework/api-client';
import { BY_OWNER_UID, type SharedInformers } from './framework/informer-factory';
import { classifyOwner, type ClassifiedOwner } from './garbage-collector-plan';

export interface GraphKind {
  resource: ApiResource;
  /** As the client takes it: `pods`, `endpointslices.discovery.k8s.io`. */
  name: string;
  informer: Informer<KubeObject>;
}

export interface GraphObject {
  kind: GraphKind;
  object: KubeObject;
}

const COLLECTED_VERBS = ['list', 'watch', 'delete'];

function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

function groupKindKey(group: string, kind: string): string {
  return `${group}/${kind}`;
}

/** What `sync()` changed. */
export interface GraphChange {
  added: GraphKind[];
  removed: GraphKind[];
}

/** The same group, kind and scope: a CRD that changes only its versions keeps its informer. */
function sameKind(a: ApiResource | undefined, b: ApiResource): boolean {
  return a !== undefined && a.kind === b.kind && a.namespaced === b.namespaced && a.group === b.group;
}

export class OwnerGraph {
  private readonly byName = new Map<string, GraphKind>();
  /** The same kinds by `<group>/<Kind>`, as references name them (every change of an owned object looks its owners up). */
  private readonly byGroupKind = new Map<string, GraphKind>();

  constructor(private readonly client: ApiClient, private readonly informers: SharedInformers) {
    this.sync();
  }

  /** The kinds followed now. */
  get kinds(): GraphKind[] {
    return [...this.byName.values()];
  }

  /**
   * Follows the kinds the API serves now: an informer for each new collectable kind, none any
   * more for a kind no longer served (its metadata-only informer is released).
   */
  sync(): GraphChange {
    const served = new Map(this.client.resources.filter((r) => COLLECTED_VERBS.every((v) => r.verbs.includes(v))).map((r) => [resourceName(r), r]));
    const removed = [...this.byName.values()].filter((k) => !sameKind(served.get(k.name), k.resource));
    for (const kind of removed) {
      this.byName.delete(kind.name);
      this.informers.releaseMetadata(kind.informer);
    }
    const added: GraphKind[] = [];
    for (const [name, resource] of served) {
      if (this.byName.has(name)) continue;
      const kind = { resource, name, informer: this.informers.forMetadata(name) };
      this.byName.set(name, kind);
      added.push(kind);
    }
    this.byGroupKind.clear();
    for (const k of this.byName.values()) if (!this.byGroupKind.has(groupKindKey(k.resource.group, k.resource.kind))) this.byGroupKind.set(groupKindKey(k.resource.group, k.resource.kind), k);
    return { added, removed };
  }

  keyOf(kind: GraphKind, object: KubeObject): string {
    return `${kind.name} ${cacheKey(object)}`;
  }

  /** The cached object a key names (undefined when the kind is unknown or the object gone). */
  cached(key: string): GraphObject | undefined {
    const space = key.indexOf(' ');
    const kind = this.byName.get(key.slice(0, space));
    const object = kind?.informer.get(key.slice(space + 1));
    return kind && object ? { kind, object } : undefined;
  }

  /** Everything whose ownerReferences name `uid`, of every kind. */
  dependents(uid: string | undefined): GraphObject[] {
    if (!uid) return [];
    return this.kinds.flatMap((kind) => kind.informer.byIndex(BY_OWNER_UID, uid).map((object) => ({ kind, object })));
  }

  /** The owners the object's references name, as cached (with the reference's uid). */
  cachedOwners(object: KubeObject): GraphObject[] {
    return (object.metadata.ownerReferences ?? []).flatMap((ref) => {
      const kind = this.kindOfRef(ref);
      const owner = kind && this.ownerKey(kind, ref, object);
      const found = owner !== undefined ? kind?.informer.get(owner) : undefined;
      return kind && found?.metadata.uid === ref.uid ? [{ kind, object: found }] : [];
    });
  }

  /** Each reference classified against the cache. */
  classifyCached(object: KubeObject): ClassifiedOwner[] {
    return (object.metadata.ownerReferences ?? []).map((ref) => {
      const kind = this.kindOfRef(ref);
      const key = kind && this.ownerKey(kind, ref, object);
      return { ref, state: kind && key !== undefined ? classifyOwner(ref, kind.informer.get(key)) : 'solid' };
    });
  }

  /** Each reference classified against the API (what the collector acts on). */
  classifyLive(object: KubeObject, signal: AbortSignal): Promise<ClassifiedOwner[]> {
    return Promise.all((object.metadata.ownerReferences ?? []).map(async (ref): Promise<ClassifiedOwner> => {
      const kind = this.kindOfRef(ref);
      if (!kind || this.ownerKey(kind, ref, object) === undefined || signal.aborted) return { ref, state: 'solid' };
      const namespace = kind.resource.namespaced ? object.metadata.namespace : undefined;
      const owner = await this.client.get(kind.name, namespace, ref.name).catch(unlessNotFound);
      return { ref, state: classifyOwner(ref, owner) };
    }));
  }

  /** The served kind a reference names, by group and kind (any version, as Kubernetes' RESTMapper). */
  private kindOfRef(ref: OwnerReference): GraphKind | undefined {
    return this.byGroupKind.get(groupKindKey(groupOf(ref.apiVersion), ref.kind));
  }

  /**
   * The owner's cache key: a namespaced owner is in its dependent's namespace; a cluster-scoped
   * dependent cannot have a namespaced owner (undefined: never resolved, never collected).
   */
  private ownerKey(kind: GraphKind, ref: OwnerReference, dependent: KubeObject): string | undefined {
    if (!kind.resource.namespaced) return ref.name;
    const namespace = dependent.metadata.namespace;
    return namespace ? `${namespace}/${ref.name}` : undefined;
  }
}
