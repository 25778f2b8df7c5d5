/**
 * Pods' host ports in the rendered rule set: the kubelet hostport manager's shape (a
 * PIKUBE-HOSTPORTS entry per port, a PIKUBE-HP- chain with hairpin and localhost masquerade
 * then the DNAT), the whitelist, and the chains going away with the pod.
 */
import assert from 'node:assert/strict';
import { changedChainsInput, renderRuleSet } from '../../../../agent/network/iptables-rules';
import { hostPortChain } from '../../../../agent/network/chain-names';
import { hostPortKey, hostPortMappings, type HostPortMapping } from '../../../../agent/network/host-port-model';
import { JUMP_RULES } from '../../../../agent/network/jump-rules';
import { aPod } from '../pods/pod-builder';

const OPTIONS = { clusterCIDR: '10.42.0.0/16' };

function aMapping(fields: Partial<HostPortMapping> = {}): HostPortMapping {
  return { pod: 'default/web', podIP: '10.42.1.5', hostPort: 8080, containerPort: 80, protocol: 'TCP', hostIP: '', ...fields };
}

const rulesOf = (text: string, chain: string) => text.split('\n').filter((l) => l.startsWith(`-A ${chain} `));

describe('host port rules', () => {
  it('sends a local destination\'s host port to the pod, masquerading hairpin and localhost clients', () => {
    const m = aMapping();
    const chain = hostPortChain(hostPortKey(m));
    const text = renderRuleSet([], OPTIONS, [m]).text;
    assert.deepEqual(rulesOf(text, 'PIKUBE-HOSTPORTS'), [`-A PIKUBE-HOSTPORTS -m comment --comment "default/web hostport 8080" -m tcp -p tcp --dport 8080 -j ${chain}`]);
    assert.deepEqual(rulesOf(text, chain), [
      `-A ${chain} -m comment --comment "default/web hostport 8080" -s 10.42.1.5 -j PIKUBE-MARK-MASQ`,
      `-A ${chain} -m comment --comment "default/web hostport 8080" -s 127.0.0.0/8 -j PIKUBE-MARK-MASQ`,
      `-A ${chain} -m comment --comment "default/web hostport 8080" -m tcp -p tcp -j DNAT --to-destination 10.42.1.5:80`,
    ]);
  });

  it('restricts the address to hostIP when set, and handles UDP', () => {
    const text = renderRuleSet([], OPTIONS, [aMapping({ protocol: 'UDP', hostIP: '192.168.1.20', hostPort: 5353, containerPort: 53 })]).text;
    assert.match(text, /-A PIKUBE-HOSTPORTS -m comment --comment "default\/web hostport 5353" -m udp -p udp -d 192\.168\.1\.20 --dport 5353 -j PIKUBE-HP-/);
    assert.match(text, /-m udp -p udp -j DNAT --to-destination 10\.42\.1\.5:53/);
  });

  it('orders entries by port whatever the input order, and keeps a chain name per pod, port, protocol and address', () => {
    const a = aMapping({ hostPort: 9090 });
    const b = aMapping({ pod: 'default/other', podIP: '10.42.1.6' });
    const entries = (ms: HostPortMapping[]) => rulesOf(renderRuleSet([], OPTIONS, ms).text, 'PIKUBE-HOSTPORTS');
    assert.deepEqual(entries([a, b]), entries([b, a]));
    assert.match(entries([a, b])[0] ?? '', /--dport 8080 /);
    assert.notEqual(hostPortChain(hostPortKey(a)), hostPortChain(hostPortKey(b)));
    assert.notEqual(hostPortChain(hostPortKey(b)), hostPortChain(hostPortKey({ ...b, protocol: 'UDP' })));
    assert.equal(hostPortChain(hostPortKey(a)), hostPortChain(hostPortKey({ ...a, podIP: '10.42.1.9' })), 'a new sandbox address rewrites the same chain');
  });

  it('leaves out a host port that fails the whitelist, saying why', () => {
    const rs = renderRuleSet([], OPTIONS, [aMapping({ hostIP: '1.2.3.4 -j ACCEPT' }), aMapping({ pod: 'default/x"y' }), aMapping({ protocol: 'SCTP' })]);
    assert.deepEqual(rs.skipped, [
      { servicePort: 'pod default/web hostPort 8080/TCP', reason: 'hostIP "1.2.3.4 -j ACCEPT" is not an IPv4 address' },
      { servicePort: 'pod default/x"y hostPort 8080/TCP', reason: 'pod "default/x\\"y" is not namespace/name' },
      { servicePort: 'pod default/web hostPort 8080/SCTP', reason: 'protocol "SCTP" is not TCP or UDP' },
    ]);
    assert.equal(rs.text, renderRuleSet([], OPTIONS).text);
  });

  it('flushes and deletes the pod\'s chain once the pod is gone', () => {
    const m = aMapping();
    const input = changedChainsInput(renderRuleSet([], OPTIONS), renderRuleSet([], OPTIONS, [m]).chainTexts);
    const chain = hostPortChain(hostPortKey(m));
    assert.match(input, new RegExp(`^:PIKUBE-HOSTPORTS - \\[0:0\\]$`, 'm'));
    assert.match(input, new RegExp(`^:${chain} - \\[0:0\\]$[\\s\\S]*^-X ${chain}$`, 'm'));
    assert.equal(rulesOf(input, 'PIKUBE-HOSTPORTS').length, 0);
  });

  it('is reached from nat PREROUTING and OUTPUT for local destinations only', () => {
    const jumps = JUMP_RULES.filter((j) => j.to === 'PIKUBE-HOSTPORTS');
    assert.deepEqual(jumps.map((j) => `${j.table} ${j.from} ${j.match.join(' ')}`), [
      'nat PREROUTING -m comment --comment pikube hostport portals -m addrtype --dst-type LOCAL',
      'nat OUTPUT -m comment --comment pikube hostport portals -m addrtype --dst-type LOCAL',
    ]);
  });
});

describe('host port mappings of a pod', () => {
  it('maps the containers\' host ports, with TCP by default and 0.0.0.0 as every address', () => {
    const pod = aPod('web').withContainer({ name: 'a', ports: [{ containerPort: 80, hostPort: 8080 }, { containerPort: 81 }] })
      .withContainer({ name: 'b', ports: [{ containerPort: 53, hostPort: 53, protocol: 'UDP', hostIP: '0.0.0.0' }] }).build();
    assert.deepEqual(hostPortMappings(pod, '10.42.1.5'), [
      { pod: 'default/web', podIP: '10.42.1.5', hostPort: 8080, containerPort: 80, protocol: 'TCP', hostIP: '' },
      { pod: 'default/web', podIP: '10.42.1.5', hostPort: 53, containerPort: 53, protocol: 'UDP', hostIP: '' },
    ]);
  });

  it('maps nothing for a hostNetwork pod (its ports are the node\'s already)', () => {
    const pod = aPod('web').withContainer({ name: 'a', ports: [{ containerPort: 8080, hostPort: 8080 }] }).build();
    pod.spec.hostNetwork = true;
    assert.deepEqual(hostPortMappings(pod, '192.168.1.20'), []);
  });
});
