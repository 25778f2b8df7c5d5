/**
 * The agent's copy of every Service and EndpointSlice of the cluster, built from the control
 * plane's ServiceSync messages (a full sync replaces both sets, an incremental one upserts and
 * removes by `namespace/name`). Like DesiredPods it outlives sessions: while the control plane
 * is away the proxy rules and DNS answers stay as they were.
 */
import type { KubeObject } from '../api/meta';
import type { EndpointSlice, Service } from '../api/service-v1';
import type { ServiceSync__Output } from '../proto/generated/pikube/node/v1/ServiceSync';
import { serviceShapeProblem, sliceShapeProblem } from './service-shapes';

export interface ServiceSyncChange {
  full: boolean;
  services: Service[];
  slices: EndpointSlice[];
  removedServices: string[];
  removedSlices: string[];
}

export interface DecodedServiceSync {
  change: ServiceSyncChange;
  /** Entries that were not an object of the kind with a namespace and name; left out. */
  errors: string[];
}

function decodeAll<T extends KubeObject>(problemOf: (v: unknown) => string | undefined, field: string, entries: Buffer[], errors: string[]): T[] {
  const out: T[] = [];
  entries.forEach((json, i) => {
    try {
      const value: unknown = JSON.parse(json.toString('utf8'));
      const problem = problemOf(value);
      if (problem !== undefined) throw new Error(problem);
      out.push(value as T);
    } catch (err: unknown) {
      errors.push(`${field}[${i}]: ${err instanceof Error ? err.message : String(err)}`);
    }
  });
  return out;
}

export function decodeServiceSync(msg: ServiceSync__Output): DecodedServiceSync {
  const errors: string[] = [];
  const services = decodeAll<Service>(serviceShapeProblem, 'services_json', msg.services_json, errors);
  const slices = decodeAll<EndpointSlice>(sliceShapeProblem, 'endpoint_slices_json', msg.endpoint_slices_json, errors);
  return { change: { full: msg.full, services, slices, removedServices: [...msg.removed_services], removedSlices: [...msg.removed_endpoint_slices] }, errors };
}

function keyOf(o: KubeObject): string {
  return `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;
}

/** One kind's objects by `namespace/name`. */
class ObjectSet<T extends KubeObject> {
  readonly byKey = new Map<string, T>();

  replace(objects: T[]): void {
    this.byKey.clear();
    this.upsert(objects, []);
  }

  upsert(objects: T[], removed: string[]): void {
    for (const o of objects) this.byKey.set(keyOf(o), o);
    for (const key of removed) this.byKey.delete(key);
  }
}

export class ClusterServices {
  private readonly serviceSet = new ObjectSet<Service>();
  private readonly sliceSet = new ObjectSet<EndpointSlice>();
  private received = false;

  /** Applies one sync. */
  apply(change: ServiceSyncChange): void {
    this.received = true;
    if (change.full) {
      this.serviceSet.replace(change.services);
      this.sliceSet.replace(change.slices);
    } else {
      this.serviceSet.upsert(change.services, change.removedServices);
      this.sliceSet.upsert(change.slices, change.removedSlices);
    }
  }

  /** A sync has been received since the agent started (the kubelet's "services have synced"). */
  get synced(): boolean {
    return this.received;
  }

  services(): Service[] {
    return [...this.serviceSet.byKey.values()];
  }

  slices(): EndpointSlice[] {
    return [...this.sliceSet.byKey.values()];
  }

  /** The services of one namespace; undefined until the first sync. */
  servicesIn(namespace: string): Service[] | undefined {
    if (!this.received) return undefined;
    return this.services().filter((s) => s.metadata.namespace === namespace);
  }
}
