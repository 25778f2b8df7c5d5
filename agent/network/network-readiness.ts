/**
 * The node's network readiness as the kubelet reports it: a kubelet keeps its node Ready=False
 * while the container runtime says NetworkReady=false (no CNI network yet), with the error
 * `container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady
 * message:…` (pkg/kubelet runtime state, the CRI RuntimeCondition printed as `Type=status
 * reason:… message:…`). Here the agent is its own network plugin: the pod bridge, forwarding,
 * the pod rules and the routes to the other nodes' pod CIDRs (pod-network.ts), and the cluster
 * DNS the pods' resolv.conf names (served on the bridge). Pure.
 */
export const REASON_NETWORK_PLUGIN_NOT_READY = 'NetworkPluginNotReady';

export interface NetworkParts {
  /** What the pod network lacks (PodNetwork.readinessProblem()); undefined once it is in place. */
  podNetwork: string | undefined;
  /** Why cluster DNS does not answer on the bridge (BridgeDns.problem()); undefined while it does. */
  dns: string | undefined;
}

/** The kubelet's network error for the node's Ready condition; undefined when pods can get a working network. */
export function networkError(parts: NetworkParts): string | undefined {
  const problem = parts.podNetwork ?? parts.dns;
  if (problem === undefined) return undefined;
  return `container runtime network not ready: NetworkReady=false reason:${REASON_NETWORK_PLUGIN_NOT_READY} message:${problem}`;
}
