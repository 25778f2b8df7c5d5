import assert from 'node:assert/strict';
import type { Pod, PodSpec } from '../../../../api/core-v1';
import { mergeDnsOptions, podDnsConfig, podDnsType, type NodeDns, type PodDnsType } from '../../../../agent/pods/pod-dns-config';
import { aPod } from './pod-builder';

const HOST = { nameservers: ['192.168.1.1', '192.168.1.2'], searches: ['home.arpa'], options: ['rotate', 'ndots:1'] };
const NODE: NodeDns = { clusterDomain: 'cluster.local', clusterDns: '10.42.1.1', host: HOST, hostIP: '192.168.1.11' };
const CLUSTER_SEARCH = ['shop.svc.cluster.local', 'svc.cluster.local', 'cluster.local'];

function podWith(spec: Partial<PodSpec>): Pod {
  const pod = aPod('web', 'uid-dns').withNamespace('shop').withContainer({ name: 'app' }).build();
  return { ...pod, spec: { ...pod.spec, ...spec } };
}

describe('pod DNS config (kubelet GetPodDNS)', () => {
  const types: [string, Partial<PodSpec>, PodDnsType][] = [
    ['no dnsPolicy (ClusterFirst by default)', {}, 'cluster'],
    ['ClusterFirst', { dnsPolicy: 'ClusterFirst' }, 'cluster'],
    ['ClusterFirst on the host network (falls back to Default)', { dnsPolicy: 'ClusterFirst', hostNetwork: true }, 'host'],
    ['ClusterFirstWithHostNet', { dnsPolicy: 'ClusterFirstWithHostNet' }, 'cluster'],
    ['ClusterFirstWithHostNet on the host network', { dnsPolicy: 'ClusterFirstWithHostNet', hostNetwork: true }, 'cluster'],
    ['Default', { dnsPolicy: 'Default' }, 'host'],
    ['Default on the host network', { dnsPolicy: 'Default', hostNetwork: true }, 'host'],
    ['None', { dnsPolicy: 'None', dnsConfig: { nameservers: ['9.9.9.9'] } }, 'none'],
  ];
  for (const [what, spec, type] of types) {
    it(`starts ${what} from the ${type} config`, () => assert.equal(podDnsType(podWith(spec)), type));
  }

  const configs: [string, Partial<PodSpec>, NodeDns, string[], string[], string[]][] = [
    ['ClusterFirst: the cluster DNS only, cluster then host search domains, ndots:5 (host options dropped)', { dnsPolicy: 'ClusterFirst' }, NODE,
      ['10.42.1.1'], [...CLUSTER_SEARCH, 'home.arpa'], ['ndots:5']],
    ['ClusterFirst without a cluster domain: the host search domains only', { dnsPolicy: 'ClusterFirst' }, { ...NODE, clusterDomain: '' },
      ['10.42.1.1'], ['home.arpa'], ['ndots:5']],
    ['ClusterFirst with a host search domain equal to a cluster one: listed once', { dnsPolicy: 'ClusterFirst' }, { ...NODE, host: { ...HOST, searches: ['cluster.local', 'lan'] } },
      ['10.42.1.1'], [...CLUSTER_SEARCH, 'lan'], ['ndots:5']],
    ['ClusterFirst on the host network: the node\'s file', { dnsPolicy: 'ClusterFirst', hostNetwork: true }, NODE,
      HOST.nameservers, HOST.searches, HOST.options],
    ['ClusterFirstWithHostNet on the host network: the cluster DNS', { dnsPolicy: 'ClusterFirstWithHostNet', hostNetwork: true }, NODE,
      ['10.42.1.1'], [...CLUSTER_SEARCH, 'home.arpa'], ['ndots:5']],
    ['Default: the node\'s file as it is', { dnsPolicy: 'Default' }, NODE,
      HOST.nameservers, HOST.searches, HOST.options],
    ['Default with no node file (--resolv-conf ""): the local resolver and the root domain', { dnsPolicy: 'Default' }, { ...NODE, host: undefined },
      ['127.0.0.1'], ['.'], []],
    ['Default with no node file on an IPv6 node: ::1', { dnsPolicy: 'Default' }, { ...NODE, host: undefined, hostIP: 'fd00::11' },
      ['::1'], ['.'], []],
    ['ClusterFirst with no node file: the cluster DNS and cluster domains only', { dnsPolicy: 'ClusterFirst' }, { ...NODE, host: undefined },
      ['10.42.1.1'], CLUSTER_SEARCH, ['ndots:5']],
    ['None: only the pod\'s dnsConfig', { dnsPolicy: 'None', dnsConfig: { nameservers: ['9.9.9.9'], searches: ['corp.example'], options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }] } }, NODE,
      ['9.9.9.9'], ['corp.example'], ['ndots:2', 'edns0']],
    ['ClusterFirst with dnsConfig: appended without duplicates, options merged by name', {
      dnsPolicy: 'ClusterFirst',
      dnsConfig: { nameservers: ['10.42.1.1', '1.1.1.1'], searches: ['svc.cluster.local', 'corp.example'], options: [{ name: 'ndots', value: '2' }, { name: 'single-request-reopen' }] },
    }, NODE, ['10.42.1.1', '1.1.1.1'], [...CLUSTER_SEARCH, 'home.arpa', 'corp.example'], ['ndots:2', 'single-request-reopen']],
    ['Default with dnsConfig: the node\'s options merged with the pod\'s', { dnsPolicy: 'Default', dnsConfig: { options: [{ name: 'rotate' }, { name: 'ndots', value: '3' }] } }, NODE,
      HOST.nameservers, HOST.searches, ['rotate', 'ndots:3']],
  ];
  for (const [what, spec, node, nameservers, searches, options] of configs) {
    it(what, () => {
      const { config, warnings } = podDnsConfig(podWith(spec), node);
      assert.deepEqual(config, { nameservers, searches, options });
      assert.deepEqual(warnings, []);
    });
  }

  it('does not change the node config it was given', () => {
    const node = structuredClone(NODE);
    podDnsConfig(podWith({ dnsPolicy: 'Default', dnsConfig: { nameservers: ['1.1.1.1'], options: [{ name: 'edns0' }] } }), node);
    assert.deepEqual(node, NODE);
  });

  it('falls back to Default with a MissingClusterDNS warning while the cluster DNS address is unknown', () => {
    const { config, warnings } = podDnsConfig(podWith({ dnsPolicy: 'ClusterFirst' }), { ...NODE, clusterDns: undefined });
    assert.deepEqual(config, HOST);
    assert.deepEqual(warnings.map((w) => [w.type, w.reason]), [['Warning', 'MissingClusterDNS']]);
    assert.equal(warnings[0].message, 'pod: "web_shop(uid-dns)". pikube agent does not have ClusterDNS IP configured and cannot create Pod using "ClusterFirst" policy. Falling back to "Default" policy.');
  });

  it('keeps the first 3 nameservers with a DNSConfigForming warning', () => {
    const { config, warnings } = podDnsConfig(podWith({ dnsPolicy: 'ClusterFirst', dnsConfig: { nameservers: ['1.1.1.1', '8.8.8.8', '9.9.9.9'] } }), NODE);
    assert.deepEqual(config.nameservers, ['10.42.1.1', '1.1.1.1', '8.8.8.8']);
    assert.deepEqual(warnings, [{ type: 'Warning', reason: 'DNSConfigForming', message: 'Nameserver limits were exceeded, some nameservers have been omitted, the applied nameserver line is: 10.42.1.1 1.1.1.1 8.8.8.8' }]);
  });

  it('keeps the first 32 search domains with a DNSConfigForming warning', () => {
    const many = Array.from({ length: 35 }, (_, i) => `d${i}.example`);
    const { config, warnings } = podDnsConfig(podWith({ dnsPolicy: 'ClusterFirst', dnsConfig: { searches: many } }), NODE);
    assert.equal(config.searches.length, 32);
    assert.deepEqual(config.searches.slice(0, 4), [...CLUSTER_SEARCH, 'home.arpa']);
    assert.equal(config.searches.at(-1), 'd27.example');
    assert.deepEqual(warnings.map((w) => w.reason), ['DNSConfigForming']);
    assert.match(warnings[0].message, /^Search Line limits were exceeded, some search paths have been omitted, the applied search line is: shop\.svc\.cluster\.local .* d27\.example$/);
  });

  it('drops search domains over 253 characters and then the last ones until the line fits 2048 characters', () => {
    const long = `${'a'.repeat(250)}.example`;
    const wide = Array.from({ length: 10 }, (_, i) => `${String(i).padStart(3, '0')}${'b'.repeat(240)}.example`);
    const { config, warnings } = podDnsConfig(podWith({ dnsPolicy: 'None', dnsConfig: { nameservers: ['9.9.9.9'], searches: [long, ...wide] } }), NODE);
    assert.ok(!config.searches.includes(long));
    assert.ok(config.searches.join(' ').length <= 2048, `${config.searches.join(' ').length} characters`);
    assert.deepEqual(config.searches, wide.slice(0, 8));
    assert.equal(warnings.length, 1);
  });

  it('merges options by name: later values win, value-less options stay bare, order is first seen', () => {
    assert.deepEqual(mergeDnsOptions(['ndots:5', 'rotate', 'timeout:2'], [{ name: 'timeout', value: '1' }, { name: 'ndots' }, { name: 'edns0' }]), ['ndots', 'rotate', 'timeout:1', 'edns0']);
  });
});
