/**
 * A StatefulSet pod's PersistentVolumeClaims (stateful_pod_control.go and stateful_set_utils.go,
 * 1.32), without I/O: the claims a pod needs (`<template>-<set>-<ordinal>`, labelled with the
 * template's labels and the set's matchLabels), and the ownerReferences
 * `persistentVolumeClaimRetentionPolicy` asks for, which the garbage collector acts on:
 *
 *   whenScaled Retain, whenDeleted Retain  → no reference (claims outlive everything)
 *   whenScaled Retain, whenDeleted Delete  → the set as controller (deleting the set deletes them)
 *   whenScaled Delete, whenDeleted Retain  → the pod as controller once scaled away
 *   whenScaled Delete, whenDeleted Delete  → the set while in range, the pod once scaled away
 *
 * A claim controlled by something else, or referring to an earlier set or pod of the same name
 * (a stale reference), is left alone, as Kubernetes does.
 */
import type { StatefulSet } from '../../api/apps-v1';
import type { PersistentVolumeClaim, Pod } from '../../api/core-v1';
import type { KubeObject, OwnerReference } from '../../api/meta';
import { controllerReference } from './framework/owner-references';
import { claimName, inOrdinalRange, ordinalOf } from './stateful-set-pods';

/** The cached claim of that name in that namespace. */
export type ClaimLookup = (namespace: string, name: string) => PersistentVolumeClaim | undefined;

/** getPersistentVolumeClaims: the claims of the pod's ordinal, as they are to be created. */
export function claimsFor(set: StatefulSet, pod: Pod): PersistentVolumeClaim[] {
  const ordinal = ordinalOf(pod);
  return (set.spec.volumeClaimTemplates ?? []).map((template) => {
    const claim = structuredClone(template);
    const { status: _status, ...rest } = claim;
    const labels = { ...template.metadata.labels, ...set.spec.selector.matchLabels };
    return {
      ...rest,
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { ...rest.metadata, name: claimName(set, template.metadata.name ?? '', ordinal), namespace: set.metadata.namespace, labels },
    };
  });
}

/** The pod's claims the cache does not hold (createPersistentVolumeClaims creates exactly these). */
export function missingClaims(set: StatefulSet, pod: Pod, claimOf: ClaimLookup): PersistentVolumeClaim[] {
  return claimsFor(set, pod).filter((c) => !claimOf(c.metadata.namespace ?? '', c.metadata.name ?? ''));
}

/** The pod's claims that are being deleted: its creation must wait ("pvc … is being deleted"). */
export function claimsBeingDeleted(set: StatefulSet, pod: Pod, claimOf: ClaimLookup): string[] {
  return claimsFor(set, pod).filter((c) => claimOf(c.metadata.namespace ?? '', c.metadata.name ?? '')?.metadata.deletionTimestamp).map((c) => c.metadata.name ?? '');
}

function retains(set: StatefulSet): boolean {
  const policy = set.spec.persistentVolumeClaimRetentionPolicy;
  return (policy?.whenDeleted ?? 'Retain') === 'Retain' && (policy?.whenScaled ?? 'Retain') === 'Retain';
}

/**
 * PodClaimIsStale: a claim of the pod refers to an earlier pod of its name (one the garbage
 * collector is about to take with it), so the new pod must wait. Never under Retain/Retain.
 */
export function podClaimIsStale(set: StatefulSet, pod: Pod, claimOf: ClaimLookup): boolean {
  if (retains(set)) return false;
  return claimsFor(set, pod).some((c) => {
    const claim = claimOf(c.metadata.namespace ?? '', c.metadata.name ?? '');
    return claim !== undefined && hasStaleOwnerRef(claim, pod, 'Pod', '');
  });
}

interface Owners {
  set: StatefulSet;
  /** The pod, with its uid once it exists. */
  pod: Pod;
}

function refsOf(claim: PersistentVolumeClaim): OwnerReference[] {
  return claim.metadata.ownerReferences ?? [];
}

function groupOf(apiVersion: string): string {
  return apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
}

/** matchesRef: the reference names the object by name, group and kind (any uid). */
function matchesRef(ref: OwnerReference, object: KubeObject, kind: string, group: string): boolean {
  return ref.name === object.metadata.name && ref.kind === kind && groupOf(ref.apiVersion) === group;
}

function hasStaleOwnerRef(claim: PersistentVolumeClaim, object: KubeObject, kind: string, group: string): boolean {
  const ref = refsOf(claim).find((r) => matchesRef(r, object, kind, group));
  return ref !== undefined && ref.uid !== (object.metadata.uid ?? '');
}

function hasOwnerRef(claim: PersistentVolumeClaim, owner: KubeObject): boolean {
  return owner.metadata.uid !== undefined && refsOf(claim).some((r) => r.uid === owner.metadata.uid);
}

function hasUnexpectedController(claim: PersistentVolumeClaim, { set, pod }: Owners): boolean {
  return refsOf(claim).some((r) => r.controller === true && r.uid !== set.metadata.uid && r.uid !== pod.metadata.uid);
}

function hasNonControllerOwner(claim: PersistentVolumeClaim, { set, pod }: Owners): boolean {
  return refsOf(claim).some((r) => (r.uid === set.metadata.uid || (pod.metadata.uid !== undefined && r.uid === pod.metadata.uid)) && r.controller !== true);
}

/** Which owners the policy wants on a claim of this pod. */
function wantedOwners({ set, pod }: Owners): { set: boolean; pod: boolean } {
  const policy = set.spec.persistentVolumeClaimRetentionPolicy;
  const scaledDelete = policy?.whenScaled === 'Delete';
  const deletedDelete = policy?.whenDeleted === 'Delete';
  const scaledDown = !inOrdinalRange(set, pod);
  if (scaledDelete && scaledDown) return { set: false, pod: true };
  return { set: deletedDelete, pod: false };
}

/** isClaimOwnerUpToDate. */
export function claimOwnerUpToDate(claim: PersistentVolumeClaim, owners: Owners): boolean {
  if (hasStaleOwnerRef(claim, owners.set, 'StatefulSet', 'apps') || hasStaleOwnerRef(claim, owners.pod, 'Pod', '')) return true;
  if (hasUnexpectedController(claim, owners)) return !(hasOwnerRef(claim, owners.set) || hasOwnerRef(claim, owners.pod));
  if (hasNonControllerOwner(claim, owners)) return false;
  const wanted = wantedOwners(owners);
  return hasOwnerRef(claim, owners.set) === wanted.set && hasOwnerRef(claim, owners.pod) === wanted.pod;
}

/** updateClaimOwnerRefForSetAndPod: the claim with our references scrubbed and the policy's added as controllers. */
export function withRetentionOwners(claim: PersistentVolumeClaim, owners: Owners): PersistentVolumeClaim {
  const unexpected = hasUnexpectedController(claim, owners);
  const refs = refsOf(claim).filter((r) => !matchesRef(r, owners.set, 'StatefulSet', 'apps') && !matchesRef(r, owners.pod, 'Pod', ''));
  if (!unexpected) {
    const wanted = wantedOwners(owners);
    if (wanted.set) refs.push(controllerReference(owners.set));
    if (wanted.pod && owners.pod.metadata.uid) refs.push(controllerReference({ ...owners.pod, apiVersion: 'v1', kind: 'Pod' }));
  }
  const { ownerReferences: _old, ...metadata } = claim.metadata;
  return { ...claim, metadata: refs.length > 0 ? { ...metadata, ownerReferences: refs } : metadata };
}

/** The pod's cached claims whose references do not match the policy, each with the references it should have. */
export function claimsToReown(set: StatefulSet, pod: Pod, claimOf: ClaimLookup): PersistentVolumeClaim[] {
  const owners = { set, pod };
  return claimsFor(set, pod)
    .map((c) => claimOf(c.metadata.namespace ?? '', c.metadata.name ?? ''))
    .filter((c): c is PersistentVolumeClaim => c !== undefined && !claimOwnerUpToDate(c, owners))
    .map((c) => withRetentionOwners(c, owners));
}
