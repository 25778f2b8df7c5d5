/**
 * What the agent has to tell the control plane about its pods, coalesced: only the latest
 * status per pod is kept, and a pod's terminated report follows its last status. Entries are
 * kept (not just sent) so that after a reconnect every current status is sent again: the
 * control plane may have marked the pods NotReady while the node was away. An entry goes
 * when its pod leaves the desired set (the control plane deleted it or it moved on).
 */
import type { Pod, PodStatus } from '../api/core-v1';
import type { AgentMessage } from '../proto/generated/pikube/node/v1/AgentMessage';

interface Entry {
  pod: Pod;
  status?: PodStatus;
  terminated: boolean;
}

function podStatusMessage(pod: Pod, status: PodStatus): AgentMessage {
  const { namespace = '', name = '', uid = '' } = pod.metadata;
  return { pod_status: { namespace, name, uid, status_json: Buffer.from(JSON.stringify(status)) } };
}

function podTerminatedMessage(pod: Pod): AgentMessage {
  const { namespace = '', name = '', uid = '' } = pod.metadata;
  return { pod_terminated: { namespace, name, uid } };
}

/** The kubelet-owned readiness a status shows: its Ready and ContainersReady conditions. */
function readiness(status: PodStatus | undefined): string {
  const of = (type: string): string => status?.conditions?.find((c) => c.type === type)?.status ?? '';
  return `${of('Ready')}/${of('ContainersReady')}`;
}

export class PodReportOutbox {
  private readonly entries = new Map<string, Entry>();
  /** Uids with something not yet sent, in the order they changed. */
  private readonly dirty = new Set<string>();

  setStatus(pod: Pod, status: PodStatus): void {
    const uid = pod.metadata.uid;
    if (!uid) return;
    const entry = this.entries.get(uid) ?? { pod, terminated: false };
    this.entries.set(uid, { ...entry, pod, status });
    this.markDirty(uid);
  }

  setTerminated(pod: Pod): void {
    const uid = pod.metadata.uid;
    if (!uid) return;
    const entry = this.entries.get(uid) ?? { pod, terminated: false };
    this.entries.set(uid, { ...entry, pod, terminated: true });
    this.markDirty(uid);
  }

  /** Drops entries of pods no longer desired: nobody on the other side wants them now. */
  retain(isDesired: (uid: string) => boolean): void {
    for (const uid of [...this.entries.keys()]) {
      if (isDesired(uid)) continue;
      this.entries.delete(uid);
      this.dirty.delete(uid);
    }
  }

  /**
   * The pods as the API has them now (from the feed): a pod whose readiness there differs from
   * what this agent last reported is reported again — the control plane marked it not ready
   * while the node was silent, and the session outlived the silence (a cable back within
   * seconds), so no reconnect sends it. The kubelet's status manager reconciles alike.
   * Returns whether anything is to be sent.
   */
  reconcile(apiPods: readonly Pod[]): boolean {
    let changed = false;
    for (const pod of apiPods) {
      const uid = pod.metadata.uid;
      const entry = uid === undefined ? undefined : this.entries.get(uid);
      if (!uid || !entry?.status || entry.terminated || this.dirty.has(uid)) continue;
      if (readiness(pod.status) === readiness(entry.status)) continue;
      this.markDirty(uid);
      changed = true;
    }
    return changed;
  }

  /** After a reconnect: everything is to be sent again. */
  markAllDirty(): void {
    for (const uid of this.entries.keys()) this.dirty.add(uid);
  }

  get pending(): number {
    return this.dirty.size;
  }

  /** The messages for every dirty entry (status first, then terminated); clears the dirty marks. */
  drain(): AgentMessage[] {
    const out: AgentMessage[] = [];
    for (const uid of this.dirty) {
      const entry = this.entries.get(uid);
      if (entry?.status) out.push(podStatusMessage(entry.pod, entry.status));
      if (entry?.terminated) out.push(podTerminatedMessage(entry.pod));
    }
    this.dirty.clear();
    return out;
  }

  private markDirty(uid: string): void {
    // Re-inserting moves the uid to the end: the order follows the latest change.
    this.dirty.delete(uid);
    this.dirty.add(uid);
  }
}
