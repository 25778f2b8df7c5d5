/**
 * The host ports of this node's pods, as their workers last saw them: the service proxy's
 * second input. A worker sets its pod's mappings after each pass (once the sandbox has an
 * address) and forgets them when the pod is torn down; `onChange` fires only when the set
 * really changed, so steady passes cost nothing. After an agent restart the table starts from
 * the first desired set the session delivers (each pod's last reported address), so the first
 * restore of a restarted agent keeps the running pods' host ports instead of dropping them
 * until each worker's first pass; the workers correct it from then on.
 */
import type { Pod } from '../../api/core-v1';
import { hostPortMappings, type HostPortMapping } from './host-port-model';

export class HostPorts {
  private readonly byPod = new Map<string, { mappings: HostPortMapping[]; text: string }>();

  /** The first desired set was seen: until then the table cannot say what the node publishes. */
  private seededOnce = false;

  constructor(private readonly onChange: () => void) {}

  get seeded(): boolean {
    return this.seededOnce;
  }

  /** The first call fills the table from the pods' reported addresses; later calls do nothing (the workers know better). */
  seed(pods: Pod[]): void {
    if (this.seededOnce) return;
    for (const pod of pods) {
      const podIP = pod.status?.podIP;
      if (podIP && !this.byPod.has(pod.metadata.uid ?? '')) this.store(pod.metadata.uid ?? '', hostPortMappings(pod, podIP));
    }
    this.seededOnce = true;
    this.onChange();
  }

  /** The pod's mappings now (none: the pod publishes nothing). */
  set(podUid: string, mappings: HostPortMapping[]): void {
    if (this.store(podUid, mappings)) this.onChange();
  }

  private store(podUid: string, mappings: HostPortMapping[]): boolean {
    const text = JSON.stringify(mappings);
    if ((this.byPod.get(podUid)?.text ?? '[]') === text) return false;
    if (mappings.length === 0) this.byPod.delete(podUid);
    else this.byPod.set(podUid, { mappings, text });
    return true;
  }

  /** The pod is gone from the node. Idempotent. */
  forget(podUid: string): void {
    this.set(podUid, []);
  }

  mappings(): HostPortMapping[] {
    return [...this.byPod.values()].flatMap((e) => e.mappings);
  }
}
