/**
 * A pod's total requests or limits as exact quantities (k8s.io/component-helpers/resource
 * PodRequests and PodLimits, and the LimitRanger's copies of them): the sum over app
 * containers, raised to the largest init container, restartable ("sidecar") init containers
 * adding to the sum and to every later init container. Overhead is added to requests, and to
 * the limits that are set. pod-resources.ts is the scheduler's numeric version.
 */
import type { Container, Pod, ResourceList } from './core-v1';
import { addQuantities, maxQuantities, quantitiesOf, type Quantities } from './resource-lists';

export type ResourceSide = 'requests' | 'limits';

export interface PodTotalsOptions {
  /** Add spec.overhead (the quota's usage does; the LimitRanger checks without it). */
  overhead?: boolean;
}

export function podResourceTotals(pod: Pod, side: ResourceSide, options: PodTotalsOptions = {}): Quantities {
  let total: Quantities = new Map();
  for (const c of pod.spec?.containers ?? []) total = addQuantities(total, own(c, side));
  let sidecars: Quantities = new Map();
  let initMax: Quantities = new Map();
  for (const c of pod.spec?.initContainers ?? []) {
    if (c.restartPolicy === 'Always') {
      total = addQuantities(total, own(c, side));
      sidecars = addQuantities(sidecars, own(c, side));
      initMax = maxQuantities(initMax, sidecars);
    } else {
      initMax = maxQuantities(initMax, addQuantities(own(c, side), sidecars));
    }
  }
  total = maxQuantities(total, initMax);
  return options.overhead ? withOverhead(total, pod, side) : total;
}

function own(c: Container, side: ResourceSide): Quantities {
  return quantitiesOf(c.resources?.[side]);
}

function withOverhead(total: Quantities, pod: Pod, side: ResourceSide): Quantities {
  const overhead = quantitiesOf(pod.spec?.overhead as ResourceList | undefined);
  if (side === 'requests') return addQuantities(total, overhead);
  const out: Quantities = new Map(total);
  for (const [name, q] of overhead) {
    const set = out.get(name);
    if (set) out.set(name, set.add(q));
  }
  return out;
}
