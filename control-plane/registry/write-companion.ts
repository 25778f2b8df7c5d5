/**
 * Keys an object holds besides its own, written in the same etcd transaction as the object:
 * the range allocations of a Service (its cluster IP, its node ports). A create whose
 * transaction fails claims nothing; a delete releases the keys with the object.
 */
import type { KubeObject, StatusCause } from '../../api/meta';
import { decodeObject, encodeObject } from '../store/etcd-codec';
import type { KeySpace } from '../store/keys';
import type { Store, TxnWrite } from '../store/store';

export interface Claim {
  key: string;
  /** What the key stores: who holds the value. */
  object: KubeObject;
  /**
   * Set when the user asked for exactly this value: if another holds it, the write fails with
   * this cause (422). Unset for a value picked automatically: another is picked and retried.
   */
  requested?: StatusCause;
}

export interface CompanionPlan {
  claims: Claim[];
  /** Keys to delete with the write (values the object no longer holds). */
  releases: string[];
}

export interface WriteCompanion {
  /** Fills what the new object is given (clusterIP, nodePorts) and names the keys it claims. Throws Invalid for out-of-range requests. */
  planCreate(obj: KubeObject): Promise<CompanionPlan>;
  /** The same for an update of `current` to `next`: claims for new values, releases for dropped ones. */
  planUpdate(next: KubeObject, current: KubeObject): Promise<CompanionPlan>;
  /** What removing the object releases. */
  planDelete(current: KubeObject): CompanionPlan;
}

/** What a kind's companion is made with: the registry's store, and the settings of the service network. */
export interface CompanionContext {
  store: Store;
  keySpace: KeySpace;
  /** Where Services get cluster IPs. */
  serviceCIDR?: string;
  /** Where NodePort Services get node ports. */
  nodePortRange?: { first: number; last: number };
}

/** Made once per Registry, for the registry's store. */
export type CompanionFactory<C extends WriteCompanion = WriteCompanion> = (ctx: CompanionContext) => C;

export const NO_COMPANION_KEYS: CompanionPlan = Object.freeze({ claims: [], releases: [] }) as CompanionPlan;

/** The transaction writes of a plan: each claim created (must be absent), each release deleted. */
export function companionWrites(plan: CompanionPlan): TxnWrite[] {
  return [
    ...plan.claims.map((c): TxnWrite => ({ op: 'create', key: c.key, object: c.object })),
    ...plan.releases.map((key): TxnWrite => ({ op: 'delete', key })),
  ];
}

/** The causes of requested values another holds (the failed keys of a transaction). */
export function requestedConflicts(plan: CompanionPlan, failed: readonly string[]): StatusCause[] {
  return plan.claims.filter((c) => c.requested && failed.includes(c.key)).map((c) => c.requested as StatusCause);
}

/** The object as the store would return it after a write at `revision`. */
export function stampRevision<T extends KubeObject>(obj: T, revision: number): T {
  return decodeObject<T>(encodeObject(obj), revision);
}
