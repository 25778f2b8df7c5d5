/**
 * Where a `…/proxy/…` request goes, decided as the apiserver's pod and service ResourceLocation:
 * the URL's name is `[scheme:]name[:port]`; a pod's port is a number (none: 80); a service's is
 * the name (or number) of one of its ports, reached at a random ready endpoint of that port.
 * The answer is a pod and a port: the pod's node dials it (the control plane has no route into
 * the pod networks).
 * https://github.com/kubernetes/kubernetes/blob/v1.32.0/pkg/registry/core/service/storage/storage.go
 */
import type { Pod } from '../../../api/core-v1';
import { ApiError, badRequest } from '../../../api/errors';
import { SERVICE_NAME_LABEL, type EndpointSlice, type Service } from '../../../api/service-v1';
import type { Registry } from '../../registry/registry';
import { ENDPOINT_SLICES } from '../../registry/kinds/endpoint-slice';
import { PODS } from '../../registry/kinds/pod';
import { SERVICES } from '../../registry/kinds/service';

export interface ProxyName {
  scheme: string;
  name: string;
  port: string;
}

export interface ProxyTarget {
  pod: Pod;
  port: number;
}

/** Kubernetes' SplitSchemeNamePort; undefined when malformed. */
export function parseProxyName(id: string): ProxyName | undefined {
  const parts = id.split(':');
  const [scheme, name, port] = parts.length === 3 ? parts : parts.length === 2 ? ['', parts[0], parts[1]] : parts.length === 1 ? ['', parts[0], ''] : [];
  if (name === undefined || name === '' || scheme === undefined || port === undefined) return undefined;
  if (scheme !== '' && scheme !== 'http' && scheme !== 'https') return undefined;
  return { scheme, name, port };
}

function portNumber(text: string): number | undefined {
  if (!/^\d{1,5}$/.test(text)) return undefined;
  const port = Number(text);
  return port >= 1 && port <= 65535 ? port : undefined;
}

function checkedName(id: string): ProxyName {
  const parsed = parseProxyName(id);
  if (!parsed) throw badRequest(`invalid request ${JSON.stringify(id)}`);
  if (parsed.scheme === 'https') throw badRequest('https is not served by this proxy yet: use http');
  return parsed;
}

export async function podProxyTarget(registry: Registry, namespace: string, id: string): Promise<ProxyTarget> {
  const { name, port: portText } = checkedName(id);
  const pod = await registry.get<Pod>(PODS, namespace, name);
  const port = portText === '' ? 80 : portNumber(portText);
  if (port === undefined) throw badRequest(`invalid port ${JSON.stringify(portText)}: a pod is proxied to a port number`);
  return { pod, port };
}

export async function serviceProxyTarget(registry: Registry, namespace: string, id: string, random: () => number = Math.random): Promise<ProxyTarget> {
  const { name, port: portText } = checkedName(id);
  const svc = await registry.get<Service>(SERVICES, namespace, name);
  const svcPort = (svc.spec?.ports ?? []).find((p) => (p.name ?? '') === portText || (portText !== '' && String(p.port) === portText));
  if (!svcPort) throw new ApiError('ServiceUnavailable', `no service port ${JSON.stringify(portText)} found for service ${JSON.stringify(name)}`);
  const slices = await registry.list<EndpointSlice>(ENDPOINT_SLICES, { namespace, labelSelector: `${SERVICE_NAME_LABEL}=${name}` });
  const choices: { pod: string; port: number }[] = [];
  for (const slice of slices.items) {
    const port = (slice.ports ?? []).find((p) => (p.name ?? '') === (svcPort.name ?? ''))?.port;
    if (port === undefined) continue;
    for (const ep of slice.endpoints) {
      if (ep.conditions?.ready === false || ep.targetRef?.kind !== 'Pod' || !ep.targetRef.name) continue;
      choices.push({ pod: ep.targetRef.name, port });
    }
  }
  if (choices.length === 0) throw new ApiError('ServiceUnavailable', `no endpoints available for service ${JSON.stringify(id)}`);
  const chosen = choices[Math.floor(random() * choices.length) % choices.length];
  return { pod: await registry.get<Pod>(PODS, namespace, chosen.pod), port: chosen.port };
}
