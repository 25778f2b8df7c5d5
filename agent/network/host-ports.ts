/**
 * The host ports of this node's pods, as their workers last saw them: the service proxy's
 * second input. A worker sets its pod's mappings after each pass (once the sandbox has an
 * address) and forgets them when the pod is torn down; `onChange` fires only when the set
 * really changed, so steady passes cost nothing.
 */
import type { HostPortMapping } from './host-port-model';

export class HostPorts {
  private readonly byPod = new Map<string, { mappings: HostPortMapping[]; text: string }>();

  constructor(private readonly onChange: () => void) {}

  /** The pod's mappings now (none: the pod publishes nothing). */
  set(podUid: string, mappings: HostPortMapping[]): void {
    const text = JSON.stringify(mappings);
    if ((this.byPod.get(podUid)?.text ?? '[]') === text) return;
    if (mappings.length === 0) this.byPod.delete(podUid);
    else this.byPod.set(podUid, { mappings, text });
    this.onChange();
  }

  /** The pod is gone from the node. Idempotent. */
  forget(podUid: string): void {
    this.set(podUid, []);
  }

  mappings(): HostPortMapping[] {
    return [...this.byPod.values()].flatMap((e) => e.mappings);
  }
}
