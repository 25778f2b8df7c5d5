import assert from 'node:assert/strict';
import { overlappingHostRoutes } from '../../../../agent/network/host-route-overlap';
import { parseCidr } from '../../../../agent/network/ipv4-cidr';
import { ROUTE_PROTOCOL } from '../../../../agent/network/node-routes';

const CLUSTER = parseCidr('10.42.0.0/16')!;

describe('host routes overlapping the cluster CIDR', () => {
  it('finds a LAN or Docker bridge inside the cluster CIDR', () => {
    const out = 'default via 192.168.1.1 dev eth0\n10.42.1.0/24 dev docker0 proto kernel scope link src 10.42.1.1\n10.0.0.0/8 via 192.168.1.1 dev tun0\n';
    assert.deepEqual(overlappingHostRoutes(out, CLUSTER), ['10.42.1.0/24 dev docker0 proto kernel scope link src 10.42.1.1', '10.0.0.0/8 via 192.168.1.1 dev tun0']);
  });

  it('ignores the default route, other networks, our routes and our bridge', () => {
    const out = [
      'default via 192.168.1.1 dev eth0',
      '172.29.1.0/24 dev docker0 proto kernel scope link src 172.29.1.1 linkdown',
      `10.42.2.0/24 via 192.168.1.12 dev eth0 proto ${ROUTE_PROTOCOL}`,
      '10.42.1.0/24 dev pikube0 proto kernel scope link src 10.42.1.1',
      '10.43.0.0/16 dev eth1',
    ].join('\n');
    assert.deepEqual(overlappingHostRoutes(out, CLUSTER), []);
  });
});
