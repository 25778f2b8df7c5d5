/**
 * Services (pkg/registry/core/service): defaults on every write, status only through
 * `…/status`. An update keeps what the allocators gave (patchAllocatedValues: a PUT without
 * clusterIP or nodePort keeps the old ones) and drops what the new type no longer uses
 * (dropTypeDependentFields). Cluster IPs and node ports themselves are allocated by
 * service-network/service-allocations.ts in the same transaction as the write.
 */
import { defaultService, hasExternalTraffic, needsClusterIp, needsNodePorts } from '../../../api/defaults/service-defaults';
import type { KubeObject } from '../../../api/meta';
import type { Service, ServiceSpec } from '../../../api/service-v1';
import { validateService, validateServiceUpdate } from '../../../api/validation/service-validation';
import { defaultStrategy, replaceContents, SPEC_STATUS_FIELDS } from '../default-strategy';
import type { ResourceStrategy } from '../strategy';

const base = defaultStrategy({ topLevelFields: SPEC_STATUS_FIELDS, hasStatus: true });

function withDefaults(obj: KubeObject): Service {
  return replaceContents(obj, defaultService(obj as Service));
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

function prepareForUpdate(obj: KubeObject, old: KubeObject): void {
  const next = obj as Service;
  const before = old as Service;
  next.spec ??= {};
  keepAllocated(next.spec, before.spec ?? {});
  dropTypeDependent(next.spec, before.spec ?? {});
  withDefaults(obj);
  base.prepareForUpdate(obj, old);
}

export const serviceStrategy: ResourceStrategy = {
  ...base,
  prepareForCreate: (obj) => {
    withDefaults(obj);
    obj.status = { loadBalancer: {} };
  },
  validate: (obj) => validateService(obj as Service),
  prepareForUpdate,
  validateUpdate: (obj, old) => validateServiceUpdate(obj as Service, old as Service),
  prepareForStatusUpdate: (obj, old) => base.prepareForStatusUpdate(obj, old),
};
