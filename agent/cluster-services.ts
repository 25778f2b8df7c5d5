/**
 * The agent's copy of every Service and EndpointSlice of the cluster, built from the object
 * feed: both resources of one batch are applied together, so the rules and DNS rendered
 * after it never see a service without the slices sent with it. Like the desired pods it
 * outlives sessions: while the control plane is away the proxy rules and DNS answers stay
 * as they were.
 */
import type { EndpointSlice, Service } from '../api/service-v1';
import type { FeedBatch } from './feed/feed-batch';
import { ENDPOINT_SLICES, SERVICES } from './feed/feed-kinds';
import { ObjectSet } from './feed/object-set';

export class ClusterServices {
  private readonly serviceSet = new ObjectSet<Service>();
  private readonly sliceSet = new ObjectSet<EndpointSlice>();
  private received = false;

  /** Applies the services and EndpointSlices of one batch. */
  apply(batch: FeedBatch): void {
    const services = batch.of(SERVICES);
    this.received ||= services !== undefined;
    this.serviceSet.apply(services);
    this.sliceSet.apply(batch.of(ENDPOINT_SLICES));
  }

  /** The services have been received since the agent started (the kubelet's "services have synced"). */
  get synced(): boolean {
    return this.received;
  }

  services(): Service[] {
    return this.serviceSet.list();
  }

  slices(): EndpointSlice[] {
    return this.sliceSet.list();
  }

  /** The services of one namespace; undefined until the first sync. */
  servicesIn(namespace: string): Service[] | undefined {
    if (!this.received) return undefined;
    return this.services().filter((s) => s.metadata.namespace === namespace);
  }
}
