import assert from 'node:assert/strict';
import { checkLanCidrs, connectedLanRoutes } from '../../../host/lan-cidr-check';
import { formatCidr } from '../../../agent/network/ipv4-cidr';
import { fakeHostTree, type FakeHostTree } from '../../support/fake-host-tree';

const HEADER = 'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n';
/** A Pi on 192.168.1.0/24 (default via .1), Docker's bridge, pikube's pod bridge, and a route to a peer's pod CIDR. */
const HOME_LAN = `${HEADER}eth0\t00000000\t0101A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0
eth0\t0001A8C0\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0
docker0\t000011AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0
pikube0\t00012A0A\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0
eth0\t00022A0A\t0C01A8C0\t0003\t0\t0\t0\t00FFFFFF\t0\t0\t0
`;
/** A home network that happens to use 10.42.0.0/16 on wlan0. */
const CLASHING_LAN = `${HEADER}wlan0\t00002A0A\t00000000\t0001\t0\t0\t600\t0000FFFF\t0\t0\t0\n`;

describe('pod and service CIDRs against the LAN', () => {
  let tree: FakeHostTree;
  beforeEach(() => { tree = fakeHostTree(); });
  afterEach(() => tree.remove());

  it('reads only the directly connected routes of LAN interfaces from /proc/net/route', () => {
    assert.deepEqual(connectedLanRoutes(HOME_LAN).map((r) => `${formatCidr(r.cidr)} ${r.iface}`), ['192.168.1.0/24 eth0']);
  });

  it('passes the default ranges on a 192.168.1.0/24 home LAN', () => {
    tree.write({ '/proc/net/route': HOME_LAN });
    const r = checkLanCidrs(tree.files, { clusterCIDR: '10.42.0.0/16', serviceCIDR: '10.43.0.0/16' });
    assert.equal(r.status, 'pass');
    assert.match(r.message, /192\.168\.1\.0\/24 on eth0/);
  });

  it('fails when the LAN uses the cluster CIDR, naming the flag, the route and the interface', () => {
    tree.write({ '/proc/net/route': CLASHING_LAN });
    const r = checkLanCidrs(tree.files, { clusterCIDR: '10.42.0.0/16', serviceCIDR: '10.43.0.0/16' });
    assert.equal(r.status, 'fail');
    assert.match(r.message, /--cluster-cidr 10\.42\.0\.0\/16 overlaps 10\.42\.0\.0\/16 on wlan0/);
    assert.doesNotMatch(r.message, /--service-cidr/);
  });

  it('fails when a wide LAN (10.0.0.0/8) covers the service CIDR', () => {
    tree.write({ '/proc/net/route': `${HEADER}eth0\t0000000A\t00000000\t0001\t0\t0\t0\t000000FF\t0\t0\t0\n` });
    const r = checkLanCidrs(tree.files, { clusterCIDR: '10.42.0.0/16', serviceCIDR: '10.43.0.0/16' });
    assert.match(r.message, /--cluster-cidr .* overlaps 10\.0\.0\.0\/8 on eth0; --service-cidr 10\.43\.0\.0\/16 overlaps 10\.0\.0\.0\/8 on eth0/);
  });
});
