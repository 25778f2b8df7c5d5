/**
 * The VolumeBinding and VolumeRestrictions plugins (kube-scheduler, 1.32), for the claims a pod
 * mounts.
 *
 * PreFilter: a claim that does not exist or is being deleted, a ReadWriteOncePod claim another
 * pod uses, or an unbound claim whose class binds Immediate, makes the pod unschedulable on
 * every node with the plugin's message. An unbound claim whose class is WaitForFirstConsumer
 * waits for this pod: its node is chosen here.
 *
 * Filter (per node): a bound claim's volume must exist and its node affinity match the node;
 * an unbound delayed claim needs a free volume that fits the node, or a class with a
 * provisioner (and, once a node was selected for it, that node). Beyond Kubernetes, a claim
 * that only allows ReadWriteOnce may not be used from two nodes at once: Kubernetes refuses the
 * second attachment (a Multi-Attach error) and pikube has no attach step, so the scheduler
 * keeps the pod off the other nodes.
 *
 * After a node is chosen, the pod's unbound delayed claims are annotated with
 * `volume.kubernetes.io/selected-node`; the pod is bound once the binder (or the provisioner and
 * the binder) has bound them, as kube-scheduler's PreBind waits for them.
 */
import type { Node, PersistentVolumeClaim, Pod } from '../../api/core-v1';
import type { PersistentVolume, StorageClass } from '../../api/storage-v1';
import { ANN_SELECTED_NODE, claimClassOf } from '../storage/volume-annotations';
import { findMatchingVolume, volumeFitsNode } from '../storage/volume-match';
import type { NodeFit } from './node-fit';

export const UNBOUND_IMMEDIATE_CLAIMS = 'pod has unbound immediate PersistentVolumeClaims';
export const READ_WRITE_ONCE_POD_CONFLICT = 'node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode';
export const REASON_VOLUME_NODE_CONFLICT = 'node(s) had volume node affinity conflict';
export const REASON_BIND_CONFLICT = "node(s) didn't find available persistent volumes to bind";
export const REASON_PV_NOT_EXIST = 'node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)';
/** pikube's own reason (see above): Kubernetes says it at attach time, as a Multi-Attach error. */
export const REASON_READ_WRITE_ONCE_ELSEWHERE = 'node(s) had a ReadWriteOnce PersistentVolumeClaim in use by a pod on another node';

const NO_PROVISIONER = 'kubernetes.io/no-provisioner';

/** The claim named `name` in `namespace`, as cached. */
export type ClaimLookup = (namespace: string, name: string) => PersistentVolumeClaim | undefined;

/** What the volume plugins read from the caches; only `claimOf` is required (the rest: none known). */
export interface VolumeView {
  claimOf: ClaimLookup;
  volumeOf?(name: string): PersistentVolume | undefined;
  volumes?(): readonly PersistentVolume[];
  classOf?(name: string): StorageClass | undefined;
  /** The pods (other than finished ones) that mount the claim, bound to a node or not. */
  podsUsingClaim?(namespace: string, name: string): readonly Pod[];
}

/** The names of the claims the pod's volumes use, in volume order. */
export function claimNamesOf(pod: Pod): string[] {
  return (pod.spec.volumes ?? []).flatMap((v) => (v.persistentVolumeClaim ? [v.persistentVolumeClaim.claimName] : []));
}

function claimsOf(pod: Pod, view: VolumeView): PersistentVolumeClaim[] {
  const namespace = pod.metadata.namespace ?? '';
  return claimNamesOf(pod).flatMap((name) => view.claimOf(namespace, name) ?? []);
}

/** The claim's class waits for its first consumer. */
export function isDelayed(claim: PersistentVolumeClaim, view: VolumeView): boolean {
  const name = claimClassOf(claim);
  return name !== '' && view.classOf?.(name)?.volumeBindingMode === 'WaitForFirstConsumer';
}

function isOtherPod(a: Pod, b: Pod): boolean {
  return a.metadata.uid !== undefined && b.metadata.uid !== undefined ? a.metadata.uid !== b.metadata.uid : a.metadata.name !== b.metadata.name;
}

/** undefined when the pod's claims let it be scheduled; otherwise the PreFilter's message. */
export function volumeBindingPreFilter(pod: Pod, viewOrLookup: VolumeView | ClaimLookup): string | undefined {
  const view: VolumeView = typeof viewOrLookup === 'function' ? { claimOf: viewOrLookup } : viewOrLookup;
  const namespace = pod.metadata.namespace ?? '';
  let unboundImmediate = false;
  for (const name of claimNamesOf(pod)) {
    const claim = view.claimOf(namespace, name);
    if (!claim) return `persistentvolumeclaim "${name}" not found`;
    if (claim.metadata.deletionTimestamp) return `persistentvolumeclaim "${name}" is being deleted`;
    const oncePod = (claim.spec?.accessModes ?? []).includes('ReadWriteOncePod');
    if (oncePod && (view.podsUsingClaim?.(namespace, name) ?? []).some((p) => isOtherPod(p, pod))) return READ_WRITE_ONCE_POD_CONFLICT;
    if (!claim.spec?.volumeName && !isDelayed(claim, view)) unboundImmediate = true;
  }
  return unboundImmediate ? UNBOUND_IMMEDIATE_CLAIMS : undefined;
}

const FITS: NodeFit = { fits: true };

function conflict(reason: string): NodeFit {
  return { fits: false, plugin: 'VolumeBinding', reasons: [reason], unresolvable: true };
}

/** The VolumeBinding Filter (and pikube's ReadWriteOnce rule) for one node. */
export function volumeBindingFilter(pod: Pod, node: Node, view: VolumeView): NodeFit {
  for (const claim of claimsOf(pod, view)) {
    const fit = claim.spec?.volumeName ? boundClaimFits(pod, claim, claim.spec.volumeName, node, view) : delayedClaimFits(claim, node, view);
    if (!fit.fits) return fit;
  }
  return FITS;
}

function boundClaimFits(pod: Pod, claim: PersistentVolumeClaim, volumeName: string, node: Node, view: VolumeView): NodeFit {
  const volume = view.volumeOf?.(volumeName);
  if (!volume) return conflict(REASON_PV_NOT_EXIST);
  if (!volumeFitsNode(volume, node)) return conflict(REASON_VOLUME_NODE_CONFLICT);
  const modes = volume.spec?.accessModes ?? claim.spec?.accessModes ?? [];
  const onlyOnce = modes.length > 0 && modes.every((m) => m === 'ReadWriteOnce' || m === 'ReadWriteOncePod');
  if (!onlyOnce) return FITS;
  const users = view.podsUsingClaim?.(claim.metadata.namespace ?? '', claim.metadata.name ?? '') ?? [];
  const elsewhere = users.some((p) => isOtherPod(p, pod) && p.spec.nodeName && p.spec.nodeName !== node.metadata.name);
  return elsewhere ? { fits: false, plugin: 'VolumeRestrictions', reasons: [REASON_READ_WRITE_ONCE_ELSEWHERE], unresolvable: true } : FITS;
}

function delayedClaimFits(claim: PersistentVolumeClaim, node: Node, view: VolumeView): NodeFit {
  const selected = claim.metadata.annotations?.[ANN_SELECTED_NODE];
  if (selected !== undefined && selected !== node.metadata.name) return conflict(REASON_BIND_CONFLICT);
  if (findMatchingVolume(claim, view.volumes?.() ?? [], { delayBinding: true, node })) return FITS;
  const provisioner = view.classOf?.(claimClassOf(claim))?.provisioner;
  return provisioner && provisioner !== NO_PROVISIONER ? FITS : conflict(REASON_BIND_CONFLICT);
}

/** The pod's claims still unbound once its node is chosen (all delayed: PreFilter let nothing else through). */
export function unboundClaimsOf(pod: Pod, view: VolumeView): PersistentVolumeClaim[] {
  return claimsOf(pod, view).filter((c) => !c.spec?.volumeName);
}
