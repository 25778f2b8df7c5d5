/**
 * Brings the slices one controller manages for a Service to a desired set of contents with the
 * fewest writes: a slice already equal to a desired one stays untouched, others are rewritten
 * in place, the rest created or deleted. Slices of an earlier Service of the same name (another
 * uid) go. Shared by the endpointslice and endpointslice-mirroring controllers, which differ in
 * `managedBy` and in where the contents come from.
 */
import { isApiError } from '../../api/errors';
import type { EndpointSlice, Service } from '../../api/service-v1';
import { MANAGED_BY_LABEL, SERVICE_NAME_LABEL } from '../../api/service-v1';
import type { Registry } from '../registry/registry';
import { ENDPOINT_SLICES } from '../registry/kinds';
import { stableJson } from '../registry/object-meta';
import { newSlice, sliceLabels, type SliceContent } from './endpoint-slices';

function contentOf(slice: EndpointSlice): string {
  return stableJson({ ports: slice.ports ?? [], endpoints: slice.endpoints ?? [] });
}

function ownedBy(slice: EndpointSlice, svc: Service): boolean {
  return (slice.metadata.ownerReferences ?? []).some((o) => o.kind === 'Service' && o.uid === svc.metadata.uid);
}

export class EndpointSliceWriter {
  constructor(private readonly registry: Registry, private readonly managedBy: string) {}

  /** The slices this writer manages for the service `namespace/name`. */
  async managedSlices(namespace: string, name: string): Promise<EndpointSlice[]> {
    const labelSelector = `${SERVICE_NAME_LABEL}=${name},${MANAGED_BY_LABEL}=${this.managedBy}`;
    return (await this.registry.list<EndpointSlice>(ENDPOINT_SLICES, { namespace, labelSelector })).items;
  }

  async converge(svc: Service, existing: EndpointSlice[], desired: SliceContent[]): Promise<void> {
    const labels = sliceLabels(svc, this.managedBy);
    const spare = existing.filter((s) => ownedBy(s, svc));
    const todo = desired.filter((content) => {
      const i = spare.findIndex((s) => contentOf(s) === stableJson(content) && stableJson(s.metadata.labels ?? {}) === stableJson(labels));
      if (i >= 0) spare.splice(i, 1);
      return i < 0;
    });
    for (const content of todo) {
      const reuse = spare.shift();
      if (reuse) await this.rewrite(reuse, content, labels);
      else await this.registry.create(ENDPOINT_SLICES, svc.metadata.namespace, newSlice(svc, content, labels));
    }
    await this.deleteAll([...spare, ...existing.filter((s) => !ownedBy(s, svc))]);
  }

  async deleteAll(slices: EndpointSlice[]): Promise<void> {
    for (const slice of slices) {
      try {
        await this.registry.delete(ENDPOINT_SLICES, slice.metadata.namespace, slice.metadata.name ?? '');
      } catch (err: unknown) {
        if (!isApiError(err, 'NotFound')) throw err;
      }
    }
  }

  private async rewrite(slice: EndpointSlice, content: SliceContent, labels: Record<string, string>): Promise<void> {
    const next: EndpointSlice = { ...slice, metadata: { ...slice.metadata, labels }, endpoints: content.endpoints, ports: content.ports };
    await this.registry.update(ENDPOINT_SLICES, slice.metadata.namespace, slice.metadata.name ?? '', next);
  }
}
