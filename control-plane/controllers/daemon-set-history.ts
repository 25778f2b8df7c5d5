/**
 * A DaemonSet's ControllerRevision history (pkg/controller/daemon/update.go, 1.32), decided
 * without I/O. A revision holds the template as the patch `kubectl rollout undo` applies
 * (framework/controller-history.ts revisionData); unlike a StatefulSet's, a DaemonSet's
 * revision is named `<ds>-<hash>` with the hash of the pod template and the collision count
 * (controller.ComputeHash, the hash its pods are labelled with), and carries the DaemonSet's
 * annotations (`kubernetes.io/change-cause` for `rollout history`).
 */
import { CONTROLLER_REVISION_HASH_LABEL_KEY, type ControllerRevision, type DaemonSet } from '../../api/apps-v1';
import { matchesLabels } from '../../api/label-selector';
import { canonicalJson, computePodTemplateHash } from '../../api/pod-template-hash';
import type { Pod } from '../../api/core-v1';
import { claimChildren, type Claims } from './framework/controller-ref-manager';
import { nextRevision, revisionData, sortRevisions } from './framework/controller-history';
import { controllerReference } from './framework/owner-references';
import { selectorOf } from './daemon-set-plan';

/** controlledHistories: the revisions the DaemonSet claims by its selector (adopting and releasing as for pods). */
export function claimRevisions(ds: DaemonSet, revisions: readonly ControllerRevision[]): Claims<ControllerRevision> | undefined {
  const selector = selectorOf(ds);
  if (!selector) return undefined;
  return claimChildren(ds, revisions, (r) => matchesLabels(selector, r.metadata.labels));
}

/** Match: the revision holds the DaemonSet's current template. */
export function matchesRevision(ds: DaemonSet, revision: ControllerRevision): boolean {
  return canonicalJson(revisionData(ds)) === canonicalJson(revision.data);
}

/** snapshot's revision: named by the template hash and the DaemonSet's collision count. */
export function daemonSetRevision(ds: DaemonSet, revision: number): ControllerRevision {
  const hash = computePodTemplateHash(ds.spec.template, ds.status?.collisionCount);
  const annotations = ds.metadata.annotations;
  return {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name: `${ds.metadata.name ?? ''}-${hash}`,
      namespace: ds.metadata.namespace,
      labels: { ...(ds.spec.template.metadata?.labels ?? {}), [CONTROLLER_REVISION_HASH_LABEL_KEY]: hash },
      ...(annotations && Object.keys(annotations).length > 0 ? { annotations: { ...annotations } } : {}),
      ownerReferences: [controllerReference(ds)],
    },
    data: revisionData(ds),
    revision,
  };
}

export interface HistoryPlan {
  /** The revision matching the template, if one exists (the highest-numbered when several do). */
  current?: ControllerRevision;
  /** The number the current revision must carry: one more than every old revision. */
  revision: number;
  /** Other revisions matching the template (deduplicated: deleted, their pods relabelled). */
  duplicates: ControllerRevision[];
  /** Revisions of other templates. */
  old: ControllerRevision[];
}

/** constructHistory's split of the claimed revisions. */
export function planHistory(ds: DaemonSet, claimed: readonly ControllerRevision[]): HistoryPlan {
  const matching = claimed.filter((r) => matchesRevision(ds, r));
  const old = claimed.filter((r) => !matchesRevision(ds, r));
  const sorted = sortRevisions(matching);
  const current = sorted.reduce<ControllerRevision | undefined>((keep, r) => (!keep || r.revision >= keep.revision ? r : keep), undefined);
  return { current, revision: nextRevision(old), duplicates: matching.filter((r) => r !== current), old };
}

/**
 * cleanupHistory: beyond revisionHistoryLimit, the oldest old revisions go, except those whose
 * hash a pod of the DaemonSet still carries.
 */
export function historyToDelete(ds: DaemonSet, old: readonly ControllerRevision[], claimedPods: readonly Pod[]): ControllerRevision[] {
  let toKill = old.length - (ds.spec.revisionHistoryLimit ?? 10);
  if (toKill <= 0) return [];
  const liveHashes = new Set(claimedPods.map((p) => p.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL_KEY]).filter((h): h is string => Boolean(h)));
  const doomed: ControllerRevision[] = [];
  for (const revision of [...old].sort((a, b) => a.revision - b.revision)) {
    if (toKill <= 0) break;
    if (liveHashes.has(revision.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL_KEY] ?? '')) continue;
    doomed.push(revision);
    toKill--;
  }
  return doomed;
}
