import assert from 'node:assert/strict';
import { BACKENDS } from '../../../../agent/network/iptables-backend';
import { isProxyChain } from '../../../../agent/network/chain-names';
import { applyPodNetworkRules, POD_FORWARD_CHAIN, POD_POSTROUTING_CHAIN, renderPodNetworkRules } from '../../../../agent/network/pod-network-rules';
import { FakeHostNetwork } from './fake-host-network';

const CIDRS = { clusterCIDR: '10.42.0.0/16', podCIDR: '10.42.1.0/24' };

describe('pod network rules', () => {
  it('accepts forwarding within the cluster CIDR and masquerades only pod traffic leaving it', () => {
    assert.equal(renderPodNetworkRules(CIDRS), [
      '*filter',
      ':PIKUBE-POD-FORWARD - [0:0]',
      '-A PIKUBE-POD-FORWARD -s 10.42.0.0/16 -j ACCEPT',
      '-A PIKUBE-POD-FORWARD -d 10.42.0.0/16 -j ACCEPT',
      'COMMIT',
      '*nat',
      ':PIKUBE-POD-POSTROUTING - [0:0]',
      '-A PIKUBE-POD-POSTROUTING -s 10.42.1.0/24 ! -d 10.42.0.0/16 -j MASQUERADE',
      'COMMIT',
      '',
    ].join('\n'));
  });

  it("uses chains the service proxy never deletes as stale", () => {
    assert.ok(!isProxyChain(POD_FORWARD_CHAIN));
    assert.ok(!isProxyChain(POD_POSTROUTING_CHAIN));
  });

  it('restores without flushing and inserts each jump only once', async () => {
    const host = new FakeHostNetwork();
    await applyPodNetworkRules(host.run, BACKENDS.nft, CIDRS);
    await applyPodNetworkRules(host.run, BACKENDS.nft, CIDRS);
    assert.deepEqual(host.calls.filter((c) => c.cmd === 'iptables-nft-restore').map((c) => c.args), [['-w', '5', '--noflush'], ['-w', '5', '--noflush']]);
    assert.deepEqual(host.commands('iptables-nft').filter((c) => c.includes('-I')), [
      '-w 5 -t filter -I DOCKER-USER -j PIKUBE-POD-FORWARD',
      '-w 5 -t nat -I POSTROUTING -j PIKUBE-POD-POSTROUTING',
    ]);
  });
});
