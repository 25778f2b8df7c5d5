/**
 * The kubelet's relist (its generic PLEG, pkg/kubelet/pleg/generic.go), on Docker's listing:
 * between two listings of the node's managed containers, the pods one of whose containers
 * appeared, vanished or changed state. The pod manager relists every resync period and gives
 * a pass to those pods only, and to every pod once per sync period (the kubelet's
 * `--sync-frequency`, 1 min): an idle node does not inspect every container every few seconds.
 * Pure: no I/O.
 */
import type { ContainerSummary } from '../runtime/container-runtime';
import { podUidOf } from './docker-labels';

/** One listing: container id → its pod and its state. */
export type ContainerStates = ReadonlyMap<string, { podUid: string; status: string }>;

export function containerStates(listing: readonly ContainerSummary[]): ContainerStates {
  const states = new Map<string, { podUid: string; status: string }>();
  for (const c of listing) {
    const podUid = podUidOf(c.labels);
    if (podUid) states.set(c.id, { podUid, status: c.status });
  }
  return states;
}

/** Uids of the pods whose containers differ between the listings (every pod listed, when there is no earlier listing). */
export function changedPods(before: ContainerStates | undefined, after: ContainerStates): Set<string> {
  const changed = new Set<string>();
  for (const [id, now] of after) {
    if (before?.get(id)?.status !== now.status) changed.add(now.podUid);
  }
  for (const [id, then] of before ?? []) {
    if (!after.has(id)) changed.add(then.podUid);
  }
  return changed;
}
