/**
 * The API as controllers see it (STYLE rule 10: a narrow interface owned by its user): the
 * calls they make, with resources named as the API names them (`pods`,
 * `endpointslices.discovery.k8s.io`). The control plane's Registry satisfies it structurally,
 * so every controller write gets the API's validation and resourceVersion semantics; tests run
 * the same Registry over the in-memory store. Failures are ApiErrors (NotFound, Conflict...).
 */
import type { Binding, Namespace, ObjectReference, Pod } from '../../../api/core-v1';
import { isApiError } from '../../../api/errors';
import type { KubeList, KubeObject } from '../../../api/meta';
import type { Disposable } from '../../../base/disposable';

export interface ApiListOptions {
  /** Omitted: every namespace. */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

export interface ApiDeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  preconditions?: { uid?: string; resourceVersion?: string };
}

export type ApiPatchType = 'json-patch' | 'merge-patch' | 'strategic-merge-patch';

/** Who writes, as managedFields records it (`kube-controller-manager`); field-managed-client.ts sets it for each controller. */
export interface ApiWriteOptions {
  fieldManager?: string;
}

/** What a controller may ask of a served resource (the namespace controller walks them all). */
export interface ApiResource {
  /** '' for the core group. */
  group: string;
  /** Plural: 'pods'. */
  resource: string;
  version: string;
  /** As ownerReferences name it: 'Pod'. */
  kind: string;
  namespaced: boolean;
  verbs: readonly string[];
}

export interface ApiClient {
  /** The resources served now (custom ones come and go). */
  readonly resources: readonly ApiResource[];
  /** Calls `listener` after each change of `resources`, until disposed. */
  onResourcesChanged(listener: () => void): Disposable;
  get<T extends KubeObject>(resource: string, namespace: string | undefined, name: string): Promise<T>;
  list<T extends KubeObject>(resource: string, options?: ApiListOptions): Promise<KubeList<T>>;
  /** With `metadata.generateName` and no name, the server picks the name. */
  create<T extends KubeObject>(resource: string, namespace: string | undefined, body: T, options?: ApiWriteOptions): Promise<T>;
  /** A compare-and-swap on `body.metadata.resourceVersion`: Conflict when it is stale. */
  update<T extends KubeObject>(resource: string, namespace: string | undefined, name: string, body: T, options?: ApiWriteOptions): Promise<{ object: T }>;
  updateStatus<T extends KubeObject>(resource: string, namespace: string | undefined, name: string, body: T, options?: ApiWriteOptions): Promise<T>;
  /** A patch of the stored object (`metadata.uid` in the patch is a precondition: Conflict when it differs). */
  patch<T extends KubeObject>(resource: string, namespace: string | undefined, name: string, type: ApiPatchType, patch: unknown, options?: ApiWriteOptions): Promise<{ object: T }>;
  /** `removed` is false while the object stays (graceful deletion, finalizers). */
  delete<T extends KubeObject>(resource: string, namespace: string | undefined, name: string, options?: ApiDeleteOptions): Promise<{ object: T; removed: boolean }>;
  deleteCollection<T extends KubeObject>(resource: string, options: ApiListOptions & ApiDeleteOptions): Promise<KubeList<T>>;
  /** `pods/{name}/binding`: sets the pod's node once. */
  bind(namespace: string, binding: Binding, options?: ApiWriteOptions): Promise<Pod>;
  /** `namespaces/{name}/finalize`: writes `spec.finalizers` only. */
  finalizeNamespace(name: string, body: Namespace, options?: ApiWriteOptions): Promise<Namespace>;
  /** A write subresource of a stored object (`certificatesigningrequests/{name}/approval`); returns the parent. */
  writeSubresource<T extends KubeObject>(resource: string, subresource: string, namespace: string | undefined, name: string, body: T, options?: ApiWriteOptions): Promise<T>;
}

/** The name the client takes for a resource: `pods`, `endpointslices.discovery.k8s.io`. */
export function resourceName(resource: Pick<ApiResource, 'group' | 'resource'>): string {
  return resource.group ? `${resource.resource}.${resource.group}` : resource.resource;
}

/** Emits a core/v1 Event about an object, or about a reference as given (the control plane's EventRecorder); never throws. */
export interface EventSink {
  record(involved: KubeObject | ObjectReference, type: 'Normal' | 'Warning', reason: string, message: string): Promise<void>;
}

/** A `.catch` for calls whose goal is met when the object is gone: NotFound becomes undefined. */
export function unlessNotFound(err: unknown): undefined {
  if (isApiError(err, 'NotFound')) return undefined;
  throw err;
}
