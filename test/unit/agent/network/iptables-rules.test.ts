/**
 * Golden files of the rendered rule set, one per kind of service (UPDATE_GOLDEN=1 rewrites
 * them; review the diff like code), and the kube-proxy facts the rendering must keep.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { changedChainsInput, renderRuleSet, withStaleChainsDeleted } from '../../../../agent/network/iptables-rules';
import { probability } from '../../../../agent/network/service-port-rules';
import { endpointChain, serviceChain } from '../../../../agent/network/chain-names';
import type { ServicePortModel } from '../../../../agent/network/service-model';
import { aServicePort, anEndpoint } from './service-port-builder';

/** The source tree's golden folder (tests run from dist/test/unit/agent/network). */
const GOLDEN_DIR = path.resolve(__dirname, '../../../../../test/unit/agent/network/golden');
const OPTIONS = { clusterCIDR: '10.42.0.0/16' };

const CASES: Record<string, ServicePortModel[]> = {
  'clusterip-one-endpoint': [aServicePort('web').withEndpoints(anEndpoint('10.42.1.5')).build()],
  'clusterip-three-endpoints': [aServicePort('web').withEndpoints(anEndpoint('10.42.1.5'), anEndpoint('10.42.2.7'), anEndpoint('10.42.3.9')).build()],
  'no-endpoints-reject': [aServicePort('empty').with({ clusterIP: '10.43.0.20' }).build()],
  nodeport: [aServicePort('np').with({ clusterIP: '10.43.0.30', nodePort: 30080 }).withEndpoints(anEndpoint('10.42.1.5'), anEndpoint('10.42.2.7')).build()],
  'nodeport-no-endpoints': [aServicePort('np').with({ clusterIP: '10.43.0.30', nodePort: 30080 }).build()],
  loadbalancer: [aServicePort('lb').with({ clusterIP: '10.43.0.40', nodePort: 30443, port: 443, loadBalancerIPs: ['192.168.1.10', '192.168.1.11'] }).withEndpoints(anEndpoint('10.42.1.5', { port: 8443 })).build()],
  'session-affinity': [aServicePort('sticky').with({ affinityTimeoutSeconds: 10800 }).withEndpoints(anEndpoint('10.42.1.5'), anEndpoint('10.42.2.7')).build()],
  'external-traffic-policy-local': [
    aServicePort('etp').with({ clusterIP: '10.43.0.50', nodePort: 30050, externalTrafficPolicyLocal: true }).withEndpoints(anEndpoint('10.42.1.5', { local: true }), anEndpoint('10.42.2.7')).build(),
  ],
  'external-traffic-policy-local-none-local': [
    aServicePort('etp').with({ clusterIP: '10.43.0.50', nodePort: 30050, externalTrafficPolicyLocal: true }).withEndpoints(anEndpoint('10.42.2.7')).build(),
  ],
  'internal-traffic-policy-local': [
    aServicePort('itp').with({ clusterIP: '10.43.0.60', internalTrafficPolicyLocal: true }).withEndpoints(anEndpoint('10.42.1.5', { local: true }), anEndpoint('10.42.2.7')).build(),
    aServicePort('itp-none').with({ clusterIP: '10.43.0.61', internalTrafficPolicyLocal: true }).withEndpoints(anEndpoint('10.42.2.7')).build(),
  ],
  'multi-port': [
    aServicePort('dns').with({ portName: 'dns', protocol: 'UDP', port: 53, clusterIP: '10.43.0.10' }).withEndpoints(anEndpoint('10.42.1.5', { port: 53 })).build(),
    aServicePort('dns').with({ portName: 'dns-tcp', protocol: 'TCP', port: 53, clusterIP: '10.43.0.10' }).withEndpoints(anEndpoint('10.42.1.5', { port: 53 })).build(),
  ],
  'not-ready-excluded': [aServicePort('web').withEndpoints(anEndpoint('10.42.1.5', { ready: false }), anEndpoint('10.42.2.7'), anEndpoint('10.42.3.9', { ready: false })).build()],
};

function checkGolden(name: string, text: string): void {
  const file = path.join(GOLDEN_DIR, `${name}.rules`);
  if (process.env.UPDATE_GOLDEN === '1' || !existsSync(file)) {
    mkdirSync(GOLDEN_DIR, { recursive: true });
    writeFileSync(file, text);
    if (process.env.UPDATE_GOLDEN !== '1') assert.fail(`wrote missing golden file ${file}; review it and rerun`);
    return;
  }
  assert.equal(text, readFileSync(file, 'utf8'), `rendering differs from ${file} (UPDATE_GOLDEN=1 to accept)`);
}

describe('partial restores', () => {
  const set = (...ips: string[]) => renderRuleSet([aServicePort('web').withEndpoints(...ips.map((ip) => anEndpoint(ip))).build()]);

  it('has nothing to write when no chain changed', () => {
    assert.equal(changedChainsInput(set('10.42.1.1'), set('10.42.1.1').chainTexts), '');
  });

  it('writes new and changed chains with their rules, and flushes then deletes per-service chains that are gone', () => {
    const input = changedChainsInput(set('10.42.1.2'), set('10.42.1.1').chainTexts);
    const declared = input.split('\n').filter((l) => l.startsWith(':')).map((l) => l.split(' ')[0].slice(1));
    const deleted = input.split('\n').filter((l) => l.startsWith('-X ')).map((l) => l.slice(3));
    assert.equal(deleted.length, 1);
    assert.ok(declared.includes(deleted[0]), 'a deleted chain is flushed first');
    assert.ok(declared.some((c) => c.startsWith('PIKUBE-SVC-')), 'the service chain now points elsewhere');
    assert.match(input, /--to-destination 10\.42\.1\.2:8080/);
    assert.doesNotMatch(input, /^:PIKUBE-SERVICES /m);
    assert.match(input, /^\*nat\n[\s\S]*COMMIT\n$/);
  });
});

describe('iptables rule rendering', () => {
  describe('golden files', () => {
    for (const [name, servicePorts] of Object.entries(CASES)) {
      it(`renders ${name} as its golden file`, () => checkGolden(name, renderRuleSet(servicePorts, OPTIONS).text));
    }
  });

  it('names chains with kube-proxy\'s hash (known names of kube-dns and the kubernetes service)', () => {
    assert.equal(serviceChain('SVC', 'default/kubernetes:https', 'tcp'), 'PIKUBE-SVC-NPX46M4PTMTKRN6Y');
    assert.equal(serviceChain('SVC', 'kube-system/kube-dns:dns', 'udp'), 'PIKUBE-SVC-TCOU7JCQXEZGVUNU');
    assert.equal(serviceChain('SVC', 'kube-system/kube-dns:dns-tcp', 'tcp'), 'PIKUBE-SVC-ERIFXISQEP7F7OF4');
    assert.equal(serviceChain('SVC', 'kube-system/kube-dns:metrics', 'tcp'), 'PIKUBE-SVC-JD5MR3NA4I4DYORP');
  });

  it('keeps every chain name within the 28 characters iptables allows', () => {
    assert.equal(endpointChain('some-namespace/some-long-service-name:http', 'tcp', '10.42.100.200:65535').length, 27);
  });

  it('spreads with kube-proxy\'s %0.10f probabilities of 1/n', () => {
    assert.deepEqual([3, 2, 4, 1].map(probability), ['0.3333333333', '0.5000000000', '0.2500000000', '1.0000000000']);
    const text = renderRuleSet(CASES['clusterip-three-endpoints'] ?? [], OPTIONS).text;
    assert.match(text, /--probability 0\.3333333333 -j PIKUBE-SEP-/);
    assert.match(text, /--probability 0\.5000000000 -j PIKUBE-SEP-/);
    assert.equal(text.match(/--probability/g)?.length, 2, 'the last endpoint is always taken');
  });

  it('rejects traffic to a service without endpoints in the filter table, and adds no nat chains for it', () => {
    const rs = renderRuleSet(CASES['no-endpoints-reject'] ?? [], OPTIONS);
    assert.match(rs.text, /-A PIKUBE-SERVICES -m comment --comment "default\/empty has no endpoints" -m tcp -p tcp -d 10\.43\.0\.20 --dport 80 -j REJECT --reject-with icmp-port-unreachable/);
    assert.ok(!rs.chains.nat.some((c) => c.startsWith('PIKUBE-SVC-')));
  });

  it('uses only ready endpoints', () => {
    const text = renderRuleSet(CASES['not-ready-excluded'] ?? [], OPTIONS).text;
    assert.ok(text.includes('--to-destination 10.42.2.7:8080'));
    assert.ok(!text.includes('10.42.1.5') && !text.includes('10.42.3.9'));
  });

  it('sends external traffic only to local endpoints under externalTrafficPolicy Local, without masquerade', () => {
    const text = renderRuleSet(CASES['external-traffic-policy-local'] ?? [], OPTIONS).text;
    const svl = serviceChain('SVL', 'default/etp', 'tcp');
    const ext = serviceChain('EXT', 'default/etp', 'tcp');
    assert.ok(text.includes(`-A ${ext} -j ${svl}`));
    assert.ok(!text.includes(`-A ${ext} -m comment --comment "masquerade traffic for`));
    assert.equal(text.split('\n').filter((l) => l.startsWith(`-A ${svl} `)).length, 1);
  });

  it('drops external traffic under externalTrafficPolicy Local when no endpoint is local', () => {
    assert.match(renderRuleSet(CASES['external-traffic-policy-local-none-local'] ?? [], OPTIONS).text, /-A PIKUBE-EXTERNAL-SERVICES -m comment --comment "default\/etp has no local endpoints" -m addrtype --dst-type LOCAL -m tcp -p tcp --dport 30050 -j DROP/);
  });

  it('leaves out a service port whose fields fail the whitelist, saying why', () => {
    const evil = aServicePort('web').with({ clusterIP: '10.43.0.1 -j ACCEPT' }).withEndpoints(anEndpoint('10.42.1.5')).build();
    const quote = aServicePort('x" -j ACCEPT #').withEndpoints(anEndpoint('10.42.1.5')).build();
    const rs = renderRuleSet([evil, quote, ...(CASES['clusterip-one-endpoint'] ?? [])], OPTIONS);
    assert.deepEqual(rs.skipped.map((s) => s.reason), ['clusterIP "10.43.0.1 -j ACCEPT" is not an IPv4 address', 'name "x\\" -j ACCEPT #" is not a DNS subdomain']);
    assert.equal(rs.text, renderRuleSet(CASES['clusterip-one-endpoint'] ?? [], OPTIONS).text);
  });

  it('refuses options that would put junk into rules', () => {
    assert.throws(() => renderRuleSet([], { clusterCIDR: '10.42.0.0/16 -j ACCEPT' }), /not an IPv4 CIDR/);
    assert.throws(() => renderRuleSet([], { masqueradeMark: '0x4000 -j ACCEPT' }), /not a hex mark/);
  });

  it('deletes chains of ours that the new set no longer has, and only those', () => {
    const rs = renderRuleSet(CASES['clusterip-one-endpoint'] ?? [], OPTIONS);
    const gone = 'PIKUBE-SEP-ABCDEFGHIJKLMNOP';
    const text = withStaleChainsDeleted(rs, { filter: ['INPUT', 'DOCKER-USER', 'PIKUBE-POD-FORWARD'], nat: ['PREROUTING', 'DOCKER', gone, ...rs.chains.nat] });
    assert.ok(text.includes(`:${gone} - [0:0]\n`) && text.includes(`-X ${gone}\nCOMMIT`));
    assert.ok(!text.includes('DOCKER') && !text.includes(':PREROUTING') && !text.includes(':INPUT'));
    assert.ok(!text.includes('PIKUBE-POD-FORWARD'), 'a PIKUBE- chain of another pikube part is not the proxy\'s to delete');
  });
});
