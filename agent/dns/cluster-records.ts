/**
 * The cluster zone's answer to one question, as k3s' CoreDNS (`kubernetes <domain> in-addr.arpa
 * ip6.arpa { pods insecure; fallthrough in-addr.arpa ip6.arpa }`) gives it. Pure: reads the index.
 *
 * - A name outside the domain, and any reverse name that is not a known address's PTR, is
 *   the upstreams' ('forward').
 * - An unknown name is NXDOMAIN; a known name without records of the type is NODATA; both carry
 *   the zone's SOA in the authority section. Records have a 5 s TTL, owners echo the question.
 * - An ExternalName answers a CNAME. A target inside the domain is followed here (the CNAME is
 *   kept only when the target has records); a target outside is left to the caller (`chase`).
 */
import { isIP } from 'node:net';
import type { ClusterDnsIndex } from './cluster-dns-index';
import { parseClusterName, type ClusterRequest } from './cluster-dns-request';
import { findEntries, type ClusterEntry } from './cluster-entries';
import { addressRecord, srvRecords } from './cluster-srv-records';
import { CLASS_IN, Rcode, RecordType } from './dns-constants';
import type { DnsQuestion, DnsRecord } from './dns-message';
import { foldName } from './dns-name';

/** CoreDNS' kubernetes plugin default TTL. */
export const CLUSTER_TTL = 5;
/** CoreDNS gives up following CNAMEs after 8. */
const MAX_CNAME_DEPTH = 8;

export interface ClusterReply {
  kind: 'reply';
  rcode: number;
  answers: DnsRecord[];
  authority: DnsRecord[];
  additional: DnsRecord[];
  /** An ExternalName target outside the domain whose records should follow the CNAME. */
  chase?: DnsQuestion;
}

export type ClusterAnswer = { kind: 'forward' } | ClusterReply;

interface RecordSet {
  answers: DnsRecord[];
  additional: DnsRecord[];
  chase?: DnsQuestion;
}

const FORWARD: ClusterAnswer = { kind: 'forward' };

export function resolveClusterQuestion(index: ClusterDnsIndex, q: DnsQuestion): ClusterAnswer {
  const request = parseClusterName(q.name, index.domain);
  if (request.kind === 'outside') return FORWARD;
  if (request.kind === 'reverse') return reverseAnswer(index, q, request.name);
  if (q.class !== CLASS_IN) return { kind: 'reply', rcode: Rcode.NOTIMP, answers: [], authority: [], additional: [] };
  const found = recordSet(index, q, request, 0);
  if (found === 'nxdomain') return withSoa(index, index.synced ? Rcode.NXDOMAIN : Rcode.SERVFAIL);
  return found.answers.length > 0 ? { kind: 'reply', rcode: Rcode.NOERROR, authority: [], ...found } : withSoa(index, Rcode.NOERROR);
}

function recordSet(index: ClusterDnsIndex, q: DnsQuestion, request: ClusterRequest, depth: number): RecordSet | 'nxdomain' {
  if (request.kind === 'apex') return { answers: request.isZone && q.type === RecordType.SOA ? [soaRecord(index)] : [], additional: [] };
  if (request.kind !== 'svc' && request.kind !== 'pod') return 'nxdomain';
  const entries = findEntries(index, request);
  return entries === 'nxdomain' ? entries : recordsOfType(index, q, entries, depth);
}

function recordsOfType(index: ClusterDnsIndex, q: DnsQuestion, entries: ClusterEntry[], depth: number): RecordSet {
  switch (q.type) {
    case RecordType.A:
    case RecordType.AAAA:
      return addressRecords(index, q, entries, depth);
    case RecordType.SRV:
      return srvRecords(q.name, entries, CLUSTER_TTL);
    case RecordType.CNAME:
      return { answers: entries.filter((e) => e.isName).slice(0, 1).map((e) => cnameRecord(q.name, e.host)), additional: [] };
    default:
      return { answers: [], additional: [] };
  }
}

/** A/AAAA records of the entries' addresses of the question's family (once each), and ExternalName CNAMEs. */
function addressRecords(index: ClusterDnsIndex, q: DnsQuestion, entries: ClusterEntry[], depth: number): RecordSet {
  const family = q.type === RecordType.AAAA ? 6 : 4;
  const out: RecordSet = { answers: [], additional: [] };
  const seen = new Set<string>();
  for (const e of entries) {
    if (e.isName) followCname(index, q, e.host, depth, out);
    else if (isIP(e.host) === family && !seen.has(e.host)) {
      seen.add(e.host);
      out.answers.push(addressRecord(q.name, e.host, CLUSTER_TTL));
    }
  }
  return out;
}

/** Adds `q.name CNAME target` and the target's records (inside the domain) or a chase (outside). */
function followCname(index: ClusterDnsIndex, q: DnsQuestion, target: string, depth: number, out: RecordSet): void {
  if (foldName(target) === foldName(q.name) || depth >= MAX_CNAME_DEPTH) return;
  const request = parseClusterName(target, index.domain);
  if (request.kind === 'outside' || request.kind === 'reverse') {
    out.answers.push(cnameRecord(q.name, target));
    out.chase = { name: target, type: q.type, class: CLASS_IN };
    return;
  }
  const inner = recordSet(index, { ...q, name: target }, request, depth + 1);
  if (inner === 'nxdomain' || inner.answers.length === 0) return;
  out.answers.push(cnameRecord(q.name, target), ...inner.answers);
  out.chase = inner.chase;
}

/** PTR of a known cluster IP or endpoint address; anything else in the reverse zones falls through upstream. */
function reverseAnswer(index: ClusterDnsIndex, q: DnsQuestion, name: string): ClusterAnswer {
  const targets = q.type === RecordType.PTR && q.class === CLASS_IN ? index.reverse.get(name) : undefined;
  if (targets === undefined) return FORWARD;
  const answers = targets.map((target): DnsRecord => ({ name: q.name, type: RecordType.PTR, class: CLASS_IN, ttl: CLUSTER_TTL, data: { kind: 'name', target } }));
  return { kind: 'reply', rcode: Rcode.NOERROR, answers, authority: [], additional: [] };
}

/** NXDOMAIN or NODATA: no answers, the zone's SOA in the authority section (RFC 2308). */
function withSoa(index: ClusterDnsIndex, rcode: number): ClusterReply {
  return { kind: 'reply', rcode, answers: [], authority: [soaRecord(index)], additional: [] };
}

function cnameRecord(name: string, target: string): DnsRecord {
  return { name, type: RecordType.CNAME, class: CLASS_IN, ttl: CLUSTER_TTL, data: { kind: 'name', target } };
}

/** The zone's SOA as CoreDNS writes it (plugin.SOA): ns.dns.<zone>, hostmaster.<zone>, minimum = the TTL. */
export function soaRecord(index: ClusterDnsIndex): DnsRecord {
  const data = { kind: 'soa' as const, mname: `ns.dns.${index.domain}`, rname: `hostmaster.${index.domain}`, serial: index.serial >>> 0, refresh: 7200, retry: 1800, expire: 86400, minimum: CLUSTER_TTL };
  return { name: index.domain, type: RecordType.SOA, class: CLASS_IN, ttl: CLUSTER_TTL, data };
}
