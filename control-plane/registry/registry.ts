/**
 * The REST semantics of every served kind over the Store: what the HTTP handlers call, and
 * what the control plane's own components (scheduler, node service, controllers) call directly
 * with typed objects. Generic over the kinds' ResourceDefinitions (kinds.ts): everything that
 * differs between kinds comes from its definition. Every write is prepared by the kind's
 * strategy, validated, and stored in one compare-and-swap, through the one read-modify-write
 * cycle (guaranteed-update.ts): nothing invalid and nothing half-written reaches etcd. Every
 * body and every object about to be stored passes the typed decoder (object-decoding.ts): wrong
 * JSON types are refused, fields the kind does not declare are dropped, internal callers
 * included. Failures are ApiErrors (NotFound, Conflict, Invalid...), mapped to Status only at
 * the HTTP edge.
 */
import { alreadyExists, ApiError, badRequest, invalid, isApiError, notFound } from '../../api/errors';
import type { Scale } from '../../api/autoscaling-v1';
import type { Binding, Namespace, Pod } from '../../api/core-v1';
import type { DefaultTolerationSeconds } from '../../api/defaults/pod-defaults';
import type { KubeList, KubeObject, Status } from '../../api/meta';
import { validateScale } from '../../api/validation/scale-validation';
import { objectKey, resourcePrefix, type KeySpace } from '../store/keys';
import type { Store } from '../store/store';
import { byKey, decodeContinue, listOfPage, takePage } from '../apiserver/list-pagination';
import { applyFieldValidation, strictDecodingErrors, type FieldValidation } from '../apiserver/field-validation';
import { checkName, decodeBody, decodeObject, settleNamespace } from '../apiserver/object-decoding';
import { applyPatchDocument, decodePatched, type PatchType } from '../apiserver/patch-document';
import { checkPreconditions, planDeletion, readyToRemove, validateDeleteOptions } from './deletion';
import { conflictFor, guaranteedUpdate, remove, REMOVE, type UpdateOutcome } from './guaranteed-update';
import { KINDS, resolveResource, type AnyKind } from './kinds';
import { NAMESPACES } from './kinds/namespace';
import { PODS } from './kinds/pod';
import { SCALES } from './kinds/scale';
import { AdmissionReads } from './admission-reads';
import type { CachedObjects } from './cached-objects';
import { admitCreateInNamespace } from './namespace-lifecycle';
import { RecentWrites } from './recent-writes';
import { bumpGenerationOnChange, carryOverObjectMeta, generateName, prepareObjectMetaForCreate } from './object-meta';
import { startRegistryWatch, type RegistryWatch, type RegistryWatchEvent } from './registry-watch';
import type { AdmissionContext, NamespaceReads, ResourceDefinition } from './resource-definition';
import { admitToQuotas } from './resource-quota-admission';
import type { LiveObjects } from './live-objects';
import { compileSelection, type SelectorStrings } from './selection';
import type { DeleteOptions } from './strategy';
import type { ActionSubresource, CreateSubresource, ParentWriteSubresource, ScaleSubresource } from './subresource';
import type { ServiceAccountTokenIssuer } from '../auth/service-account-token';
import type { ImagePolicy } from '../../api/image-policy';
import { companionWrites, requestedConflicts, stampRevision, type CompanionContext, type WriteCompanion } from './write-companion';
import { toDisposable, type Disposable } from '../../base/disposable';
import { kindKey, kindPatchSchema, UNKNOWN_SCHEMA } from '../apiserver/patch/patch-meta';
import { appliedFields, applyOwnership, removeReleased } from './field-ownership';
import { fieldChanges } from './field-diff';
import { updateOwnership } from './update-ownership';
import { apiVersionOf } from './resource-info';

export type { PatchType } from '../apiserver/patch-document';
export type { RegistryWatch, RegistryWatchEvent } from './registry-watch';
export type { CachedObjects } from './cached-objects';
export type { DeleteOptions } from './strategy';

export interface RegistryOptions {
  store: Store;
  /** Default `{ prefix: '/registry' }`. */
  keySpace?: KeySpace;
  /** The kinds served. Default: KINDS (kinds.ts). */
  kinds?: readonly AnyKind[];
  /** The clock (creation and deletion timestamps). */
  now?: () => Date;
  /** Where Services get cluster IPs. Default 10.43.0.0/16. */
  serviceCIDR?: string;
  /** Where NodePort Services get node ports. Default 30000-32767. */
  nodePortRange?: CompanionContext['nodePortRange'];
  /** The DefaultTolerationSeconds admission's settings. Default: pikube's (pod-defaults.ts). */
  defaultTolerationSeconds?: DefaultTolerationSeconds;
  /**
   * Service accounts, as kube-apiserver with a signing key and the ServiceAccount admission:
   * the TokenRequest subresource signs with this issuer, and pods are admitted by
   * service-account-admission.ts. Absent: no token is served and pods are admitted as they come.
   */
  serviceAccounts?: { tokenIssuer: ServiceAccountTokenIssuer };
  /** The image policy admission's allow-list (image-policy-admission.ts). Absent: every image is allowed. */
  imagePolicy?: ImagePolicy;
}

/** A resource as internal callers name it: 'pods', 'deployments.apps', 'Pod', or its definition. */
export type ResourceName = string | AnyKind;

export interface ListOptions extends SelectorStrings {
  /** Omitted: every namespace. */
  namespace?: string;
  limit?: number;
  continue?: string;
}

export interface WriteOptions {
  /** Validate and answer as if written, write nothing (`dryRun=All`). */
  dryRun?: boolean;
  /**
   * Who writes, as managedFields records it (update-ownership.ts): the API server passes the
   * `fieldManager` parameter or the User-Agent's product; the control plane's own writers name
   * themselves (`kube-controller-manager`, `kube-scheduler`, `kubelet`). Unset: OWN_FIELD_MANAGER.
   */
  fieldManager?: string;
  /**
   * Called with each object this write is about to store, after defaulting and validation, and
   * the stored one it replaces; throws to refuse it. The API server passes the requester's
   * checks (a kind's `requesterCheck`), and on a create sets what the kind takes from the
   * requester (`fromRequester`); the control plane's own writes pass none.
   */
  admit?: (next: KubeObject, current: KubeObject | undefined) => void;
}

export interface GuaranteedUpdateOptions extends WriteOptions {
  /** Write through `…/status` (only the status changes) instead of the main resource. */
  subresource?: 'status';
  /**
   * Admission may go on reading the kind from a cache that has not seen this write yet (a quota
   * charge, which the next charge's compare-and-swap re-checks). Default: admission reads the
   * kind from etcd until its cache has the write (admission-reads.ts).
   */
  admissionMayReadStale?: boolean;
}

export interface PatchOptions extends WriteOptions {
  subresource?: 'status';
  force?: boolean;
  /** How fields the kind does not declare are answered; they are never stored. Default Ignore. */
  fieldValidation?: FieldValidation;
  /** The patch body's own strict decoding errors (duplicate keys), reported like unknown fields. */
  strictErrors?: readonly string[];
}

export interface WriteOutcome<T extends KubeObject> {
  object: T;
  /** True when a PUT or an apply created the object. */
  created: boolean;
  /** fieldValidation=Warn findings, for `Warning` headers. */
  warnings?: string[];
}

export interface DeleteOutcome<T extends KubeObject> {
  /** The last state: removed, or marked with deletionTimestamp. */
  object: T;
  /** False while the object stays (graceful deletion, finalizers). */
  removed: boolean;
}

export interface RegistryWatchOptions<T extends KubeObject> extends SelectorStrings {
  namespace?: string;
  /** Unset or '0': current objects first as ADDED. Otherwise every change after it. */
  resourceVersion?: string;
  onEvent(event: RegistryWatchEvent<T>): void;
  /** The watch ended on its own: Gone (410) for a compacted resourceVersion, ServiceUnavailable. */
  onError(err: ApiError): void;
  signal?: AbortSignal;
}


/** How long namespace admission reads a namespace deleted through this registry from etcd (NamespaceLifecycle's forceLiveLookupTTL). */
const FORCE_LIVE_LOOKUP_MS = 30_000;
const FORCE_LIVE_LOOKUP_ENTRIES = 100;

/** The manager of the control plane's own writes that name none, as kube-apiserver's own writes are recorded. */
const OWN_FIELD_MANAGER = 'kube-apiserver';

/** generateName collisions retried before AlreadyExists is returned. */
const GENERATE_NAME_ATTEMPTS = 8;
/** Automatic allocations lost to concurrent writers before the create gives up. */
const CLAIM_ATTEMPTS = 10;

export class Registry {
  /** The kinds built in (options.kinds); custom kinds are served beside them. */
  private readonly builtInKinds: readonly AnyKind[];
  /** The kinds each CustomResourceDefinition serves, by the CRD's name (custom-kinds.ts keeps them). */
  private readonly customKinds = new Map<string, readonly AnyKind[]>();
  private served: readonly AnyKind[];
  /** Told after each change of the kinds served. */
  private readonly resourceListeners = new Set<() => void>();
  private readonly store: Store;
  private readonly keySpace: KeySpace;
  private readonly now: () => Date;
  private readonly defaultTolerationSeconds?: DefaultTolerationSeconds;
  private readonly serviceAccounts?: RegistryOptions['serviceAccounts'];
  private readonly imagePolicy?: ImagePolicy;
  /** Each kind's write companion (a Service's allocations), made once for this store. */
  private readonly companions = new Map<AnyKind, WriteCompanion>();
  private cachedObjects?: CachedObjects;
  /** This registry's last writes, where the next write of the same object starts while the caches are attached. */
  private readonly recentWrites = new RecentWrites();
  /** What create admission reads of a namespace: the caches, etcd when they are behind. */
  private readonly admissionReads: AdmissionReads;
  /** Namespaces deleted through this registry, until when admission reads them from etcd. */
  private readonly liveLookups = new Map<string, number>();
  /** The sources of the kinds read from memory (`live`), by kind. */
  private readonly liveSources = new Map<AnyKind, LiveObjects>();

  constructor(options: RegistryOptions) {
    this.store = options.store;
    this.keySpace = options.keySpace ?? { prefix: '/registry' };
    this.builtInKinds = options.kinds ?? KINDS;
    this.served = this.builtInKinds;
    this.now = options.now ?? (() => new Date());
    this.defaultTolerationSeconds = options.defaultTolerationSeconds;
    this.serviceAccounts = options.serviceAccounts;
    this.imagePolicy = options.imagePolicy;
    const ctx: CompanionContext = { store: this.store, keySpace: this.keySpace, serviceCIDR: options.serviceCIDR, nodePortRange: options.nodePortRange };
    for (const kind of this.resources) if (kind.companion) this.companions.set(kind, kind.companion(ctx));
    this.admissionReads = new AdmissionReads({ store: this.store, keySpace: this.keySpace, cached: () => this.cachedObjects, now: () => this.now().getTime() });
  }

  /** The kinds served now, as routing and discovery list them: the built-in ones, then the custom ones. A new array after each change. */
  get resources(): readonly AnyKind[] {
    return this.served;
  }

  /**
   * Serves the kinds of one CustomResourceDefinition (by its name), replacing what it served;
   * none: it serves nothing any more. A kind whose group and resource a built-in kind has is
   * never served in its place.
   */
  setCustomKinds(crdName: string, kinds: readonly AnyKind[]): void {
    const builtIn = (k: AnyKind): boolean => this.builtInKinds.some((b) => b.group === k.group && b.resource === k.resource);
    if (kinds.length === 0) this.customKinds.delete(crdName);
    else this.customKinds.set(crdName, kinds.filter((k) => !builtIn(k)));
    this.served = [...this.builtInKinds, ...[...this.customKinds.values()].flat()];
    for (const listener of [...this.resourceListeners]) listener();
  }

  /** Calls `listener` after each change of `resources` (a custom kind served or no longer), until disposed. */
  onResourcesChanged(listener: () => void): Disposable {
    const own = (): void => listener();
    this.resourceListeners.add(own);
    return toDisposable(() => this.resourceListeners.delete(own));
  }

  /** The kind's definition; NotFound as for an unknown URL. */
  info(resource: ResourceName): AnyKind {
    if (typeof resource !== 'string') return resource;
    const info = resolveResource(this.resources, resource);
    if (!info) throw new ApiError('NotFound', 'the server could not find the requested resource');
    return info;
  }

  /** The write companion of a served kind (a Service's cluster IP and node port allocations). */
  companionOf<T extends KubeObject, C extends WriteCompanion>(kind: ResourceDefinition<T, C>): C {
    const companion = this.companions.get(kind as unknown as AnyKind);
    if (!companion) throw new Error(`${kind.resource} has no write companion in this registry`);
    return companion as C;
  }

  /**
   * Lets writes start from recent copies (one etcd round trip instead of two, as the
   * apiserver's Cacher; or from this registry's own last write of the object, when the cache
   * has not seen it yet: recent-writes.ts) and admission read namespaces, LimitRanges, quotas and service accounts
   * from them (as the admission plugins read their informers). Returns what detaches them.
   */
  useCachedObjects(cached: CachedObjects): () => void {
    this.cachedObjects = cached;
    return () => {
      if (this.cachedObjects === cached) this.cachedObjects = undefined;
    };
  }

  /** Serves a `live` kind from `source` (live-objects.ts); returns what stops it. */
  serveLive<T extends KubeObject>(kind: ResourceDefinition<T>, source: LiveObjects<T>): () => void {
    const info = kind as unknown as AnyKind;
    if (!info.live) throw new Error(`${info.resource} is a stored kind`);
    this.liveSources.set(info, source);
    return () => {
      if (this.liveSources.get(info) === source) this.liveSources.delete(info);
    };
  }

  /** Resolves once the store answers (readyz). */
  async checkReady(): Promise<void> {
    await this.store.currentRevision();
  }

  async get<T extends KubeObject>(resource: ResourceName, namespace: string | undefined, name: string): Promise<T> {
    const info = this.info(resource);
    const obj = info.live ? await this.liveObject<T>(info, namespace, name) : await this.store.get<T>(this.key(info, namespace, name));
    if (!obj) throw notFound(info.resource, name, info.group);
    return obj;
  }

  async list<T extends KubeObject>(resource: ResourceName, options: ListOptions = {}): Promise<KubeList<T>> {
    const info = this.info(resource);
    const selection = compileSelection(info.fields, options);
    const token = options.continue ? decodeContinue(options.continue) : undefined;
    const result = info.live ? await this.liveList<T>(info, options.namespace) : await this.store.list<T>(resourcePrefix(this.keySpace, info, options.namespace));
    const matching = result.items
      .filter((o) => selection.matches(o))
      .map((object) => ({ key: this.key(info, object.metadata.namespace, object.metadata.name ?? ''), object }))
      .sort(byKey);
    return listOfPage(info, takePage(matching, result.revision, options.limit, token));
  }

  async create<T extends KubeObject>(resource: ResourceName, namespace: string | undefined, body: T | unknown, options: WriteOptions = {}): Promise<T> {
    const info = this.info(resource);
    const through = info.createsThrough;
    if (through) throw new ApiError('MethodNotAllowed', `${info.resource} are not stored: write ${through.resource}/${through.subresource}`);
    const obj = decodeObject<T>(info, body);
    const ns = settleNamespace(info, obj, namespace);
    return this.createDecoded(info, ns, obj, options, true);
  }

  /** PUT: replaces the object (creating it where the kind allows). Status is kept; see updateStatus. */
  async update<T extends KubeObject>(resource: ResourceName, namespace: string | undefined, name: string, body: T | unknown, options: WriteOptions = {}): Promise<WriteOutcome<T>> {
    const info = this.info(resource);
    const strategy = info.strategy;
    const obj = decodeObject<T>(info, body);
    checkName(obj, name);
    const ns = settleNamespace(info, obj, namespace);
    const expected = obj.metadata.resourceVersion || undefined;
    try {
      const outcome = await this.write<T>(info, ns, name, expected, options, (current) => this.recordUpdate(info, this.prepareUpdate(info, strategy, structuredClone(obj), current), current, options));
      return { object: await this.removeIfDone(info, strategy, ns, outcome), created: false };
    } catch (err: unknown) {
      if (!isApiError(err, 'NotFound') || !strategy.allowCreateOnUpdate || expected) throw err;
      return { object: await this.createDecoded(info, ns, obj, options, true), created: true };
    }
  }

  /** PUT …/status: only the status changes (spec and metadata stay as stored). */
  async updateStatus<T extends KubeObject>(resource: ResourceName, namespace: string | undefined, name: string, body: T | unknown, options: WriteOptions = {}): Promise<T> {
    const info = this.info(resource);
    const obj = decodeObject<T>(info, body);
    checkName(obj, name);
    const ns = settleNamespace(info, obj, namespace);
    const expected = obj.metadata.resourceVersion || undefined;
    const outcome = await this.write<T>(info, ns, name, expected, options, (current) => this.recordUpdate(info, this.prepareStatusUpdate(info, obj, current), current, options, 'status'));
    return outcome.object;
  }

  /** PATCH of the object or its status; an apply patch creates a missing object. */
  async patch<T extends KubeObject>(
    resource: ResourceName, namespace: string | undefined, name: string, type: PatchType, patch: unknown, options: PatchOptions = {},
  ): Promise<WriteOutcome<T>> {
    const info = this.info(resource);
    if (type === 'apply-patch') return this.apply<T>(info, namespace, name, patch, options);
    const strategy = info.strategy;
    const ns = info.namespaced ? namespace : undefined;
    let warnings: string[] = [];
    const outcome = await this.write<T>(info, ns, name, undefined, options, (current) => {
      const decoded = decodePatched(info, applyPatchDocument(type, current, patch, info), options.fieldValidation ?? 'Ignore', options.strictErrors);
      warnings = decoded.warnings;
      return this.recordUpdate(info, this.preparePatched(info, decoded.object, current, options), current, options, options.subresource);
    });
    return { object: await this.removeIfDone(info, strategy, ns, outcome), created: false, warnings };
  }

  async delete<T extends KubeObject>(resource: ResourceName, namespace: string | undefined, name: string, options: DeleteOptions = {}): Promise<DeleteOutcome<T>> {
    const info = this.info(resource);
    validateDeleteOptions(options);
    if (info === NAMESPACES) this.lookUpLive(name);
    const outcome = await this.write<T>(info, namespace, name, undefined, options, (current) => {
      checkPreconditions(info, current, options);
      info.strategy.checkDelete(current);
      const plan = planDeletion(current, info.strategy, options, this.now());
      return plan.action === 'remove' ? REMOVE : plan.action === 'mark' ? (plan.object as T) : current;
    });
    return { object: outcome.object, removed: outcome.removed === true };
  }

  /** DELETE of a collection: each selected object is deleted as by `delete`; returns them. */
  async deleteCollection<T extends KubeObject>(resource: ResourceName, options: ListOptions & DeleteOptions = {}): Promise<KubeList<T>> {
    const info = this.info(resource);
    validateDeleteOptions(options);
    const { limit: _l, continue: _c, ...selection } = options;
    const list = await this.list<T>(info, selection);
    const deleted: T[] = [];
    for (const item of list.items) {
      const outcome = await this.delete<T>(info, item.metadata.namespace, item.metadata.name ?? '', options).catch((err: unknown) => {
        if (isApiError(err, 'NotFound')) return undefined;
        throw err;
      });
      if (outcome) deleted.push(outcome.object);
    }
    return { ...list, metadata: { resourceVersion: list.metadata.resourceVersion }, items: deleted };
  }

  /** Binds a pod to a node (the scheduler's one write): the pod's `binding` subresource. Returns the bound pod. */
  async bind(namespace: string, body: Binding | unknown, options: WriteOptions = {}): Promise<Pod> {
    return this.writeSubresource<Pod>(PODS, 'binding', namespace, undefined, body, options);
  }

  /** PUT namespaces/{name}/finalize: replaces spec.finalizers; a deleting namespace left with none goes. */
  async finalizeNamespace(name: string, body: Namespace | unknown, options: WriteOptions = {}): Promise<Namespace> {
    return this.writeSubresource<Namespace>(NAMESPACES, 'finalize', undefined, name, body, options);
  }

  /**
   * A write to a subresource that changes the stored parent (`pods/binding`,
   * `namespaces/finalize`). `name` is the parent's name from the URL, which the body must
   * repeat; undefined: the body names the parent (`POST …/bindings`). Returns the parent.
   */
  async writeSubresource<T extends KubeObject>(
    resource: ResourceName, subresource: string, namespace: string | undefined, name: string | undefined, body: unknown, options: WriteOptions = {},
  ): Promise<T> {
    const info = this.info(resource);
    const handler = parentWrite<T>(info, subresource);
    const bodyKind = handler.body ?? info;
    const decoded = decodeObject<KubeObject>(bodyKind, body);
    const ns = settleNamespace(bodyKind, decoded, namespace);
    handler.validateBody(decoded);
    if (name !== undefined) checkName(decoded, name);
    const expected = decoded.metadata.resourceVersion || undefined;
    const target = name ?? decoded.metadata.name ?? '';
    const own = handler.body === undefined; // a body of the parent's kind (`namespaces/finalize`), not a Binding
    const outcome = await this.write<T>(info, info.namespaced ? ns : undefined, target, expected, options, (current) => {
      const next = handler.apply(current, decoded, { now: this.now() });
      return own ? this.recordUpdate(info, next, current, options, subresource) : next;
    });
    return handler.finishesDeletion ? this.removeIfDone(info, info.strategy, ns, outcome) : outcome.object;
  }

  /**
   * POST to an action subresource (`pods/{name}/eviction`): the body decoded as the
   * subresource's kind, in the URL's namespace; the answer is the action's Status.
   */
  async act(resource: ResourceName, subresource: string, namespace: string, name: string, body: unknown, options: WriteOptions = {}): Promise<Status> {
    const info = this.info(resource);
    const handler = actionHandler(info, subresource);
    const decoded = decodeObject<KubeObject>(handler.body, body);
    const ns = settleNamespace(handler.body, decoded, namespace) ?? namespace;
    return handler.perform(this, { namespace: ns, name, body: decoded, dryRun: options.dryRun === true, now: this.now });
  }

  /**
   * POST to a create subresource (`serviceaccounts/{name}/token`): the body decoded as the
   * subresource's kind, in the URL's namespace; the answer is an object of that kind.
   */
  async createSubresource(resource: ResourceName, subresource: string, namespace: string, name: string, body: unknown, options: WriteOptions = {}): Promise<KubeObject> {
    const info = this.info(resource);
    const handler = createHandler(info, subresource);
    const decoded = decodeObject<KubeObject>(handler.body, body);
    const ns = settleNamespace(handler.body, decoded, namespace) ?? namespace;
    return handler.create(this, { namespace: ns, name, body: decoded, dryRun: options.dryRun === true, now: this.now, tokenIssuer: this.serviceAccounts?.tokenIssuer });
  }

  /** GET …/scale: the object as an autoscaling/v1 Scale. */
  async getScale(resource: ResourceName, namespace: string | undefined, name: string): Promise<Scale> {
    const info = this.info(resource);
    return scaleHandler(info).read(await this.get(info, namespace, name));
  }

  /** PUT …/scale: sets the object's replicas from a Scale (whose resourceVersion, if any, is a precondition); returns the new Scale. */
  async updateScale(resource: ResourceName, namespace: string | undefined, name: string, body: Scale | unknown, options: WriteOptions = {}): Promise<Scale> {
    const info = this.info(resource);
    const scale = decodeObject<Scale>(SCALES, body);
    checkName(scale, name);
    settleNamespace(SCALES, scale, info.namespaced ? namespace : undefined);
    return this.writeScale(info, namespace, name, options, () => scale);
  }

  /** PATCH …/scale: the patch applies to the object's Scale, whose replicas are then set as by updateScale. */
  async patchScale(
    resource: ResourceName, namespace: string | undefined, name: string, type: PatchType, patch: unknown, options: PatchOptions = {},
  ): Promise<WriteOutcome<Scale>> {
    const info = this.info(resource);
    let warnings: string[] = [];
    const object = await this.writeScale(info, namespace, name, options, (current) => {
      const decoded = decodePatched(SCALES, applyPatchDocument(type, current, patch, SCALES), options.fieldValidation ?? 'Ignore', options.strictErrors);
      warnings = decoded.warnings;
      return decoded.object;
    });
    return { object, created: false, warnings };
  }

  /**
   * The control plane's own read-modify-write: `mutate` gets a private copy of the current
   * object and returns the next one (undefined: no change); the result is prepared and
   * validated as an update (or a status update) and written with a compare-and-swap, read and
   * computed again on a lost race. NotFound when the object is absent.
   */
  async guaranteedUpdate<T extends KubeObject>(
    resource: ResourceName, namespace: string | undefined, name: string, mutate: (current: T) => T | undefined, options: GuaranteedUpdateOptions = {},
  ): Promise<UpdateOutcome<T>> {
    const info = this.info(resource);
    const status = options.subresource === 'status';
    const outcome = await this.write<T>(info, namespace, name, undefined, options, (current) => {
      const next = mutate(structuredClone(current));
      if (next === undefined) return current;
      const prepared = status ? this.prepareStatusUpdate(info, next, current) : this.prepareUpdate(info, info.strategy, next, current);
      return this.recordUpdate(info, prepared, current, options, options.subresource);
    });
    return status ? outcome : { ...outcome, object: await this.removeIfDone(info, info.strategy, namespace, outcome) };
  }

  /** Watches a resource; resolves once the watch is established. Dispose it (or abort) to stop. */
  async watch<T extends KubeObject>(resource: ResourceName, options: RegistryWatchOptions<T>): Promise<RegistryWatch> {
    const info = this.info(resource);
    return startRegistryWatch<T>({
      store: this.store,
      prefix: resourcePrefix(this.keySpace, info, info.namespaced ? options.namespace : undefined),
      selection: compileSelection(info.fields, options),
      resourceVersion: options.resourceVersion,
      onEvent: options.onEvent,
      onError: options.onError,
      signal: options.signal,
    });
  }

  /** The store and key prefix of every object of a resource: what the API server's watch cache follows. */
  watchSource(resource: ResourceName): { store: Store; prefix: string } {
    return { store: this.store, prefix: resourcePrefix(this.keySpace, this.info(resource)) };
  }

  // ---- internals ----

  private key(info: AnyKind, namespace: string | undefined, name: string): string {
    if (info.namespaced && !namespace) throw badRequest(`a namespace is required for ${info.resource}`);
    return objectKey(this.keySpace, info, info.namespaced ? namespace : undefined, name);
  }

  /** Every change to a stored object: its kind's read-modify-write, the result checked by the typed decoder. */
  private async write<T extends KubeObject>(
    info: AnyKind, namespace: string | undefined, name: string, expected: string | undefined, options: GuaranteedUpdateOptions, compute: (current: T) => T | typeof REMOVE,
  ): Promise<UpdateOutcome<T>> {
    const key = this.key(info, namespace, name);
    const companion = this.companions.get(info);
    const typed = async (current: T): Promise<T | typeof REMOVE> => {
      const next = compute(current);
      if (next === REMOVE) return next;
      const decoded = decodeObject<T>(info, next);
      options.admit?.(decoded, current);
      if (info.validateUpdate && namespace !== undefined) await info.validateUpdate(decoded, current, this.admissionContext(info, decoded, namespace));
      return decoded;
    };
    const cachedObjects = this.cachedObjects;
    const cached = cachedObjects && ((): T | undefined => this.recentWrites.newest(key, cachedObjects.get(info, key, false) as T | undefined));
    const outcome = await guaranteedUpdate<T>({ store: this.store, key, info, name, expectedResourceVersion: expected, compute: typed, dryRun: options.dryRun, companion, cached });
    const stored = outcome.written || (outcome.removed && !options.dryRun);
    if (stored) this.rememberWrite(key, outcome.removed ? undefined : outcome.object);
    if (stored && !options.admissionMayReadStale) this.admissionReads.wrote(info, outcome.object);
    return outcome;
  }

  /** `obj` has passed the typed decoder already; what the strategy adds is checked again before it is stored. */
  private async liveList<T extends KubeObject>(info: AnyKind, namespace: string | undefined): Promise<{ items: T[]; revision: number }> {
    const items = (await this.liveSources.get(info)?.list(info.namespaced ? namespace : undefined)) ?? [];
    return { items: items as T[], revision: 0 };
  }

  private async liveObject<T extends KubeObject>(info: AnyKind, namespace: string | undefined, name: string): Promise<T | undefined> {
    return (await this.liveList<T>(info, namespace)).items.find((o) => o.metadata.name === name);
  }

  /** `obj` is a decoded copy the caller gives up: a named create is prepared in it, a generated name's attempts in copies. */
  private async createDecoded<T extends KubeObject>(info: AnyKind, namespace: string | undefined, obj: T, options: WriteOptions, track: boolean): Promise<T> {
    const strategy = info.strategy;
    const generated = !obj.metadata.name && Boolean(obj.metadata.generateName);
    if (info.admitCreate && namespace !== undefined) await info.admitCreate(obj, this.admissionContext(info, obj, namespace));
    for (let attempt = 1; ; attempt++) {
      const prepared = generated ? structuredClone(obj) : obj; // a named create makes one attempt
      if (generated) prepared.metadata.name = generateName(obj.metadata.generateName ?? '');
      this.prepareCreate(info, strategy, prepared);
      if (track) this.recordUpdate(info, prepared, undefined, options);
      const candidate = decodeObject<T>(info, prepared);
      options.admit?.(candidate, undefined);
      if (namespace !== undefined) await this.validateAdmission(info, candidate, namespace, options.dryRun === true);
      if (options.dryRun) {
        await this.companions.get(info)?.planCreate(candidate);
        return candidate;
      }
      try {
        return await this.storeNew(info, this.key(info, namespace, candidate.metadata.name ?? ''), candidate);
      } catch (err: unknown) {
        if (!isApiError(err, 'AlreadyExists')) throw err;
        if (!generated || attempt >= GENERATE_NAME_ATTEMPTS) throw alreadyExists(info.resource, candidate.metadata.name ?? '', info.group);
      }
    }
  }

  private admissionContext(info: AnyKind, obj: KubeObject, namespace: string): AdmissionContext {
    const admitNamespace = (): Promise<void> => this.admitNamespace(info, obj, namespace);
    return { reads: this.namespaceReads(namespace), namespace, serviceAccounts: this.serviceAccounts !== undefined, imagePolicy: this.imagePolicy, admitNamespace };
  }

  /** Admission's reads of one namespace; a kind this registry does not serve has no objects. */
  private namespaceReads(namespace: string): NamespaceReads {
    const served = (resource: string): AnyKind | undefined => resolveResource(this.resources, resource);
    return {
      list: async <T extends KubeObject>(resource: string) => {
        const info = served(resource);
        return info ? this.admissionReads.list<T>(info, namespace) : [];
      },
      get: async <T extends KubeObject>(resource: string, name: string) => {
        const info = served(resource);
        return info ? this.admissionReads.get<T>(info, namespace, name) : undefined;
      },
    };
  }

  /**
   * The validating admission chain on the object about to be stored: NamespaceLifecycle, the
   * kind's own (the LimitRanger's bounds), then ResourceQuota, which charges the object's
   * usage to its namespace's quotas (resource-quota-admission.ts).
   */
  private async validateAdmission(info: AnyKind, candidate: KubeObject, namespace: string, dryRun: boolean): Promise<void> {
    await this.admitNamespace(info, candidate, namespace);
    const ctx = this.admissionContext(info, candidate, namespace);
    await info.validateCreate?.(candidate, ctx);
    await admitToQuotas(this, ctx.reads, info, namespace, candidate, dryRun);
  }

  /** Stores a new object with the keys it claims; AlreadyExists when the object's key is taken. */
  private async storeNew<T extends KubeObject>(info: AnyKind, key: string, obj: T): Promise<T> {
    const companion = this.companions.get(info);
    if (!companion) return this.rememberWrite(key, this.stored(info, await this.store.create(key, obj)));
    for (let attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
      const candidate = structuredClone(obj);
      const plan = await companion.planCreate(candidate);
      const result = await this.store.commit([{ op: 'create', key, object: candidate }, ...companionWrites(plan)]);
      if (result.ok) return this.rememberWrite(key, this.stored(info, stampRevision(candidate, result.revision)));
      if (result.failed.includes(key)) throw alreadyExists(info.resource, obj.metadata.name ?? '', info.group);
      const causes = requestedConflicts(plan, result.failed);
      if (causes.length > 0) throw invalid(info.kind, obj.metadata.name ?? '', causes, info.group);
    }
    throw new ApiError('Conflict', `Operation cannot be fulfilled on ${info.resource} "${obj.metadata.name ?? ''}": too many concurrent allocations`, { kind: info.resource, group: info.group, name: obj.metadata.name });
  }

  /** Keeps what was stored at `key` (undefined: removed) for the next write, while the caches are attached; returns it. */
  private rememberWrite<T extends KubeObject | undefined>(key: string, object: T): T {
    if (!this.cachedObjects) return object;
    if (object === undefined) this.recentWrites.removed(key);
    else this.recentWrites.wrote(key, object);
    return object;
  }

  /** A write of this registry's is done: admission must see it (admission-reads.ts). */
  private stored<T extends KubeObject>(info: AnyKind, object: T): T {
    this.admissionReads.wrote(info, object);
    return object;
  }

  private prepareCreate(info: AnyKind, strategy: AnyKind['strategy'], obj: KubeObject): void {
    const now = this.now();
    prepareObjectMetaForCreate(obj, { now, tracksGeneration: strategy.tracksGeneration });
    strategy.prepareForCreate(obj, { now, defaultTolerationSeconds: this.defaultTolerationSeconds });
    const causes = strategy.validate(obj, info);
    if (causes.length > 0) throw invalid(info.kind, obj.metadata.name ?? '', causes, info.group);
  }

  /**
   * NamespaceLifecycle: the namespace from the cache when it holds it (a namespace never turns
   * from Terminating back to Active), from etcd when it does not, or was deleted through this
   * registry lately (the cache may still show it Active).
   */
  private async admitNamespace(info: AnyKind, obj: KubeObject, namespace: string): Promise<void> {
    const key = this.key(NAMESPACES, undefined, namespace);
    const cached = this.mustLookUpLive(namespace) ? undefined : (this.cachedObjects?.get(NAMESPACES, key, true) as Namespace | undefined);
    const ns = cached ?? (await this.store.get<Namespace>(key));
    admitCreateInNamespace(info, obj.metadata.name ?? '', namespace, ns);
  }

  private lookUpLive(namespace: string): void {
    this.liveLookups.delete(namespace);
    if (this.liveLookups.size >= FORCE_LIVE_LOOKUP_ENTRIES) this.liveLookups.delete(this.liveLookups.keys().next().value as string);
    this.liveLookups.set(namespace, this.now().getTime() + FORCE_LIVE_LOOKUP_MS);
  }

  private mustLookUpLive(namespace: string): boolean {
    const until = this.liveLookups.get(namespace);
    if (until === undefined) return false;
    if (until > this.now().getTime()) return true;
    this.liveLookups.delete(namespace);
    return false;
  }

  /** BeforeUpdate: the request's object against the stored one. */
  private prepareUpdate<T extends KubeObject>(info: AnyKind, strategy: AnyKind['strategy'], next: T, current: T): T {
    checkUidPrecondition(info, next, current);
    next.metadata.resourceVersion = current.metadata.resourceVersion;
    carryOverObjectMeta(next, current);
    strategy.prepareForUpdate(next, current, { now: this.now(), defaultTolerationSeconds: this.defaultTolerationSeconds });
    if (strategy.tracksGeneration) bumpGenerationOnChange(next, current);
    const causes = strategy.validateUpdate(next, current, info);
    if (causes.length > 0) throw invalid(info.kind, next.metadata.name ?? '', causes, info.group);
    return next;
  }

  private prepareStatusUpdate<T extends KubeObject>(info: AnyKind, body: T, current: T): T {
    checkUidPrecondition(info, body, current);
    const next = info.strategy.prepareForStatusUpdate(structuredClone(body), current) as T;
    next.metadata.resourceVersion = current.metadata.resourceVersion;
    const causes = info.strategy.validateStatusUpdate(next, current, info);
    if (causes.length > 0) throw invalid(info.kind, next.metadata.name ?? '', causes, info.group);
    return next;
  }

  /** A patched object is an update whose resourceVersion precondition the patch itself may carry. */
  private preparePatched<T extends KubeObject>(info: AnyKind, next: T, current: T, options: PatchOptions): T {
    const rv = next.metadata.resourceVersion;
    if (rv && rv !== current.metadata.resourceVersion) {
      throw new ApiError('Conflict', `Operation cannot be fulfilled on ${info.resource} "${current.metadata.name ?? ''}": the object has been modified; please apply your changes to the latest version and try again`, { kind: info.resource, group: info.group, name: current.metadata.name });
    }
    return options.subresource === 'status' ? this.prepareStatusUpdate(info, next, current) : this.prepareUpdate(info, info.strategy, next, current);
  }

  private async apply<T extends KubeObject>(info: AnyKind, namespace: string | undefined, name: string, patch: unknown, options: PatchOptions): Promise<WriteOutcome<T>> {
    if (!options.fieldManager) {
      throw invalid('PatchOptions.meta.k8s.io', '', [{ reason: 'FieldValueRequired', message: 'Required value: is required for apply patch', field: 'fieldManager' }]);
    }
    const strategy = info.strategy;
    const { object: config, unknownFields } = decodeBody<T>(info, patch);
    const warnings = applyFieldValidation(info, strictDecodingErrors(unknownFields, options.strictErrors), options.fieldValidation ?? 'Ignore');
    checkName(config, name);
    const ns = settleNamespace(info, config, namespace);
    delete config.metadata.managedFields;
    // Ownership is tracked for the object itself; an apply to the status subresource merges only.
    const owned = options.subresource === undefined ? this.ownershipOf(info, config, options.fieldManager, options.force === true) : undefined;
    try {
      const outcome = await this.write<T>(info, ns, name, undefined, options, (current) => {
        const next = decodePatched(info, applyPatchDocument('apply-patch', current, config, info), 'Ignore').object;
        if (owned) owned(current, next);
        return this.preparePatched(info, next, current, options);
      });
      return { object: await this.removeIfDone(info, strategy, ns, outcome), created: false, warnings };
    } catch (err: unknown) {
      if (!isApiError(err, 'NotFound') || options.subresource === 'status' || !(err as ApiError).subject.name) throw err;
      const created = structuredClone(config);
      owned?.(undefined, created);
      return { object: await this.createDecoded(info, ns, created, options, false), created: true, warnings };
    }
  }

  /** Sets the managedFields of an applied object (field-ownership.ts); throws the 409 of a conflict. */
  private ownershipOf(info: AnyKind, config: KubeObject, manager: string, force: boolean): (current: KubeObject | undefined, next: KubeObject) => void {
    const apiVersion = apiVersionOf(info);
    const key = kindKey(apiVersion, info.kind);
    const fields = appliedFields(config, key);
    return (current, next) => {
      const owned = applyOwnership(current, config, fields, { manager, force, apiVersion, now: this.now(), kindKey: key });
      removeReleased(next, owned.released);
      next.metadata.managedFields = owned.managedFields;
    };
  }

  /**
   * Records the write of `next` over `current` (undefined: a create) in its managedFields, as an
   * Update entry of the writer (update-ownership.ts); returns `next`. The entries it starts from
   * are the ones the write sets, when it sets any (managedFields may be written directly, and
   * `[{}]` clears them), else the live object's; a subresource's write always starts from the
   * live ones. Only what the write may change is compared: a status write's status, the rest
   * for other writes of a kind with a status subresource.
   */
  private recordUpdate<T extends KubeObject>(info: AnyKind, next: T, current: T | undefined, options: WriteOptions, subresource?: string): T {
    const apiVersion = apiVersionOf(info);
    const own = next.metadata.managedFields;
    const base = subresource === undefined && own !== undefined && own.length > 0 ? own : (current?.metadata.managedFields ?? []);
    const schema = kindPatchSchema(kindKey(apiVersion, info.kind)) ?? UNKNOWN_SCHEMA;
    const changes = fieldChanges(current as Record<string, unknown> | undefined, next as Record<string, unknown>, schema, trackedMembers(info, subresource));
    const entries = updateOwnership(base, changes, { manager: options.fieldManager ?? OWN_FIELD_MANAGER, apiVersion, subresource, now: this.now() });
    if (entries.length > 0) next.metadata.managedFields = entries;
    else delete next.metadata.managedFields;
    return next;
  }

  /** A write of the object's Scale (scaleUpdatedObjectInfo): the Scale validated, then an update of the object's replicas. */
  private async writeScale(
    info: AnyKind, namespace: string | undefined, name: string, options: WriteOptions, nextScale: (current: Scale) => Scale,
  ): Promise<Scale> {
    const handler = scaleHandler(info);
    const outcome = await this.write<KubeObject>(info, info.namespaced ? namespace : undefined, name, undefined, options, (current) => {
      const scale = nextScale(handler.read(current));
      const causes = validateScale(scale);
      if (causes.length > 0) throw invalid(SCALES.kind, name, causes, SCALES.group);
      const rv = scale.metadata.resourceVersion;
      if (rv && rv !== current.metadata.resourceVersion) throw conflictFor(info, name);
      const next = this.prepareUpdate(info, info.strategy, handler.withReplicas(structuredClone(current), scale.spec?.replicas ?? 0), current);
      return this.recordUpdate(info, next, current, options, 'scale');
    });
    return handler.read(outcome.object);
  }

  /** An update that leaves a deleting object with nothing pending finishes the deletion. */
  private async removeIfDone<T extends KubeObject>(info: AnyKind, strategy: AnyKind['strategy'], namespace: string | undefined, outcome: UpdateOutcome<T>): Promise<T> {
    if (!outcome.written || !readyToRemove(outcome.object, strategy)) return outcome.object;
    const key = this.key(info, namespace, outcome.object.metadata.name ?? '');
    const removed = await remove({ store: this.store, key, companion: this.companions.get(info) }, outcome.object);
    if (!removed) return outcome.object;
    this.rememberWrite(key, undefined);
    return this.stored(info, removed);
  }
}

/** The subresource's handler, when it is a write to the parent; NotFound otherwise. */
function parentWrite<T extends KubeObject>(info: AnyKind, subresource: string): ParentWriteSubresource<T> {
  const handler = Object.hasOwn(info.subresources, subresource) ? info.subresources[subresource] : undefined;
  if (handler?.type !== 'write') throw new ApiError('NotFound', 'the server could not find the requested resource');
  return handler as unknown as ParentWriteSubresource<T>;
}

/** The subresource's handler, when it is an action (eviction); NotFound otherwise. */
function actionHandler(info: AnyKind, subresource: string): ActionSubresource {
  const handler = Object.hasOwn(info.subresources, subresource) ? info.subresources[subresource] : undefined;
  if (handler?.type !== 'action') throw new ApiError('NotFound', 'the server could not find the requested resource');
  return handler;
}

/** The subresource's handler, when it is a create (token); NotFound otherwise. */
function createHandler(info: AnyKind, subresource: string): CreateSubresource {
  const handler = Object.hasOwn(info.subresources, subresource) ? info.subresources[subresource] : undefined;
  if (handler?.type !== 'create') throw new ApiError('NotFound', 'the server could not find the requested resource');
  return handler;
}

/** The kind's `scale` subresource; NotFound for a kind without one. */
function scaleHandler(info: AnyKind): ScaleSubresource {
  const handler = Object.hasOwn(info.subresources, 'scale') ? info.subresources.scale : undefined;
  if (handler?.type !== 'scale') throw new ApiError('NotFound', 'the server could not find the requested resource');
  return handler;
}

/** The top-level members a write may change: a status write's status; other writes' the rest, where the kind has a status subresource. */
function trackedMembers(info: AnyKind, subresource: string | undefined): (member: string) => boolean {
  if (subresource === 'status') return (member) => member === 'status';
  if (Object.hasOwn(info.subresources, 'status')) return (member) => member !== 'status';
  return () => true;
}

/** Precondition carried by the object itself (Kubernetes' UpdatedObjectInfo.Preconditions). */
function checkUidPrecondition(info: AnyKind, next: KubeObject, current: KubeObject): void {
  checkPreconditions(info, current, { preconditions: { uid: next.metadata.uid } });
}
