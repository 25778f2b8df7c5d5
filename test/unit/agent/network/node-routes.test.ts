import assert from 'node:assert/strict';
import { desiredRoutes, diffRoutes, NodeRoutes, parseRoutes, ROUTE_PROTOCOL } from '../../../../agent/network/node-routes';
import { FakeHostNetwork } from './fake-host-network';

const PEERS = [
  { name: 'pi1', podCIDR: '10.42.1.0/24', internalIP: '192.168.1.11' },
  { name: 'pi2', podCIDR: '10.42.2.0/24', internalIP: '192.168.1.12' },
  { name: 'pi3', podCIDR: '10.42.3.0/24', internalIP: '192.168.1.13' },
];

describe('node routes', () => {
  it("routes every other node's pod CIDR via its address, not its own", () => {
    const { routes, problems } = desiredRoutes('pi1', PEERS);
    assert.deepEqual(routes, [{ destination: '10.42.2.0/24', via: '192.168.1.12' }, { destination: '10.42.3.0/24', via: '192.168.1.13' }]);
    assert.deepEqual(problems, []);
  });

  it('reports a peer whose CIDR or address is not IPv4 instead of routing it', () => {
    const { routes, problems } = desiredRoutes('pi1', [{ name: 'x', podCIDR: '10.42.9.0/24; rm', internalIP: '1.2.3.4' }, { name: 'y', podCIDR: '10.42.8.0/24', internalIP: 'fe80::1' }]);
    assert.deepEqual(routes, []);
    assert.equal(problems.length, 2);
  });

  it('diffs: adds new, replaces moved, removes departed, keeps unchanged', () => {
    const current = [{ destination: '10.42.2.0/24', via: '192.168.1.12' }, { destination: '10.42.3.0/24', via: '192.168.1.99' }, { destination: '10.42.4.0/24', via: '192.168.1.14' }];
    const desired = [{ destination: '10.42.2.0/24', via: '192.168.1.12' }, { destination: '10.42.3.0/24', via: '192.168.1.13' }, { destination: '10.42.5.0/24', via: '192.168.1.15' }];
    assert.deepEqual(diffRoutes(current, desired), {
      replace: [{ destination: '10.42.3.0/24', via: '192.168.1.13' }, { destination: '10.42.5.0/24', via: '192.168.1.15' }],
      remove: ['10.42.4.0/24'],
    });
    assert.deepEqual(diffRoutes(desired, desired), { replace: [], remove: [] });
  });

  it("parses ip's one-line route output", () => {
    const out = `10.42.2.0/24 via 192.168.1.12 dev eth0 proto ${ROUTE_PROTOCOL} \n10.42.3.0/24 via 192.168.1.13 dev eth0 proto ${ROUTE_PROTOCOL}\n`;
    assert.deepEqual(parseRoutes(out), [{ destination: '10.42.2.0/24', via: '192.168.1.12' }, { destination: '10.42.3.0/24', via: '192.168.1.13' }]);
  });

  it('programs and removes only routes carrying our protocol number', async () => {
    const host = new FakeHostNetwork();
    host.routes.push('10.99.0.0/16 via 192.168.1.1 dev eth0 proto static');
    const routes = new NodeRoutes(host.run);
    await routes.sync(desiredRoutes('pi1', PEERS).routes);
    assert.deepEqual(host.commands('ip').filter((c) => c.includes('replace')), [
      `-4 route replace 10.42.2.0/24 via 192.168.1.12 proto ${ROUTE_PROTOCOL}`,
      `-4 route replace 10.42.3.0/24 via 192.168.1.13 proto ${ROUTE_PROTOCOL}`,
    ]);
    const diff = await routes.sync(desiredRoutes('pi1', PEERS.slice(0, 2)).routes);
    assert.deepEqual(diff, { replace: [], remove: ['10.42.3.0/24'] });
    assert.ok(host.routes.includes('10.99.0.0/16 via 192.168.1.1 dev eth0 proto static'));
    assert.deepEqual(await routes.current(), [{ destination: '10.42.2.0/24', via: '192.168.1.12' }]);
  });
});
