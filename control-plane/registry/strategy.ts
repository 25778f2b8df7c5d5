/**
 * What differs between kinds when the registry creates, updates and deletes them: the
 * Kubernetes "REST strategy" (pkg/registry/<group>/<kind>/strategy.go). The registry owns the
 * common metadata rules (object-meta.ts) and the storage; a strategy owns its kind's rules.
 * Strategies are pure: they mutate only the object handed to them and never do I/O. A strategy
 * is typed by its kind: it reads a Pod as a Pod, without casts.
 */
import type { DefaultTolerationSeconds } from '../../api/defaults/pod-defaults';
import type { KubeObject, StatusCause } from '../../api/meta';
import type { GarbageCollectionPolicy } from './dependents-policy';
import type { ResourceInfo } from './resource-info';

export interface StrategyContext {
  now: Date;
  /** The DefaultTolerationSeconds admission's settings (control-plane flags); absent: pikube's defaults. */
  defaultTolerationSeconds?: DefaultTolerationSeconds;
}

/** DeleteOptions as the registry sees them (meta.k8s.io/v1 DeleteOptions). */
export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  /** Deprecated for propagationPolicy (true: Orphan; false: neither orphan nor foreground); not with it. */
  orphanDependents?: boolean;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

export interface ResourceStrategy<T extends KubeObject = KubeObject> {
  /** Top-level JSON fields of the kind, for `fieldValidation=Strict|Warn`. */
  readonly topLevelFields: readonly string[];
  /** PUT of a missing object creates it (Kubernetes' AllowCreateOnUpdate). */
  readonly allowCreateOnUpdate: boolean;
  /** A finished DELETE answers with the deleted object rather than a Success Status. */
  readonly returnDeletedObject: boolean;
  /** metadata.generation is 1 at create and bumps when anything but metadata and status changes. */
  readonly tracksGeneration: boolean;
  /** What a DELETE naming no propagationPolicy does to dependents (dependents-policy.ts). */
  readonly defaultGarbageCollectionPolicy: GarbageCollectionPolicy;

  /** Kind-specific create preparation (status reset, defaults). Metadata is already set. */
  prepareForCreate(obj: T, ctx: StrategyContext): void;
  validate(obj: T, info: ResourceInfo): StatusCause[];
  /** Main-resource update: keeps what only subresources may change (status). */
  prepareForUpdate(obj: T, old: T, ctx?: StrategyContext): void;
  validateUpdate(obj: T, old: T, info: ResourceInfo): StatusCause[];
  /** The object a `/status` write yields: the old object with the new status. */
  prepareForStatusUpdate(obj: T, old: T): T;
  validateStatusUpdate(obj: T, old: T, info: ResourceInfo): StatusCause[];
  /**
   * Seconds the object stays after a DELETE before it is gone; 0 means at once.
   * `requested` is DeleteOptions.gracePeriodSeconds.
   */
  deletionGracePeriod(obj: T, requested: number | undefined): number;
  /** Throws (Forbidden) when the object may not be deleted at all. */
  checkDelete(obj: T): void;
  /** Marks an object entering graceful deletion (a namespace turns Terminating). */
  beginDeletion(obj: T): void;
  /** Whether something must still clean up before the object may go (finalizers). */
  hasPendingFinalizers(obj: T): boolean;
  /** `Warning` headers a DELETE (of one object or a collection) answers with, given its options. */
  deleteWarnings?(options: DeleteOptions): string[];
}
