/**
 * What a query name asks of the cluster zone, read as CoreDNS' kubernetes plugin reads it
 * (plugin/kubernetes/parse.go): `[_port._proto.|endpoint.]service.namespace.(svc|pod).<domain>`.
 */
import { foldName } from './dns-name';

export type ClusterRequest =
  /** Not in the cluster domain nor a reverse zone: forwarded upstream. */
  | { kind: 'outside' }
  /** Under in-addr.arpa or ip6.arpa. */
  | { kind: 'reverse'; name: string }
  /** The domain itself, `svc.<domain>` or `pod.<domain>`: exists, holds no records. */
  | { kind: 'apex'; isZone: boolean }
  /** Inside the domain but not a name the plugin can hold (too long, neither svc nor pod): NXDOMAIN. */
  | { kind: 'invalid' }
  | RecordRequest;

export interface RecordRequest {
  kind: 'svc' | 'pod';
  namespace: string;
  /** '' for the namespace itself. */
  service: string;
  /** '' unless the name has one label before the service. */
  endpoint: string;
  /** '' matches any port name / protocol. */
  port: string;
  protocol: string;
}

const REVERSE_ZONES = ['in-addr.arpa', 'ip6.arpa'];

/** Parses `qname` against `domain` (both compared case-insensitively; the result is folded). */
export function parseClusterName(qname: string, domain: string): ClusterRequest {
  const name = foldName(qname);
  const zone = foldName(domain);
  if (REVERSE_ZONES.some((z) => name === z || name.endsWith(`.${z}`))) return { kind: 'reverse', name };
  if (name === zone) return { kind: 'apex', isZone: true };
  if (!name.endsWith(`.${zone}`)) return { kind: 'outside' };
  return parseInZone(name.slice(0, -zone.length - 1).split('.'));
}

/** The labels before the domain, read from the right: svc|pod, namespace, service, then endpoint or port+protocol. */
function parseInZone(labels: string[]): ClusterRequest {
  const [kind, namespace, service, ...rest] = [...labels].reverse();
  if (kind !== 'svc' && kind !== 'pod') return { kind: 'invalid' };
  if (namespace === undefined) return { kind: 'apex', isZone: false };
  const request: RecordRequest = { kind, namespace, service: service ?? '', endpoint: '', port: '', protocol: '' };
  if (rest.length === 1) request.endpoint = rest[0] as string;
  if (rest.length === 2) Object.assign(request, { protocol: stripUnderscore(rest[0] as string), port: stripUnderscore(rest[1] as string) });
  return rest.length > 2 ? { kind: 'invalid' } : request;
}

function stripUnderscore(label: string): string {
  return label.startsWith('_') ? label.slice(1) : label;
}
