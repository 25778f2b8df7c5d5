import assert from 'node:assert/strict';
import { buildClusterDnsIndex, emptyClusterDnsIndex, type ClusterDnsIndex } from '../../../../agent/dns/cluster-dns-index';
import { resolveClusterQuestion } from '../../../../agent/dns/cluster-records';
import { CLASS_IN, Rcode, RecordType } from '../../../../agent/dns/dns-constants';
import type { DnsRecord } from '../../../../agent/dns/dns-message';
import { aService, aSlice, anEndpoint } from './dns-objects';

const TYPE_NAMES = Object.fromEntries(Object.entries(RecordType).map(([k, v]) => [v, k])) as Record<number, string>;
const RCODE_NAMES = Object.fromEntries(Object.entries(Rcode).map(([k, v]) => [v, k])) as Record<number, string>;

/** A record as one line of zone-file-like text. */
function line(r: DnsRecord): string {
  const d = r.data;
  const data =
    d.kind === 'address' ? d.address
    : d.kind === 'name' ? d.target
    : d.kind === 'srv' ? `${d.priority} ${d.weight} ${d.port} ${d.target}`
    : d.kind === 'soa' ? `${d.mname} ${d.rname} ${d.minimum}`
    : d.kind;
  return `${r.name} ${r.ttl} ${TYPE_NAMES[r.type] ?? r.type} ${data}`;
}

interface Summary {
  rcode: string;
  answers: string[];
  authority?: string[];
  additional?: string[];
  chase?: string;
}

function ask(index: ClusterDnsIndex, name: string, type: keyof typeof RecordType, cls = CLASS_IN): Summary | 'forward' {
  const answer = resolveClusterQuestion(index, { name, type: RecordType[type], class: cls });
  if (answer.kind === 'forward') return 'forward';
  const summary: Summary = { rcode: RCODE_NAMES[answer.rcode] ?? String(answer.rcode), answers: answer.answers.map(line) };
  if (answer.authority.length > 0) summary.authority = answer.authority.map(line);
  if (answer.additional.length > 0) summary.additional = answer.additional.map(line);
  if (answer.chase) summary.chase = `${answer.chase.name} ${TYPE_NAMES[answer.chase.type]}`;
  return summary;
}

const SOA = ['cluster.local 5 SOA ns.dns.cluster.local hostmaster.cluster.local 5'];
const NXDOMAIN: Summary = { rcode: 'NXDOMAIN', answers: [], authority: SOA };
const NODATA: Summary = { rcode: 'NOERROR', answers: [], authority: SOA };
const Z = 'cluster.local';

function fixture(): ClusterDnsIndex {
  const services = [
    aService('web').clusterIP('10.43.0.10').port('http', 80).port('metrics', 9090).build(),
    aService('nginx').headless().port('web', 80).build(),
    aService('ext').externalName('Example.com.').build(),
    aService('alias').externalName(`web.default.svc.${Z}`).build(),
    aService('alias-nowhere').externalName(`nope.default.svc.${Z}`).build(),
    aService('ext-ip').externalName('192.0.2.1').build(),
    aService('warming').headless().port('web', 80).with({ publishNotReadyAddresses: true }).build(),
    aService('portless').headless().build(),
    aService('dual').clusterIP('10.43.0.20', 'fd00:43::20').port('http', 80).build(),
    aService('pending').port('http', 80).build(),
    aService('kube-dns', 'kube-system').clusterIP('10.43.0.2').port('dns', 53, 'UDP').port('dns-tcp', 53, 'TCP').build(),
    aService('web', 'staging').clusterIP('10.43.1.10').port('http', 80).build(),
  ];
  const slices = [
    aSlice('web', [anEndpoint('10.42.1.5'), anEndpoint('10.42.2.6'), anEndpoint('10.42.3.7', { ready: false })], [{ name: 'http', port: 8080, protocol: 'TCP' }, { name: 'metrics', port: 9090, protocol: 'TCP' }]),
    aSlice('nginx', [anEndpoint('10.42.1.10', { hostname: 'web-0' }), anEndpoint('10.42.2.11', { hostname: 'web-1' })], [{ name: 'web', port: 80, protocol: 'TCP' }], 'default', 'aaaaa'),
    aSlice('nginx', [anEndpoint('10.42.3.12'), anEndpoint('10.42.3.13', { hostname: 'web-3', ready: false }), anEndpoint('10.42.1.10', { hostname: 'web-0' })], [{ name: 'web', port: 80, protocol: 'TCP' }], 'default', 'bbbbb'),
    aSlice('warming', [anEndpoint('10.42.4.1', { ready: false }), anEndpoint('10.42.4.2')], [{ name: 'web', port: 80, protocol: 'TCP' }]),
    aSlice('portless', [anEndpoint('10.42.5.1'), anEndpoint('10.42.5.2')]),
    aSlice('web', [anEndpoint('10.42.9.9')], [{ name: 'http', port: 8080, protocol: 'TCP' }], 'staging'),
    aSlice('ghost', [anEndpoint('10.42.8.8')], [{ name: 'http', port: 80, protocol: 'TCP' }]),
  ];
  return buildClusterDnsIndex(Z, services, slices, 1_700_000_000);
}

describe('cluster records', () => {
  const index = fixture();
  const cases: [string, keyof typeof RecordType, Summary | 'forward'][] = [
    // ClusterIP services
    [`web.default.svc.${Z}`, 'A', { rcode: 'NOERROR', answers: [`web.default.svc.${Z} 5 A 10.43.0.10`] }],
    [`WEB.Default.svc.${Z}.`, 'A', { rcode: 'NOERROR', answers: [`WEB.Default.svc.${Z}. 5 A 10.43.0.10`] }],
    [`web.default.svc.${Z}`, 'AAAA', NODATA],
    [`web.default.svc.${Z}`, 'TXT', NODATA],
    [`web.default.svc.${Z}`, 'CNAME', NODATA],
    [`dual.default.svc.${Z}`, 'A', { rcode: 'NOERROR', answers: [`dual.default.svc.${Z} 5 A 10.43.0.20`] }],
    [`dual.default.svc.${Z}`, 'AAAA', { rcode: 'NOERROR', answers: [`dual.default.svc.${Z} 5 AAAA fd00:43::20`] }],
    [`pending.default.svc.${Z}`, 'A', NODATA],
    [`web.staging.svc.${Z}`, 'A', { rcode: 'NOERROR', answers: [`web.staging.svc.${Z} 5 A 10.43.1.10`] }],
    [`10-42-1-5.web.default.svc.${Z}`, 'A', { rcode: 'NOERROR', answers: [`10-42-1-5.web.default.svc.${Z} 5 A 10.42.1.5`] }],
    [`10-42-3-7.web.default.svc.${Z}`, 'A', NXDOMAIN],
    [`10-42-9-9.web.default.svc.${Z}`, 'A', NXDOMAIN],
    // headless services and their endpoints
    [`nginx.default.svc.${Z}`, 'A', { rcode: 'NOERROR', answers: ['10.42.1.10', '10.42.2.11', '10.42.3.12'].map((ip) => `nginx.default.svc.${Z} 5 A ${ip}`) }],
    [`web-0.nginx.default.svc.${Z}`, 'A', { rcode: 'NOERROR', answers: [`web-0.nginx.default.svc.${Z} 5 A 10.42.1.10`] }],
    [`10-42-3-12.nginx.default.svc.${Z}`, 'A', { rcode: 'NOERROR', answers: [`10-42-3-12.nginx.default.svc.${Z} 5 A 10.42.3.12`] }],
    [`web-3.nginx.default.svc.${Z}`, 'A', NXDOMAIN],
    [`web-0.nginx.default.svc.${Z}`, 'AAAA', NODATA],
    [`warming.default.svc.${Z}`, 'A', { rcode: 'NOERROR', answers: [`warming.default.svc.${Z} 5 A 10.42.4.1`, `warming.default.svc.${Z} 5 A 10.42.4.2`] }],
    [`portless.default.svc.${Z}`, 'A', { rcode: 'NOERROR', answers: [`portless.default.svc.${Z} 5 A 10.42.5.1`, `portless.default.svc.${Z} 5 A 10.42.5.2`] }],
    [`portless.default.svc.${Z}`, 'SRV', NODATA],
    // SRV
    [`_http._tcp.web.default.svc.${Z}`, 'SRV', { rcode: 'NOERROR', answers: [`_http._tcp.web.default.svc.${Z} 5 SRV 0 100 80 web.default.svc.${Z}`], additional: [`web.default.svc.${Z} 5 A 10.43.0.10`] }],
    [`_HTTP._TCP.web.default.svc.${Z}`, 'SRV', { rcode: 'NOERROR', answers: [`_HTTP._TCP.web.default.svc.${Z} 5 SRV 0 100 80 web.default.svc.${Z}`], additional: [`web.default.svc.${Z} 5 A 10.43.0.10`] }],
    [`_http._udp.web.default.svc.${Z}`, 'SRV', NXDOMAIN],
    [`_nope._tcp.web.default.svc.${Z}`, 'SRV', NXDOMAIN],
    [`_http._tcp.web.default.svc.${Z}`, 'A', { rcode: 'NOERROR', answers: [`_http._tcp.web.default.svc.${Z} 5 A 10.43.0.10`] }],
    [`web.default.svc.${Z}`, 'SRV', {
      rcode: 'NOERROR',
      answers: [`web.default.svc.${Z} 5 SRV 0 50 80 web.default.svc.${Z}`, `web.default.svc.${Z} 5 SRV 0 50 9090 web.default.svc.${Z}`],
      additional: [`web.default.svc.${Z} 5 A 10.43.0.10`],
    }],
    // web-0 is in both slices: CoreDNS counts it twice in the weights (100/4) but writes it once.
    [`_web._tcp.nginx.default.svc.${Z}`, 'SRV', {
      rcode: 'NOERROR',
      answers: ['web-0', 'web-1', '10-42-3-12'].map((h) => `_web._tcp.nginx.default.svc.${Z} 5 SRV 0 25 80 ${h}.nginx.default.svc.${Z}`),
      additional: [['web-0', '10.42.1.10'], ['web-1', '10.42.2.11'], ['10-42-3-12', '10.42.3.12']].map(([h, ip]) => `${h}.nginx.default.svc.${Z} 5 A ${ip}`),
    }],
    [`_dns._udp.kube-dns.kube-system.svc.${Z}`, 'SRV', { rcode: 'NOERROR', answers: [`_dns._udp.kube-dns.kube-system.svc.${Z} 5 SRV 0 100 53 kube-dns.kube-system.svc.${Z}`], additional: [`kube-dns.kube-system.svc.${Z} 5 A 10.43.0.2`] }],
    // ExternalName
    [`ext.default.svc.${Z}`, 'A', { rcode: 'NOERROR', answers: [`ext.default.svc.${Z} 5 CNAME example.com`], chase: 'example.com A' }],
    [`ext.default.svc.${Z}`, 'AAAA', { rcode: 'NOERROR', answers: [`ext.default.svc.${Z} 5 CNAME example.com`], chase: 'example.com AAAA' }],
    [`ext.default.svc.${Z}`, 'CNAME', { rcode: 'NOERROR', answers: [`ext.default.svc.${Z} 5 CNAME example.com`] }],
    [`ext.default.svc.${Z}`, 'TXT', NODATA],
    [`x.ext.default.svc.${Z}`, 'A', NXDOMAIN],
    [`alias.default.svc.${Z}`, 'A', { rcode: 'NOERROR', answers: [`alias.default.svc.${Z} 5 CNAME web.default.svc.${Z}`, `web.default.svc.${Z} 5 A 10.43.0.10`] }],
    [`alias-nowhere.default.svc.${Z}`, 'A', NODATA],
    [`ext-ip.default.svc.${Z}`, 'A', NXDOMAIN],
    // pods (`pods insecure`)
    [`10-42-1-5.default.pod.${Z}`, 'A', { rcode: 'NOERROR', answers: [`10-42-1-5.default.pod.${Z} 5 A 10.42.1.5`] }],
    [`10-42-1-5.no-services-here.pod.${Z}`, 'A', { rcode: 'NOERROR', answers: [`10-42-1-5.no-services-here.pod.${Z} 5 A 10.42.1.5`] }],
    [`fd00--1.default.pod.${Z}`, 'AAAA', { rcode: 'NOERROR', answers: [`fd00--1.default.pod.${Z} 5 AAAA fd00::1`] }],
    [`10-42-1-5.default.pod.${Z}`, 'AAAA', NODATA],
    [`web-0.default.pod.${Z}`, 'A', NXDOMAIN],
    [`default.pod.${Z}`, 'A', NODATA],
    // unknown names, namespaces and the zone itself
    [`nope.default.svc.${Z}`, 'A', NXDOMAIN],
    [`nope.default.svc.${Z}`, 'AAAA', NXDOMAIN],
    [`ghost.default.svc.${Z}`, 'A', NXDOMAIN],
    [`web.nons.svc.${Z}`, 'A', NXDOMAIN],
    [`default.svc.${Z}`, 'A', NODATA],
    [`kube-system.svc.${Z}`, 'SRV', NODATA],
    [`nons.svc.${Z}`, 'A', NXDOMAIN],
    [`svc.${Z}`, 'A', NODATA],
    [Z, 'A', NODATA],
    [Z, 'SOA', { rcode: 'NOERROR', answers: SOA }],
    [`web.default.svc.${Z}`, 'SOA', NODATA],
    [`a.b.c.web.default.svc.${Z}`, 'A', NXDOMAIN],
    [`example.com.default.svc.${Z}`, 'A', NXDOMAIN],
    [`www.example.com.${Z}`, 'A', NXDOMAIN],
    // reverse lookups
    ['10.0.43.10.in-addr.arpa', 'PTR', { rcode: 'NOERROR', answers: [`10.0.43.10.in-addr.arpa 5 PTR web.default.svc.${Z}`] }],
    ['5.1.42.10.in-addr.arpa', 'PTR', { rcode: 'NOERROR', answers: [`5.1.42.10.in-addr.arpa 5 PTR 10-42-1-5.web.default.svc.${Z}`] }],
    ['10.1.42.10.IN-ADDR.ARPA', 'PTR', { rcode: 'NOERROR', answers: [`10.1.42.10.IN-ADDR.ARPA 5 PTR web-0.nginx.default.svc.${Z}`] }],
    [`0.2.${'0.'.repeat(22)}3.4.0.0.0.0.d.f.ip6.arpa`, 'PTR', { rcode: 'NOERROR', answers: [`0.2.${'0.'.repeat(22)}3.4.0.0.0.0.d.f.ip6.arpa 5 PTR dual.default.svc.${Z}`] }],
    ['7.3.42.10.in-addr.arpa', 'PTR', 'forward'],
    ['8.8.8.8.in-addr.arpa', 'PTR', 'forward'],
    ['10.0.43.10.in-addr.arpa', 'A', 'forward'],
    // everything else is upstream's
    ['example.com', 'A', 'forward'],
    [`${Z}.example.com`, 'A', 'forward'],
  ];
  for (const [name, type, expected] of cases) {
    const what = expected === 'forward' ? 'forwards' : `answers ${expected.rcode}${expected.answers.length > 0 ? ` with ${expected.answers.length}` : ''}`;
    it(`${what} for ${name} ${type}`, () => assert.deepEqual(ask(index, name, type), expected));
  }

  it('weights SRV records ⌊100/n⌋ like CoreDNS, counting every endpoint', () => {
    const endpoints = Array.from({ length: 7 }, (_, i) => anEndpoint(`10.42.0.${i + 1}`));
    const big = buildClusterDnsIndex(Z, [aService('big').headless().port('web', 80).build()], [aSlice('big', endpoints, [{ name: 'web', port: 80, protocol: 'TCP' }])], 1);
    const summary = ask(big, `_web._tcp.big.default.svc.${Z}`, 'SRV');
    assert.ok(summary !== 'forward');
    assert.deepEqual(new Set(summary.answers.map((a) => a.split(' ')[4])), new Set(['14']));
    assert.equal(summary.answers.length, 7);
  });

  it('answers SERVFAIL instead of NXDOMAIN before the first update, and still forwards', () => {
    const empty = emptyClusterDnsIndex(Z);
    assert.deepEqual(ask(empty, `web.default.svc.${Z}`, 'A'), { ...NXDOMAIN, rcode: 'SERVFAIL', authority: ['cluster.local 5 SOA ns.dns.cluster.local hostmaster.cluster.local 5'] });
    assert.equal(ask(empty, 'example.com', 'A'), 'forward');
  });

  it('answers NOTIMP for a cluster name asked in another class, and never forwards it', () => {
    assert.deepEqual(ask(index, `web.default.svc.${Z}`, 'A', 3), { rcode: 'NOTIMP', answers: [] });
  });

  it('puts the update time in the SOA serial', () => {
    const answer = resolveClusterQuestion(index, { name: Z, type: RecordType.SOA, class: CLASS_IN });
    assert.ok(answer.kind === 'reply' && answer.answers[0]?.data.kind === 'soa');
    assert.equal(answer.answers[0].data.serial, 1_700_000_000);
  });

  it('serves another cluster domain', () => {
    const pi = buildClusterDnsIndex('pi.home', [aService('web').clusterIP('10.43.0.10').port('http', 80).build()], [], 1);
    assert.deepEqual(ask(pi, 'web.default.svc.pi.home', 'A'), { rcode: 'NOERROR', answers: ['web.default.svc.pi.home 5 A 10.43.0.10'] });
    assert.equal(ask(pi, `web.default.svc.${Z}`, 'A'), 'forward');
  });

  it('indexes 1000 services with 10 endpoints each quickly enough to rebuild on every change', () => {
    const services = Array.from({ length: 1000 }, (_, i) => aService(`svc-${i}`, `ns-${i % 20}`).clusterIP(`10.43.${i >> 8}.${i & 255}`).port('http', 80).build());
    const slices = services.map((s, i) => aSlice(s.metadata.name as string, Array.from({ length: 10 }, (_, j) => anEndpoint(`10.42.${i >> 8}.${(i + j) & 255}`)), [{ name: 'http', port: 8080, protocol: 'TCP' }], s.metadata.namespace));
    const started = process.hrtime.bigint();
    const big = buildClusterDnsIndex(Z, services, slices, 1);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    assert.ok(ms < 500, `index built in ${ms.toFixed(1)} ms`);
    assert.deepEqual(ask(big, `svc-999.ns-19.svc.${Z}`, 'A'), { rcode: 'NOERROR', answers: [`svc-999.ns-19.svc.${Z} 5 A 10.43.3.231`] });
  });
});
