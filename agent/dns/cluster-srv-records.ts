/**
 * SRV answers for cluster entries as CoreDNS writes them (plugin/backend_lookup.go SRV): priority 0,
 * every entry weighted 100 within its priority, so each gets ⌊100/n⌋ (at least 1); an address entry
 * targets its service or endpoint name and adds that name's A/AAAA record to the additional section.
 */
import { isIPv6 } from 'node:net';
import { CLASS_IN, RecordType } from './dns-constants';
import type { DnsRecord } from './dns-message';
import type { ClusterEntry } from './cluster-entries';

export interface SrvAnswer {
  answers: DnsRecord[];
  additional: DnsRecord[];
}

/** SRV records owned by `qname`; entries without a declared port (-1) still count in the weights, as in CoreDNS. */
export function srvRecords(qname: string, entries: ClusterEntry[], ttl: number): SrvAnswer {
  const weight = Math.max(1, Math.floor((100 / (100 * entries.length)) * 100));
  const out: SrvAnswer = { answers: [], additional: [] };
  const seen = new Set<string>();
  for (const e of entries.filter((entry) => entry.port !== -1)) {
    const target = e.isName ? e.host : e.target;
    const srv: DnsRecord = { name: qname, type: RecordType.SRV, class: CLASS_IN, ttl, data: { kind: 'srv', priority: 0, weight, port: e.port, target } };
    if (once(seen, `srv ${target} ${e.port}`)) out.answers.push(srv);
    if (!e.isName && once(seen, `addr ${target} ${e.host}`)) out.additional.push(addressRecord(target, e.host, ttl));
  }
  return out;
}

/** An A or AAAA record for `ip`, by its family. */
export function addressRecord(name: string, ip: string, ttl: number): DnsRecord {
  const type = isIPv6(ip) ? RecordType.AAAA : RecordType.A;
  return { name, type, class: CLASS_IN, ttl, data: { kind: 'address', address: ip } };
}

/** True the first time `key` is seen. */
function once(seen: Set<string>, key: string): boolean {
  if (seen.has(key)) return false;
  seen.add(key);
  return true;
}
