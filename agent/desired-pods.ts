/**
 * The agent's copy of its node's desired pods, built from the control plane's PodSync
 * messages: a full sync replaces the set, an incremental one upserts and removes. The set
 * outlives sessions: a dropped connection never empties it (DESIGN.md: the agent keeps every
 * pod running while the control plane is away); only a full sync from a new session replaces it.
 */
import type { Pod } from '../api/core-v1';
import type { PodSync__Output } from '../proto/generated/pikube/node/v1/PodSync';

export interface PodSyncChange {
  full: boolean;
  pods: Pod[];
  removedUids: string[];
}

export interface DecodedPodSync {
  change: PodSyncChange;
  /** Entries that were not a pod with a uid; they are left out of the change. */
  errors: string[];
}

function decodePod(json: Buffer): Pod {
  const value: unknown = JSON.parse(json.toString('utf8'));
  const pod = value as Pod;
  if (typeof value !== 'object' || value === null || typeof pod.metadata?.uid !== 'string' || pod.metadata.uid === '') {
    throw new Error('not a pod with metadata.uid');
  }
  if (typeof pod.spec !== 'object' || pod.spec === null) throw new Error(`pod ${pod.metadata.uid} has no spec`);
  return pod;
}

export function decodePodSync(msg: PodSync__Output): DecodedPodSync {
  const pods: Pod[] = [];
  const errors: string[] = [];
  msg.pods_json.forEach((json, i) => {
    try {
      pods.push(decodePod(json));
    } catch (err: unknown) {
      errors.push(`pods_json[${i}]: ${err instanceof Error ? err.message : String(err)}`);
    }
  });
  return { change: { full: msg.full, pods, removedUids: [...msg.removed_uids] }, errors };
}

/** Same object for the agent's purposes: same uid and resourceVersion (or same JSON without one). */
function samePod(a: Pod, b: Pod): boolean {
  const rvA = a.metadata.resourceVersion;
  const rvB = b.metadata.resourceVersion;
  if (rvA !== undefined && rvB !== undefined) return rvA === rvB;
  return JSON.stringify(a) === JSON.stringify(b);
}

export class DesiredPods {
  private readonly pods = new Map<string, Pod>();

  /** Applies one sync; returns whether the desired set changed. */
  apply(change: PodSyncChange): boolean {
    return change.full ? this.replace(change.pods) : this.patch(change.pods, change.removedUids);
  }

  get(uid: string): Pod | undefined {
    return this.pods.get(uid);
  }

  has(uid: string): boolean {
    return this.pods.has(uid);
  }

  get size(): number {
    return this.pods.size;
  }

  /** The complete set, in a stable order (namespace/name), as PodSink.setDesired wants it. */
  list(): Pod[] {
    const key = (p: Pod): string => `${p.metadata.namespace ?? ''}/${p.metadata.name ?? ''}/${p.metadata.uid}`;
    return [...this.pods.values()].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  }

  private replace(pods: Pod[]): boolean {
    const next = new Map(pods.map((p) => [p.metadata.uid as string, p]));
    let changed = next.size !== this.pods.size;
    for (const [uid, pod] of next) {
      const old = this.pods.get(uid);
      if (!old || !samePod(old, pod)) changed = true;
    }
    this.pods.clear();
    for (const [uid, pod] of next) this.pods.set(uid, pod);
    return changed;
  }

  private patch(pods: Pod[], removedUids: string[]): boolean {
    let changed = false;
    for (const pod of pods) {
      const uid = pod.metadata.uid as string;
      const old = this.pods.get(uid);
      if (old && samePod(old, pod)) continue;
      this.pods.set(uid, pod);
      changed = true;
    }
    for (const uid of removedUids) changed = this.pods.delete(uid) || changed;
    return changed;
  }
}
