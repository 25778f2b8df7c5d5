/**
 * Mirrors user-written Endpoints of selectorless Services into EndpointSlices (Kubernetes'
 * endpointslicemirroring controller), so consumers of slices see them too: one endpoint per
 * IPv4 address, `ready` as the address's list says, ports per subset, at most 100 per slice,
 * managed-by `endpointslicemirroring-controller.k8s.io`. Endpoints labelled
 * `endpointslice.kubernetes.io/skip-mirror: "true"` (the `kubernetes` service's) are not
 * mirrored; mirrored slices go when the Endpoints or the Service go or the Service gains a
 * selector. Level-triggered on `namespace/name`.
 */
import { isIPv4 } from 'node:net';
import type { Endpoints, Service, SliceEndpoint, SlicePort } from '../../api/service-v1';
import { ENDPOINTSLICE_MIRRORING_CONTROLLER } from '../../api/service-v1';
import type { Registry } from '../registry/registry';
import { logText } from '../log-text';
import type { Informer } from '../store/informer';
import { MAX_ENDPOINTS_PER_SLICE, type SliceContent } from './endpoint-slices';
import { EndpointSliceWriter } from './endpoint-slice-writer';
import { serviceKey } from './endpoints-controller';
import { WorkQueue } from './work-queue';

const SKIP_MIRROR_LABEL = 'endpointslice.kubernetes.io/skip-mirror';

export interface MirroringControllerOptions {
  registry: Registry;
  services: Informer<Service>;
  endpoints: Informer<Endpoints>;
  log?: (message: string) => void;
}

function mirrored(svc: Service | undefined, ep: Endpoints | undefined): boolean {
  if (!svc || !ep || svc.spec?.type === 'ExternalName') return false;
  const selectorless = !svc.spec?.selector || Object.keys(svc.spec.selector).length === 0;
  return selectorless && ep.metadata.labels?.[SKIP_MIRROR_LABEL] !== 'true';
}

/** The slice contents mirroring `ep`: one group per subset, cut at 100 endpoints. */
export function mirroredContents(ep: Endpoints): SliceContent[] {
  return (ep.subsets ?? []).flatMap((subset) => {
    const ports: SlicePort[] = (subset.ports ?? []).map((p) => ({ name: p.name ?? '', port: p.port, protocol: p.protocol ?? 'TCP' }));
    const toEndpoint = (ready: boolean) => (a: { ip: string; nodeName?: string; hostname?: string; targetRef?: SliceEndpoint['targetRef'] }): SliceEndpoint => {
      const out: SliceEndpoint = { addresses: [a.ip], conditions: { ready } };
      if (a.hostname) out.hostname = a.hostname;
      if (a.nodeName) out.nodeName = a.nodeName;
      if (a.targetRef) out.targetRef = a.targetRef;
      return out;
    };
    const endpoints = [...(subset.addresses ?? []).filter((a) => isIPv4(a.ip)).map(toEndpoint(true)),
      ...(subset.notReadyAddresses ?? []).filter((a) => isIPv4(a.ip)).map(toEndpoint(false))];
    const chunks: SliceContent[] = [];
    for (let i = 0; i < endpoints.length; i += MAX_ENDPOINTS_PER_SLICE) chunks.push({ ports, endpoints: endpoints.slice(i, i + MAX_ENDPOINTS_PER_SLICE) });
    return chunks;
  });
}

export class EndpointSliceMirroringController {
  private readonly queue: WorkQueue;
  private readonly writer: EndpointSliceWriter;

  constructor(private readonly opts: MirroringControllerOptions) {
    this.writer = new EndpointSliceWriter(opts.registry, ENDPOINTSLICE_MIRRORING_CONTROLLER);
    this.queue = new WorkQueue((key) => this.reconcile(key), { baseDelayMs: 200, maxDelayMs: 10_000,
      onError: (key, err) => opts.log?.(`endpointslice mirroring ${logText(key)}: ${logText(err)}`) });
  }

  async run(signal: AbortSignal): Promise<void> {
    const subs = [
      this.opts.services.onChange((_t, svc) => this.queue.add(serviceKey(svc))),
      this.opts.endpoints.onChange((_t, ep) => this.queue.add(`${ep.metadata.namespace ?? ''}/${ep.metadata.name ?? ''}`)),
    ];
    try {
      await Promise.all([this.opts.services.whenSynced(signal), this.opts.endpoints.whenSynced(signal)]);
      for (const svc of this.opts.services.list()) this.queue.add(serviceKey(svc));
      await this.queue.run(signal);
    } finally {
      for (const sub of subs) sub.dispose();
    }
  }

  async reconcile(key: string): Promise<void> {
    const slash = key.indexOf('/');
    const [namespace, name] = [key.slice(0, slash), key.slice(slash + 1)];
    const [svc, ep] = [this.opts.services.get(key), this.opts.endpoints.get(key)];
    const existing = await this.writer.managedSlices(namespace, name);
    if (!svc || !ep || !mirrored(svc, ep)) return this.writer.deleteAll(existing);
    await this.writer.converge(svc, existing, mirroredContents(ep));
  }
}
