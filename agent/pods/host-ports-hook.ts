/**
 * The pod's host ports as a hook, doing what the CNI portmap plugin does at sandbox set-up
 * and tear-down: after each pass the pod's mappings follow its address (a recreated sandbox
 * may have a new one); once the pod is torn down they are removed. A hostNetwork pod has none.
 */
import type { Pod } from '../../api/core-v1';
import { hostPortMappings } from '../network/host-port-model';
import type { HostPorts } from '../network/host-ports';
import type { PodSyncedHook, PodTearDownHook } from './pod-hooks';
import type { RunningContainer } from './pod-probes';

export type HostPortSink = Pick<HostPorts, 'set' | 'forget'>;

export class HostPortsHook implements PodSyncedHook, PodTearDownHook {
  readonly name = 'host ports';

  constructor(private readonly hostPorts: HostPortSink) {}

  synced(pod: Pod, _running: RunningContainer[], podIP: string | undefined): void {
    if (podIP) this.hostPorts.set(pod.metadata.uid ?? '', hostPortMappings(pod, podIP));
  }

  async tearDown(podUid: string): Promise<void> {
    this.hostPorts.forget(podUid);
  }
}
