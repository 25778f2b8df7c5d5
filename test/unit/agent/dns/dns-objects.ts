/** Builds Services and EndpointSlices for DNS tests: `aService('web').clusterIP('10.43.0.10').port('http', 80).build()`. */
import { SERVICE_NAME_LABEL, type EndpointSlice, type Protocol, type Service, type ServiceSpec, type SliceEndpoint, type SlicePort } from '../../../../api/service-v1';

export class ServiceBuilder {
  private readonly svc: Service;

  constructor(name: string, namespace: string) {
    this.svc = { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { type: 'ClusterIP' } };
  }

  clusterIP(...ips: string[]): this {
    return this.with({ clusterIP: ips[0], clusterIPs: ips });
  }

  headless(): this {
    return this.with({ clusterIP: 'None', clusterIPs: ['None'] });
  }

  externalName(host: string): this {
    return this.with({ type: 'ExternalName', externalName: host });
  }

  port(name: string | undefined, port: number, protocol: Protocol = 'TCP'): this {
    this.svc.spec.ports = [...(this.svc.spec.ports ?? []), { ...(name === undefined ? {} : { name }), port, protocol }];
    return this;
  }

  with(spec: Partial<ServiceSpec>): this {
    Object.assign(this.svc.spec, spec);
    return this;
  }

  build(): Service {
    return structuredClone(this.svc);
  }
}

export function aService(name: string, namespace = 'default'): ServiceBuilder {
  return new ServiceBuilder(name, namespace);
}

/** An endpoint; `ready: false` marks it not ready. */
export function anEndpoint(ip: string, fields: { hostname?: string; ready?: boolean } = {}): SliceEndpoint {
  const ep: SliceEndpoint = { addresses: [ip], conditions: { ready: fields.ready ?? true } };
  if (fields.hostname !== undefined) ep.hostname = fields.hostname;
  return ep;
}

export function aSlice(service: string, endpoints: SliceEndpoint[], ports: SlicePort[] = [], namespace = 'default', suffix = 'abcde'): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: `${service}-${suffix}`, namespace, labels: { [SERVICE_NAME_LABEL]: service } },
    addressType: 'IPv4',
    endpoints,
    ports,
  };
}
