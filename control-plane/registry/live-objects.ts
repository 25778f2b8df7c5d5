/**
 * Objects of a kind that is never stored but read from the control plane's memory when asked
 * (the Metrics API's NodeMetrics and PodMetrics, from the agents' usage reports, as
 * metrics-server keeps them): the kind's definition says `live: true`, and the control plane
 * registers the source with `Registry.serveLive`. Such a kind answers get and list only; it has
 * no resourceVersion history, so no watch and no watch cache.
 */
import type { KubeObject } from '../../api/meta';

export interface LiveObjects<T extends KubeObject = KubeObject> {
  /** The objects as they are now, in one namespace (namespaced kinds) or in all. */
  list(namespace: string | undefined): Promise<T[]>;
}
