/**
 * The subsets of a Service's Endpoints (Kubernetes' endpoints controller with RepackSubsets):
 * each pod endpoint goes to `addresses` when ready or to `notReadyAddresses`; endpoints with the
 * same resolved ports share a subset. Terminating pods are out unless the service publishes
 * not-ready addresses; a pod serving none of a service's ports is out. An address carries the
 * pod's hostname when `shouldSetHostname` holds.
 */
import type { EndpointAddress, EndpointPort, EndpointSubset, Service } from '../../api/service-v1';
import { podReference, type PodEndpoint, type ResolvedPort } from './service-endpoints';

function address(e: PodEndpoint): EndpointAddress {
  const out: EndpointAddress = { ip: e.ip };
  if (e.hostname) out.hostname = e.hostname;
  if (e.pod.spec?.nodeName) out.nodeName = e.pod.spec.nodeName;
  out.targetRef = podReference(e.pod);
  return out;
}

function endpointPort(p: ResolvedPort): EndpointPort {
  const out: EndpointPort = { port: p.port, protocol: p.protocol };
  if (p.name) out.name = p.name;
  if (p.appProtocol) out.appProtocol = p.appProtocol;
  return out;
}

function byIp(a: EndpointAddress, b: EndpointAddress): number {
  return a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : 0;
}

export function endpointsSubsets(svc: Service, endpoints: readonly PodEndpoint[]): EndpointSubset[] {
  const publishNotReady = svc.spec.publishNotReadyAddresses === true;
  const wantsPorts = (svc.spec.ports ?? []).length > 0;
  const groups = new Map<string, EndpointSubset>();
  for (const e of endpoints) {
    if ((e.terminating && !publishNotReady) || (wantsPorts && e.ports.length === 0)) continue;
    const ports = e.ports.map(endpointPort);
    const key = JSON.stringify(ports);
    const subset = groups.get(key) ?? { ports };
    groups.set(key, subset);
    const list = e.ready ? (subset.addresses ??= []) : (subset.notReadyAddresses ??= []);
    list.push(address(e));
  }
  return [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, s]) => finishSubset(s));
}

function finishSubset(subset: EndpointSubset): EndpointSubset {
  const out: EndpointSubset = {};
  if (subset.addresses) out.addresses = subset.addresses.sort(byIp);
  if (subset.notReadyAddresses) out.notReadyAddresses = subset.notReadyAddresses.sort(byIp);
  if (subset.ports?.length) out.ports = subset.ports;
  return out;
}
