/**
 * The service environment variables the kubelet gives every container (getServiceEnvVarMap
 * and pkg/kubelet/envvars FromServices; https://kubernetes.io/docs/concepts/containers/container-environment/#cluster-information):
 * for each service with a cluster IP (headless and ExternalName services have none) in the
 * pod's namespace — only when `enableServiceLinks` is not false — and always for the master
 * service `kubernetes` in `default`:
 *
 *   FOO_SERVICE_HOST=10.43.0.7  FOO_SERVICE_PORT=80  FOO_SERVICE_PORT_<PORTNAME>=80
 *   FOO_PORT=tcp://10.43.0.7:80  FOO_PORT_80_TCP=tcp://10.43.0.7:80
 *   FOO_PORT_80_TCP_PROTO=tcp  FOO_PORT_80_TCP_PORT=80  FOO_PORT_80_TCP_ADDR=10.43.0.7
 *
 * Until the node has received the services once, containers cannot start (the kubelet's
 * "services have not yet been read at least once"): a pod started right after an agent
 * restart must not miss KUBERNETES_SERVICE_HOST, which in-cluster clients depend on.
 */
import { isIPv6 } from 'node:net';
import type { Pod } from '../../api/core-v1';
import type { Service, ServicePort } from '../../api/service-v1';

/** The services this node knows (PodManagerOptions.services). */
export interface ServiceSource {
  /** The services of a namespace; undefined until they have been received at least once. */
  list(namespace: string): Service[] | undefined;
}

export const MASTER_SERVICE_NAMESPACE = 'default';
export const MASTER_SERVICE_NAME = 'kubernetes';
export const SERVICES_NOT_SYNCED = 'services have not yet been read at least once, cannot construct envvars';

/** A service whose ClusterIP is set and not "None" (v1helper.IsServiceIPSet). */
export function isServiceIPSet(service: Service): boolean {
  const ip = service.spec.clusterIP;
  return ip !== undefined && ip !== '' && ip !== 'None';
}

/** `my-svc` → `MY_SVC`. */
export function envVarName(name: string): string {
  return name.replace(/-/g, '_').toUpperCase();
}

/** Docker's link variables: `FOO_PORT` for the first port, `FOO_PORT_<port>_<PROTO>[_PROTO|_PORT|_ADDR]` for each. */
function linkVariables(prefix: string, ip: string, ports: ServicePort[]): [string, string][] {
  const out: [string, string][] = [];
  ports.forEach((sp, i) => {
    const protocol = (sp.protocol || 'TCP').toLowerCase();
    const url = `${protocol}://${isIPv6(ip) ? `[${ip}]` : ip}:${sp.port}`;
    if (i === 0) out.push([`${prefix}_PORT`, url]);
    const portPrefix = `${prefix}_PORT_${sp.port}_${protocol.toUpperCase()}`;
    out.push([portPrefix, url], [`${portPrefix}_PROTO`, protocol], [`${portPrefix}_PORT`, String(sp.port)], [`${portPrefix}_ADDR`, ip]);
  });
  return out;
}

/** The variables of one service (FromServices), in the kubelet's order. */
function variablesOf(service: Service): [string, string][] {
  const prefix = envVarName(service.metadata.name ?? '');
  const ip = service.spec.clusterIP as string;
  const ports = service.spec.ports ?? [];
  const out: [string, string][] = [[`${prefix}_SERVICE_HOST`, ip]];
  if (ports.length > 0) out.push([`${prefix}_SERVICE_PORT`, String(ports[0].port)]);
  for (const sp of ports) if (sp.name) out.push([`${prefix}_SERVICE_PORT_${envVarName(sp.name)}`, String(sp.port)]);
  return [...out, ...linkVariables(prefix, ip, ports)];
}

/** The variables of services with a cluster IP, by service name order. */
export function serviceEnvVars(services: Service[]): [string, string][] {
  const sorted = services.filter(isServiceIPSet).sort((a, b) => ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1));
  return sorted.flatMap(variablesOf);
}

/**
 * The services a pod sees, one per name: the master service, replaced by a same-named
 * service of the pod's own namespace when service links are on (as the kubelet's map does).
 */
function visibleServices(pod: Pod, master: Service[], own: Service[]): Service[] {
  const byName = new Map<string, Service>();
  for (const s of master) if (s.metadata.name === MASTER_SERVICE_NAME && isServiceIPSet(s)) byName.set(MASTER_SERVICE_NAME, s);
  if (pod.spec.enableServiceLinks !== false) for (const s of own) if (isServiceIPSet(s)) byName.set(s.metadata.name ?? '', s);
  return [...byName.values()];
}

/** The pod's service variables by name, or the error that keeps its containers from starting. */
export function serviceEnvFor(pod: Pod, source: ServiceSource): Map<string, string> | Error {
  const namespace = pod.metadata.namespace || 'default';
  const master = source.list(MASTER_SERVICE_NAMESPACE);
  const own = namespace === MASTER_SERVICE_NAMESPACE ? master : source.list(namespace);
  if (!master || !own) return new Error(SERVICES_NOT_SYNCED);
  return new Map(serviceEnvVars(visibleServices(pod, master, own)));
}
