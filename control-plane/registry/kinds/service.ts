/**
 * Services (pkg/registry/core/service): defaults on every write, status only through
 * `…/status`. An update keeps what the allocators gave (patchAllocatedValues: a PUT without
 * clusterIP or nodePort keeps the old ones) and drops what the new type no longer uses
 * (dropTypeDependentFields). Cluster IPs and node ports themselves are allocated by
 * service-network/service-allocations.ts, the kind's write companion, in the same transaction
 * as the write.
 */
import { defaultService, hasExternalTraffic, needsClusterIp, needsNodePorts } from '../../../api/defaults/service-defaults';
import { metadataFieldGetters, selectableFields } from '../../../api/field-selector';
import type { Service, ServiceSpec } from '../../../api/service-v1';
import { validateService, validateServiceUpdate } from '../../../api/validation/service-validation';
import { servicePrinter } from '../../apiserver/tables/service-printer';
import { defaultStrategy, replaceContents, SPEC_STATUS_FIELDS } from '../default-strategy';
import { defineKind } from '../resource-definition';
import { ServiceAllocations } from '../service-network/service-allocations';
import type { ResourceStrategy } from '../strategy';
import { STATUS } from '../subresource';

const base = defaultStrategy<Service>({ topLevelFields: SPEC_STATUS_FIELDS, hasStatus: true });

function withDefaults(svc: Service): Service {
  return replaceContents(svc, defaultService(svc));
}

/** A PUT that leaves out allocated values keeps them, as Kubernetes does. */
function keepAllocated(next: ServiceSpec, old: ServiceSpec): void {
  if (needsClusterIp(old) && needsClusterIp(next) && !next.clusterIP && !(next.clusterIPs ?? []).length) {
    next.clusterIP = old.clusterIP;
    next.clusterIPs = old.clusterIPs && [...old.clusterIPs];
  }
  if (needsNodePorts(old) && needsNodePorts(next)) {
    for (const port of next.ports ?? []) {
      const was = (old.ports ?? []).find((p) => p.port === port.port && (p.protocol ?? 'TCP') === (port.protocol ?? 'TCP'));
      if (!port.nodePort && was?.nodePort) port.nodePort = was.nodePort;
    }
  }
}

/** Values the new type does not use go, unless the user set them anew in this update. */
function dropTypeDependent(next: ServiceSpec, old: ServiceSpec): void {
  if (next.type === 'ExternalName' && sameList(next.clusterIPs, old.clusterIPs)) {
    delete next.clusterIP;
    delete next.clusterIPs;
    delete next.ipFamilies;
    delete next.ipFamilyPolicy;
    delete next.internalTrafficPolicy;
  }
  if (!needsNodePorts(next)) {
    for (const port of next.ports ?? []) {
      const was = (old.ports ?? []).find((p) => p.port === port.port);
      if (port.nodePort && was?.nodePort === port.nodePort) delete port.nodePort;
    }
  }
  if (!hasExternalTraffic(next) && next.externalTrafficPolicy === old.externalTrafficPolicy) delete next.externalTrafficPolicy;
  if (next.type !== 'LoadBalancer' && next.allocateLoadBalancerNodePorts === old.allocateLoadBalancerNodePorts) delete next.allocateLoadBalancerNodePorts;
}

function sameList(a: string[] | undefined, b: string[] | undefined): boolean {
  return JSON.stringify(a ?? []) === JSON.stringify(b ?? []);
}

function prepareForUpdate(next: Service, old: Service): void {
  next.spec ??= {};
  keepAllocated(next.spec, old.spec ?? {});
  dropTypeDependent(next.spec, old.spec ?? {});
  withDefaults(next);
  base.prepareForUpdate(next, old);
}

export const serviceStrategy: ResourceStrategy<Service> = {
  ...base,
  prepareForCreate: (svc) => {
    withDefaults(svc);
    svc.status = { loadBalancer: {} };
  },
  validate: (svc) => validateService(svc),
  prepareForUpdate,
  validateUpdate: (svc, old) => validateServiceUpdate(svc, old),
};

export const SERVICES = defineKind<Service, ServiceAllocations>({
  group: '', version: 'v1', resource: 'services', singularName: 'service', kind: 'Service', listKind: 'ServiceList', namespaced: true,
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'], shortNames: ['svc'], categories: ['all'],
  strategy: serviceStrategy,
  printer: servicePrinter,
  fields: selectableFields<Service>({
    ...metadataFieldGetters(true),
    'spec.clusterIP': (svc) => svc.spec?.clusterIP ?? '',
    'spec.type': (svc) => svc.spec?.type ?? '',
  }),
  companion: (ctx) => new ServiceAllocations(ctx),
  subresources: {
    status: STATUS,
    // `services/NAME[:port]/proxy/…`: HTTP to a ready endpoint, through its node (apiserver/handlers/proxy-handler.ts).
    proxy: { type: 'connect', connect: 'proxy', kind: 'ServiceProxyOptions', verbs: ['create', 'delete', 'get', 'patch', 'update'] },
  },
});
