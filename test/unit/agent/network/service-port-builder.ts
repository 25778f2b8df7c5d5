/** Builds service-port models for tests: `aServicePort('web').withEndpoints(anEndpoint('10.42.1.5'))`. */
import type { ServiceEndpoint, ServicePortModel } from '../../../../agent/network/service-model';

export function anEndpoint(ip: string, overrides: Partial<ServiceEndpoint> = {}): ServiceEndpoint {
  return { ip, port: 8080, ready: true, local: false, ...overrides };
}

export class ServicePortBuilder {
  private readonly sp: ServicePortModel;

  constructor(name: string) {
    this.sp = { namespace: 'default', name, portName: '', protocol: 'TCP', clusterIP: '10.43.0.10', port: 80, nodePort: 0, externalIPs: [], loadBalancerIPs: [], externalTrafficPolicyLocal: false, internalTrafficPolicyLocal: false, endpoints: [] };
  }

  with(fields: Partial<ServicePortModel>): this {
    Object.assign(this.sp, fields);
    return this;
  }

  withEndpoints(...endpoints: ServiceEndpoint[]): this {
    this.sp.endpoints = endpoints;
    return this;
  }

  build(): ServicePortModel {
    return structuredClone(this.sp);
  }
}

export function aServicePort(name: string): ServicePortBuilder {
  return new ServicePortBuilder(name);
}
