/**
 * What the endpointslice-mirroring controller does for one Service name (Kubernetes'
 * endpointslicemirroring controller): user-written Endpoints of a selectorless Service become
 * EndpointSlices, so consumers of slices see them too: one endpoint per IPv4 address, `ready`
 * as the address's list says, ports per subset, at most 100 per slice, managed-by
 * `endpointslicemirroring-controller.k8s.io`. Endpoints labelled
 * `endpointslice.kubernetes.io/skip-mirror: "true"` (the `kubernetes` service's) are not
 * mirrored; mirrored slices go when the Endpoints or the Service go or the Service gains a
 * selector. Pure.
 */
import { isIPv4 } from 'node:net';
import type { EndpointAddress, EndpointSlice, Endpoints, Service, SliceEndpoint, SlicePort } from '../../api/service-v1';
import { ENDPOINTSLICE_MIRRORING_CONTROLLER } from '../../api/service-v1';
import { MAX_ENDPOINTS_PER_SLICE, type SliceContent } from './endpoint-slices';
import { deleteAll, planSlices, type SliceActions } from './endpoint-slice-plan';

const SKIP_MIRROR_LABEL = 'endpointslice.kubernetes.io/skip-mirror';

function mirrored(svc: Service | undefined, ep: Endpoints | undefined): svc is Service {
  if (!svc || !ep || svc.spec?.type === 'ExternalName') return false;
  const selectorless = !svc.spec?.selector || Object.keys(svc.spec.selector).length === 0;
  return selectorless && ep.metadata.labels?.[SKIP_MIRROR_LABEL] !== 'true';
}

function toEndpoint(ready: boolean): (a: EndpointAddress) => SliceEndpoint {
  return (a) => {
    const out: SliceEndpoint = { addresses: [a.ip], conditions: { ready } };
    if (a.hostname) out.hostname = a.hostname;
    if (a.nodeName) out.nodeName = a.nodeName;
    if (a.targetRef) out.targetRef = a.targetRef;
    return out;
  };
}

/** The slice contents mirroring `ep`: one group per subset, cut at 100 endpoints. */
export function mirroredContents(ep: Endpoints): SliceContent[] {
  return (ep.subsets ?? []).flatMap((subset) => {
    const ports: SlicePort[] = (subset.ports ?? []).map((p) => ({ name: p.name ?? '', port: p.port, protocol: p.protocol ?? 'TCP' }));
    const endpoints = [...(subset.addresses ?? []).filter((a) => isIPv4(a.ip)).map(toEndpoint(true)),
      ...(subset.notReadyAddresses ?? []).filter((a) => isIPv4(a.ip)).map(toEndpoint(false))];
    const chunks: SliceContent[] = [];
    for (let i = 0; i < endpoints.length; i += MAX_ENDPOINTS_PER_SLICE) chunks.push({ ports, endpoints: endpoints.slice(i, i + MAX_ENDPOINTS_PER_SLICE) });
    return chunks;
  });
}

/** `existing`: the mirrored slices of the service's name. */
export function planMirroredSlices(svc: Service | undefined, ep: Endpoints | undefined, existing: readonly EndpointSlice[]): SliceActions {
  if (!mirrored(svc, ep) || !ep) return deleteAll(existing);
  return planSlices(svc, existing, mirroredContents(ep), ENDPOINTSLICE_MIRRORING_CONTROLLER);
}
