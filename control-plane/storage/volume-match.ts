/**
 * Which PersistentVolume a claim may take (findMatchingVolume and checkVolumeSatisfyClaim,
 * pkg/controller/volume/persistentvolume/util 1.32): enough capacity, the same volume mode,
 * not being deleted, node affinity matching the node when one is given, then a volume
 * pre-bound to the claim wins outright; otherwise an unbound volume of the claim's class whose
 * labels the claim's selector matches, whose access modes include the claim's, the smallest
 * (among volumes with the fewest access modes first, as the access-mode index orders them).
 * With delayed binding (WaitForFirstConsumer) and no node yet, only pre-bound volumes match.
 */
import type { Node, PersistentVolumeClaim } from '../../api/core-v1';
import { matchesLabels, selectorFromLabelSelector } from '../../api/label-selector';
import { parseQuantity, type Quantity } from '../../api/quantity';
import type { PersistentVolume } from '../../api/storage-v1';
import { termMatches } from '../scheduler/node-affinity';
import { claimClassOf, isVolumeBoundToClaim, volumeClassOf } from './volume-annotations';

export function storageOf(list: Record<string, string> | undefined): Quantity {
  const raw = list?.storage;
  try {
    return parseQuantity(raw ?? '0');
  } catch {
    return parseQuantity('0');
  }
}

/** Whether the volume's node affinity lets it be used on the node (no affinity: anywhere). */
export function volumeFitsNode(volume: PersistentVolume, node: Node): boolean {
  const required = volume.spec?.nodeAffinity?.required;
  if (!required) return true;
  return (required.nodeSelectorTerms ?? []).some((t) => termMatches(t, node));
}

function accessModesInclude(volume: PersistentVolume, claim: PersistentVolumeClaim): boolean {
  const modes = volume.spec?.accessModes ?? [];
  return (claim.spec?.accessModes ?? []).every((m) => modes.includes(m));
}

function sameVolumeMode(volume: PersistentVolume, claim: PersistentVolumeClaim): boolean {
  return (volume.spec?.volumeMode ?? 'Filesystem') === (claim.spec?.volumeMode ?? 'Filesystem');
}

export interface MatchOptions {
  /** The claim's class binds WaitForFirstConsumer. */
  delayBinding: boolean;
  /** The node chosen for the claim's first consumer, if known. */
  node?: Node;
}

export function findMatchingVolume(claim: PersistentVolumeClaim, volumes: readonly PersistentVolume[], options: MatchOptions): PersistentVolume | undefined {
  const requested = storageOf(claim.spec?.resources?.requests);
  const selector = claim.spec?.selector ? selectorFromLabelSelector(claim.spec.selector) : undefined;
  const candidates = volumes.filter((v) => accessModesInclude(v, claim)).sort((a, b) => (a.spec?.accessModes?.length ?? 0) - (b.spec?.accessModes?.length ?? 0));
  const groups = [...new Set(candidates.map((v) => v.spec?.accessModes?.length ?? 0))];
  for (const size of groups) {
    let smallest: PersistentVolume | undefined;
    for (const volume of candidates.filter((v) => (v.spec?.accessModes?.length ?? 0) === size)) {
      if (storageOf(volume.spec?.capacity).cmp(requested) < 0 || !sameVolumeMode(volume, claim) || volume.metadata.deletionTimestamp) continue;
      const fitsNode = options.node === undefined || volumeFitsNode(volume, options.node);
      if (isVolumeBoundToClaim(volume, claim)) return fitsNode ? volume : undefined;
      if (options.node === undefined && options.delayBinding) continue;
      if (volume.spec?.claimRef || (selector && !matchesLabels(selector, volume.metadata.labels))) continue;
      if (volumeClassOf(volume) !== claimClassOf(claim) || !fitsNode) continue;
      if (!smallest || storageOf(smallest.spec?.capacity).cmp(storageOf(volume.spec?.capacity)) > 0) smallest = volume;
    }
    if (smallest) return smallest;
  }
  return undefined;
}

/** checkVolumeSatisfyClaim: why a requested volume (spec.volumeName) cannot take the claim, or undefined. */
export function volumeRefusesClaim(volume: PersistentVolume, claim: PersistentVolumeClaim): string | undefined {
  if (storageOf(volume.spec?.capacity).cmp(storageOf(claim.spec?.resources?.requests)) < 0) return 'requested PV is too small';
  if (volumeClassOf(volume) !== claimClassOf(claim)) return 'storageClassName does not match';
  if (!sameVolumeMode(volume, claim)) return 'incompatible volumeMode';
  if (!accessModesInclude(volume, claim)) return 'incompatible accessMode';
  return undefined;
}
