import assert from 'node:assert/strict';
import type { Node } from '../../../../api/core-v1';
import { BACKENDS } from '../../../../agent/network/iptables-backend';
import { PodNetwork } from '../../../../agent/network/pod-network';
import { FakeBridgeNetworks } from './fake-bridge-networks';
import { FakeHostNetwork } from './fake-host-network';

const node = (podCIDR?: string): Node => ({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'pi1' }, spec: podCIDR ? { podCIDR } : {} });
const PEERS = [
  { name: 'pi1', podCIDR: '10.42.1.0/24', internalIP: '192.168.1.11' },
  { name: 'pi2', podCIDR: '10.42.2.0/24', internalIP: '192.168.1.12' },
];

describe('pod network of a node', () => {
  let host: FakeHostNetwork;
  let docker: FakeBridgeNetworks;
  let net: PodNetwork;
  const messages: string[] = [];
  let readinessChanges: (string | undefined)[];

  beforeEach(() => {
    host = new FakeHostNetwork();
    docker = new FakeBridgeNetworks();
    messages.length = 0;
    readinessChanges = [];
    net = new PodNetwork({
      nodeName: 'pi1', clusterCIDR: '10.42.0.0/16', run: host.run, networks: docker, backend: BACKENDS.legacy, retryMs: 60_000, log: (m) => messages.push(m),
      onReadinessChange: () => readinessChanges.push(net.readinessProblem()),
    });
  });

  afterEach(() => net.dispose());

  it("knows the address of a bridge an earlier run left, before any Welcome, if it lies in the cluster CIDR", async () => {
    assert.equal(await net.existingGateway(), undefined);
    docker.networks.set('pikube', { subnet: '10.42.3.0/24', gateway: '10.42.3.1', containerCount: 2 });
    assert.equal(await net.existingGateway(), '10.42.3.1');
    docker.networks.set('pikube', { subnet: '172.30.0.0/24', gateway: '172.30.0.1', containerCount: 0 });
    assert.equal(await net.existingGateway(), undefined);
  });

  it('is not ready before the Welcome, so pods wait instead of using the default bridge', () => {
    assert.equal(net.networkName(), undefined);
    assert.match(net.notReadyReason(), /pod CIDR/);
  });

  it("sets up the bridge, forwarding and rules from the Welcome's pod CIDR", async () => {
    net.onWelcome(node('10.42.1.0/24'));
    await net.settled();
    assert.equal(net.networkName(), 'pikube');
    assert.deepEqual(docker.log, ['create pikube 10.42.1.0/24 10.42.1.1']);
    assert.equal(host.sysctls.get('net.ipv4.ip_forward'), '1');
    assert.match(host.restores()[0], /-A PIKUBE-POD-POSTROUTING -s 10\.42\.1\.0\/24 ! -d 10\.42\.0\.0\/16 -j MASQUERADE/);
  });

  it('routes the peers once ready, and drops the routes of nodes that left', async () => {
    net.onPeers(PEERS);
    await net.settled();
    assert.deepEqual(host.commands('ip').filter((c) => c.includes('replace')), [], 'no routes before the network is set up');
    net.onWelcome(node('10.42.1.0/24'));
    await net.settled();
    assert.ok(host.routes.some((r) => r.startsWith('10.42.2.0/24 via 192.168.1.12')));
    net.onPeers(PEERS.slice(0, 1));
    await net.settled();
    assert.ok(!host.routes.some((r) => r.startsWith('10.42.2.0/24')));
  });

  it('never routes a peer CIDR outside the cluster CIDR', async () => {
    net.onWelcome(node('10.42.1.0/24'));
    net.onPeers([...PEERS, { name: 'evil', podCIDR: '0.0.0.0/1', internalIP: '192.168.1.66' }]);
    await net.settled();
    assert.ok(!host.routes.some((r) => r.startsWith('0.0.0.0/1')));
  });

  it('waits while the Welcome carries no pod CIDR', async () => {
    net.onWelcome(node());
    await net.settled();
    assert.equal(net.networkName(), undefined);
    assert.deepEqual(docker.log, []);
  });

  it('refuses a pod CIDR outside the cluster CIDR', async () => {
    net.onWelcome(node('10.50.1.0/24'));
    await net.settled();
    assert.equal(net.networkName(), undefined);
    assert.match(net.notReadyReason(), /not inside the cluster CIDR 10\.42\.0\.0\/16/);
  });

  it('routes the service CIDR locally, tells its gateway, and moves the route when the CIDR changes', async () => {
    const ready: string[] = [];
    net.dispose();
    net = new PodNetwork({ nodeName: 'pi1', clusterCIDR: '10.42.0.0/16', run: host.run, networks: docker, backend: BACKENDS.legacy, retryMs: 60_000, onReady: (g) => ready.push(g) });
    net.onWelcome(node('10.42.1.0/24'), '10.43.0.0/16');
    await net.settled();
    assert.deepEqual(host.localRoutes, ['local 10.43.0.0/16 dev lo proto 211']);
    assert.equal(host.sysctls.get('net.ipv4.conf.all.route_localnet'), undefined, "route_localnet is the service proxy's, once its firewall rule is in");
    assert.deepEqual(ready, ['10.42.1.1']);
    assert.equal(net.gateway(), '10.42.1.1');
    net.onWelcome(node('10.42.1.0/24'), '10.96.0.0/12');
    await net.settled();
    assert.deepEqual(host.localRoutes, ['local 10.96.0.0/12 dev lo proto 211']);
    assert.deepEqual(ready, ['10.42.1.1'], 'the bridge did not change: no second onReady');
  });

  it('never touches a local route that is not ours', async () => {
    host.localRoutes.push('local 10.43.0.0/16 dev lo proto kernel');
    net.onWelcome(node('10.42.1.0/24'), '10.44.0.0/16');
    await net.settled();
    assert.deepEqual(host.localRoutes, ['local 10.43.0.0/16 dev lo proto kernel', 'local 10.44.0.0/16 dev lo proto 211']);
  });

  it("refuses a service CIDR that overlaps the host's routes or the cluster CIDR", async () => {
    host.routes.push('10.43.0.0/24 dev tun0 scope link');
    net.onWelcome(node('10.42.1.0/24'), '10.43.0.0/16');
    await net.settled();
    assert.equal(net.networkName(), undefined);
    assert.match(net.notReadyReason(), /the service CIDR 10\.43\.0\.0\/16 overlaps this host's own route\(s\): 10\.43\.0\.0\/24 dev tun0/);
    net.onWelcome(node('10.42.1.0/24'), '10.42.128.0/17');
    await net.settled();
    assert.match(net.notReadyReason(), /the service CIDR 10\.42\.128\.0\/17 overlaps the cluster CIDR 10\.42\.0\.0\/16/);
    assert.deepEqual(host.localRoutes, []);
  });

  it("refuses a cluster CIDR that overlaps the host's own routes, naming them", async () => {
    host.routes.push('10.42.0.0/24 dev wlan0 proto kernel scope link src 10.42.0.5');
    net.onWelcome(node('10.42.1.0/24'));
    await net.settled();
    assert.equal(net.networkName(), undefined);
    assert.match(net.notReadyReason(), /overlaps this host's own route\(s\): 10\.42\.0\.0\/24 dev wlan0/);
    assert.deepEqual(docker.log, []);
  });

  it('checks the bridge and rules again on every Welcome, and follows a new pod CIDR', async () => {
    net.onWelcome(node('10.42.1.0/24'));
    await net.settled();
    docker.networks.delete('pikube');
    net.onWelcome(node('10.42.1.0/24'));
    await net.settled();
    assert.deepEqual(docker.log, ['create pikube 10.42.1.0/24 10.42.1.1', 'create pikube 10.42.1.0/24 10.42.1.1']);
    assert.equal(host.restores().length, 2);
    net.onWelcome(node('10.42.5.0/24'));
    await net.settled();
    assert.equal(net.networkName(), 'pikube');
    assert.deepEqual(docker.log.slice(2), ['remove pikube', 'create pikube 10.42.5.0/24 10.42.5.1']);
  });

  it('retries a failed set-up on the next Welcome', async () => {
    host.failing.add('sysctl');
    net.onWelcome(node('10.42.1.0/24'));
    await net.settled();
    assert.equal(net.networkName(), undefined);
    host.failing.clear();
    net.onWelcome(node('10.42.1.0/24'));
    await net.settled();
    assert.equal(net.networkName(), 'pikube');
  });

  describe('readiness (the node stays not Ready until pods can have a network)', () => {
    it('is not ready before the Welcome names a pod CIDR', async () => {
      assert.match(net.readinessProblem() ?? '', /pod network not ready: waiting for the control plane to assign this node's pod CIDR/);
      net.onWelcome(node());
      await net.settled();
      assert.match(net.readinessProblem() ?? '', /pod CIDR/);
      assert.deepEqual(readinessChanges, []);
    });

    it('is ready only once the bridge and rules are set up and the routes to the other nodes are programmed', async () => {
      net.onWelcome(node('10.42.1.0/24'));
      await net.settled();
      assert.equal(net.networkName(), 'pikube');
      assert.match(net.readinessProblem() ?? '', /routes to the other nodes' pod CIDRs not programmed yet: waiting for the list of nodes/);
      net.onPeers(PEERS);
      await net.settled();
      assert.equal(net.readinessProblem(), undefined);
      assert.equal(readinessChanges.length, 2);
      assert.equal(readinessChanges[1], undefined);
    });

    it('says why the set-up fails while it fails', async () => {
      host.failing.add('sysctl');
      net.onWelcome(node('10.42.1.0/24'));
      net.onPeers(PEERS);
      await net.settled();
      assert.match(net.readinessProblem() ?? '', /^pod network not ready: .*sysctl/);
    });

    it("counts a bridge an earlier run left as ready from the start, until a Welcome names another pod CIDR", async () => {
      docker.networks.set('pikube', { subnet: '10.42.1.0/24', gateway: '10.42.1.1', containerCount: 2 });
      assert.equal(await net.existingGateway(), '10.42.1.1');
      assert.equal(net.readinessProblem(), undefined, 'an agent restart must not make the node not Ready');
      net.onWelcome(node('10.42.1.0/24'));
      await net.settled();
      assert.equal(net.readinessProblem(), undefined, 'nor its Welcome, before the list of nodes comes');
      net.onPeers(PEERS);
      await net.settled();
      assert.equal(net.readinessProblem(), undefined);
      assert.deepEqual(readinessChanges, [undefined]);
    });

    it('is not ready when the Welcome moves the node to another pod CIDR than the bridge it found, until that is set up', async () => {
      docker.networks.set('pikube', { subnet: '10.42.1.0/24', gateway: '10.42.1.1', containerCount: 0 });
      await net.existingGateway();
      host.failing.add('sysctl');
      net.onWelcome(node('10.42.5.0/24'));
      await net.settled();
      assert.match(net.readinessProblem() ?? '', /^pod network not ready/);
      host.failing.clear();
      net.onWelcome(node('10.42.5.0/24'));
      net.onPeers(PEERS);
      await net.settled();
      assert.equal(net.readinessProblem(), undefined);
    });
  });
});
