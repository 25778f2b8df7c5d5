/**
 * The PersistentVolume controller's decisions, pure (syncClaim and syncVolume of
 * pkg/controller/volume/persistentvolume/pv_controller.go, 1.32). A plan is the writes to make,
 * in order, on the objects as they should become, and the events to record; the wiring writes
 * each only where it differs from the cache, with compare-and-swap.
 *
 * Claims: an unbound claim without a class gets the default class (retroactive default
 * StorageClass); it binds to the best matching volume (volume-match.ts: claimRef and
 * bound-by-controller on the volume, phase Bound; volumeName, bind-completed and
 * bound-by-controller on the claim, phase Bound with the volume's access modes and capacity);
 * with none, a class with a provisioner gets the claim annotated for it (ExternalProvisioning),
 * unless the class waits for the first consumer and no node is selected yet (WaitForFirstConsumer).
 * A bound claim whose volume is gone or bound elsewhere is Lost (ClaimLost, ClaimMisbound).
 *
 * Volumes: no claimRef → Available; bound to a live claim that names it → Bound; a claim that
 * names another volume releases a volume the controller bound; a claim gone → Released, then
 * the reclaim policy: Retain keeps it; Delete deletes it when the pikube provisioner made it
 * (its agent removes the directory before the volume goes, see local-path-provisioner) and
 * fails any other volume (pikube has no deleter for static volumes, as Kubernetes has none
 * for `local`); Recycle fails (no recycler).
 */
import type { Node, PersistentVolumeClaim } from '../../api/core-v1';
import type { PersistentVolume, PersistentVolumeStatus, StorageClass } from '../../api/storage-v1';
import {
  ANN_BETA_STORAGE_PROVISIONER, ANN_BIND_COMPLETED, ANN_BOUND_BY_CONTROLLER, ANN_PROVISIONED_BY, ANN_SELECTED_NODE, ANN_STORAGE_PROVISIONER,
  claimClassOf, isVolumeBoundToClaim,
} from '../storage/volume-annotations';
import { findMatchingVolume, volumeRefusesClaim } from '../storage/volume-match';

export type ClaimStatus = NonNullable<PersistentVolumeClaim['status']>;

export interface BinderEvent {
  on: 'claim' | 'volume';
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

/** One write: the object as it should be (metadata and spec), then its status if given. */
export type BinderWrite =
  | { op: 'volume'; volume: PersistentVolume; status?: PersistentVolumeStatus }
  | { op: 'claim'; claim: PersistentVolumeClaim; status?: ClaimStatus }
  | { op: 'deleteVolume'; volume: PersistentVolume };

export interface BinderPlan {
  writes: BinderWrite[];
  events: BinderEvent[];
}

export interface BinderInputs {
  volumes: readonly PersistentVolume[];
  volumeOf(name: string): PersistentVolume | undefined;
  classOf(name: string): StorageClass | undefined;
  defaultClass: StorageClass | undefined;
  nodeOf(name: string): Node | undefined;
  /** Provisioners whose volumes the controller deletes itself on reclaim Delete. */
  deletingProvisioners: readonly string[];
}

const NOTHING: BinderPlan = { writes: [], events: [] };

function event(on: BinderEvent['on'], type: BinderEvent['type'], reason: string, message: string): BinderEvent {
  return { on, type, reason, message };
}

function withAnnotations<T extends { metadata: { annotations?: Record<string, string> } }>(obj: T, annotations: Record<string, string>): T {
  const copy = structuredClone(obj);
  copy.metadata.annotations = { ...copy.metadata.annotations, ...annotations };
  return copy;
}

/** bind(): the volume's claimRef, then the claim's volumeName; both phases Bound. */
export function bindPlan(volume: PersistentVolume, claim: PersistentVolumeClaim): BinderPlan {
  if (volume.spec?.claimRef && !isVolumeBoundToClaim(volume, claim)) return NOTHING;
  // A claimRef the user wrote (pre-binding) is completed, not marked as the controller's.
  const boundVolume = volume.spec?.claimRef ? structuredClone(volume) : withAnnotations(volume, { [ANN_BOUND_BY_CONTROLLER]: 'yes' });
  if (!volume.spec?.claimRef?.uid) boundVolume.spec = { ...boundVolume.spec, claimRef: { kind: 'PersistentVolumeClaim', namespace: claim.metadata.namespace, name: claim.metadata.name, uid: claim.metadata.uid, apiVersion: 'v1', resourceVersion: claim.metadata.resourceVersion } };
  const byController: Record<string, string> = claim.spec?.volumeName ? {} : { [ANN_BOUND_BY_CONTROLLER]: 'yes' };
  const boundClaim = withAnnotations(claim, { ...byController, [ANN_BIND_COMPLETED]: 'yes' });
  boundClaim.spec = { ...boundClaim.spec, volumeName: volume.metadata.name };
  const claimStatus: ClaimStatus = { ...claim.status, phase: 'Bound', accessModes: volume.spec?.accessModes, capacity: volume.spec?.capacity };
  return {
    writes: [
      { op: 'volume', volume: boundVolume, status: { ...volume.status, phase: 'Bound', message: undefined, reason: undefined } },
      { op: 'claim', claim: boundClaim, status: claimStatus },
    ],
    events: [],
  };
}

function claimPhase(claim: PersistentVolumeClaim, phase: ClaimStatus['phase'], events: BinderEvent[] = []): BinderPlan {
  return { writes: [{ op: 'claim', claim, status: { ...claim.status, phase } }], events };
}

export function planClaim(claim: PersistentVolumeClaim, inputs: BinderInputs): BinderPlan {
  if (claim.metadata.annotations?.[ANN_BIND_COMPLETED] === undefined) return planUnboundClaim(claim, inputs);
  return planBoundClaim(claim, inputs);
}

function planUnboundClaim(claim: PersistentVolumeClaim, inputs: BinderInputs): BinderPlan {
  if (claim.spec?.volumeName) return planPrebound(claim, claim.spec.volumeName, inputs);
  if (claim.spec?.storageClassName === undefined && claimClassOf(claim) === '' && inputs.defaultClass) {
    const classed = structuredClone(claim);
    classed.spec = { ...classed.spec, storageClassName: inputs.defaultClass.metadata.name };
    return { writes: [{ op: 'claim', claim: classed }], events: [] };
  }
  const className = claimClassOf(claim);
  const storageClass = className ? inputs.classOf(className) : undefined;
  const delayBinding = storageClass?.volumeBindingMode === 'WaitForFirstConsumer';
  const selectedNode = claim.metadata.annotations?.[ANN_SELECTED_NODE];
  const node = selectedNode ? inputs.nodeOf(selectedNode) : undefined;
  const volume = findMatchingVolume(claim, inputs.volumes, { delayBinding, node });
  if (volume) return bindPlan(volume, claim);
  return planNoVolume(claim, className, storageClass, delayBinding && !selectedNode);
}

function planNoVolume(claim: PersistentVolumeClaim, className: string, storageClass: StorageClass | undefined, waiting: boolean): BinderPlan {
  if (className === '') return claimPhase(claim, 'Pending', [event('claim', 'Normal', 'FailedBinding', 'no persistent volumes available for this claim and no storage class is set')]);
  if (!storageClass) return claimPhase(claim, 'Pending', [event('claim', 'Warning', 'ProvisioningFailed', `storageclass.storage.k8s.io "${className}" not found`)]);
  if (waiting) return claimPhase(claim, 'Pending', [event('claim', 'Normal', 'WaitForFirstConsumer', 'waiting for first consumer to be created before binding')]);
  const provisioner = storageClass.provisioner;
  const annotated = withAnnotations(claim, { [ANN_STORAGE_PROVISIONER]: provisioner, [ANN_BETA_STORAGE_PROVISIONER]: provisioner });
  const message = `Waiting for a volume to be created either by the external provisioner '${provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.`;
  return { writes: [{ op: 'claim', claim: annotated, status: { ...claim.status, phase: 'Pending' } }], events: [event('claim', 'Normal', 'ExternalProvisioning', message)] };
}

/** A claim naming its volume (spec.volumeName) before any binding. */
function planPrebound(claim: PersistentVolumeClaim, volumeName: string, inputs: BinderInputs): BinderPlan {
  const volume = inputs.volumeOf(volumeName);
  if (!volume) return claimPhase(claim, 'Pending');
  if (volume.spec?.claimRef && !isVolumeBoundToClaim(volume, claim)) {
    return claimPhase(claim, 'Pending', [event('claim', 'Warning', 'FailedBinding', `volume "${volumeName}" already bound to a different claim.`)]);
  }
  const refusal = volume.spec?.claimRef ? undefined : volumeRefusesClaim(volume, claim);
  if (refusal) return claimPhase(claim, 'Pending', [event('claim', 'Warning', 'FailedBinding', `Cannot bind to requested volume "${volumeName}": ${refusal}`)]);
  return bindPlan(volume, claim);
}

function planBoundClaim(claim: PersistentVolumeClaim, inputs: BinderInputs): BinderPlan {
  const lost = (reason: string, message: string): BinderPlan => claimPhase(claim, 'Lost', claim.status?.phase === 'Lost' ? [] : [event('claim', 'Warning', reason, message)]);
  const volumeName = claim.spec?.volumeName;
  const volume = volumeName ? inputs.volumeOf(volumeName) : undefined;
  if (!volume) return lost('ClaimLost', 'Bound claim has lost its PersistentVolume. Data on the volume is lost!');
  if (!volume.spec?.claimRef || isVolumeBoundToClaim(volume, claim)) return bindPlan(volume, claim);
  return lost('ClaimMisbound', 'Two claims are bound to the same volume, this one is bound incorrectly');
}

function volumePhase(volume: PersistentVolume, phase: PersistentVolumeStatus['phase'], message?: string): BinderWrite {
  return { op: 'volume', volume, status: { ...volume.status, phase, message, reason: undefined } };
}

export function planVolume(volume: PersistentVolume, claimOf: (namespace: string, name: string) => PersistentVolumeClaim | undefined, inputs: Pick<BinderInputs, 'deletingProvisioners'>): BinderPlan {
  const ref = volume.spec?.claimRef;
  if (!ref) return { writes: [volumePhase(volume, 'Available')], events: [] };
  const claim = claimOf(ref.namespace ?? '', ref.name ?? '');
  if (!ref.uid) return claim?.spec?.volumeName ? NOTHING : { writes: [volumePhase(volume, 'Available')], events: [] };
  if (claim && claim.metadata.uid === ref.uid) return planVolumeOfLiveClaim(volume, claim);
  return planReleasedVolume(volume, inputs);
}

function planVolumeOfLiveClaim(volume: PersistentVolume, claim: PersistentVolumeClaim): BinderPlan {
  const named = claim.spec?.volumeName;
  if (!named) return NOTHING; // binding in progress: the claim's sync completes it.
  if (named === volume.metadata.name) return { writes: [volumePhase(volume, 'Bound')], events: [] };
  // The claim is bound to another volume: a volume the controller bound is freed; a user's pre-binding keeps the name only.
  const unbound = structuredClone(volume);
  if (volume.metadata.annotations?.[ANN_BOUND_BY_CONTROLLER]) {
    delete unbound.spec?.claimRef;
    delete unbound.metadata.annotations?.[ANN_BOUND_BY_CONTROLLER];
  } else if (unbound.spec?.claimRef) unbound.spec.claimRef = { ...unbound.spec.claimRef, uid: '' };
  return { writes: [volumePhase(unbound, 'Available')], events: [] };
}

function planReleasedVolume(volume: PersistentVolume, inputs: Pick<BinderInputs, 'deletingProvisioners'>): BinderPlan {
  const phase = volume.status?.phase;
  if (phase === 'Failed') return NOTHING;
  const writes: BinderWrite[] = phase === 'Released' ? [] : [volumePhase(volume, 'Released')];
  const policy = volume.spec?.persistentVolumeReclaimPolicy ?? 'Retain';
  if (policy === 'Retain') return { writes, events: [] };
  if (policy === 'Recycle') return failed(volume, 'VolumeFailedRecycle', 'No recycler plugin found for the volume!');
  const provisioner = volume.metadata.annotations?.[ANN_PROVISIONED_BY];
  if (provisioner && inputs.deletingProvisioners.includes(provisioner)) {
    return { writes: volume.metadata.deletionTimestamp ? writes : [...writes, { op: 'deleteVolume', volume }], events: [] };
  }
  return failed(volume, 'VolumeFailedDelete', `error getting deleter volume plugin for volume "${volume.metadata.name}": no deletable volume plugin matched`);
}

function failed(volume: PersistentVolume, reason: string, message: string): BinderPlan {
  return { writes: [volumePhase(volume, 'Failed', message)], events: [event('volume', 'Warning', reason, message)] };
}
