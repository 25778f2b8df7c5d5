import assert from 'node:assert/strict';
import type { Pod } from '../../../api/core-v1';
import type { EndpointSlice, Service } from '../../../api/service-v1';
import { BACKENDS } from '../../../agent/network/iptables-backend';
import { FeedBatch } from '../../../agent/feed/feed-batch';
import { ENDPOINT_SLICES, SERVICES } from '../../../agent/feed/feed-kinds';
import { ServiceNetworking } from '../../../agent/service-networking';
import { FakeCommandRunner } from './network/fake-command-runner';
import { until } from '../../../scripts/cluster/wait-until';

const web: Service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { clusterIP: '10.43.0.10', ports: [{ port: 80 }] } };
const slice: EndpointSlice = {
  apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', addressType: 'IPv4',
  metadata: { name: 'web-1', namespace: 'default', labels: { 'kubernetes.io/service-name': 'web' } },
  endpoints: [{ addresses: ['10.42.1.5'], conditions: { ready: true } }], ports: [{ port: 8080, protocol: 'TCP', name: '' }],
};

const fullSet = FeedBatch.empty()
  .with(SERVICES, { full: true, objects: [web], removed: [] })
  .with(ENDPOINT_SLICES, { full: true, objects: [slice], removed: [] });

describe('service networking of a node (fake iptables)', () => {
  let fake: FakeCommandRunner;
  let net: ServiceNetworking;
  const logs: string[] = [];
  beforeEach(() => {
    fake = new FakeCommandRunner();
    logs.length = 0;
    net = new ServiceNetworking({ nodeName: 'pi1', clusterCIDR: '10.42.0.0/16', clusterDomain: 'cluster.local', upstreams: [], run: fake.run, driftCheckMs: 60_000, minSyncIntervalMs: 10, log: (m) => logs.push(m) });
  });
  afterEach(() => net.dispose());

  it('turns route_localnet on only after the rules with the localnet firewall are restored', async () => {
    net.startProxy(BACKENDS.legacy);
    net.onServices(fullSet);
    net.hostPorts.seed([]);
    await until(() => fake.calls.some((c) => c.cmd === 'sysctl'), { timeoutMs: 2000 });
    const restoreAt = fake.calls.findIndex((c) => c.cmd.endsWith('-restore'));
    const sysctlAt = fake.calls.findIndex((c) => c.cmd === 'sysctl');
    assert.ok(restoreAt >= 0 && restoreAt < sysctlAt, 'restore before sysctl');
    assert.match(fake.restores()[0], /PIKUBE-FIREWALL .* -d 127\.0\.0\.0\/8 .* -j DROP/);
    assert.deepEqual(fake.calls[sysctlAt].args, ['-w', 'net.ipv4.conf.all.route_localnet=1']);
  });

  it('programs nothing and enables nothing before the proxy starts', async () => {
    net.onServices(fullSet);
    await new Promise((r) => setTimeout(r, 30));
    assert.deepEqual(fake.calls, []);
  });

  it('restores nothing until the pods are known too, then keeps a restarted agent\'s host ports in its first restore', async () => {
    net.startProxy(BACKENDS.legacy);
    net.onServices(fullSet);
    await new Promise((r) => setTimeout(r, 30));
    assert.deepEqual(fake.restores(), [], 'rendered before the pods were known');
    const pod: Pod = {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'hp', namespace: 'default', uid: 'u1' },
      spec: { containers: [{ name: 'c', image: 'x', ports: [{ containerPort: 80, hostPort: 8080, protocol: 'TCP' }] }] }, status: { podIP: '10.42.1.7' },
    };
    net.hostPorts.seed([pod]);
    await until(() => fake.restores().length === 1, { timeoutMs: 2000 });
    assert.match(fake.restores()[0], /-A PIKUBE-HP-\w+ .* -j DNAT --to-destination 10\.42\.1\.7:80/);
    assert.match(fake.restores()[0], /default\/web/);
  });

  it('retries a failed restore without waiting for another change', async () => {
    let failures = 1;
    const run = fake.run;
    const flaky: typeof run = async (cmd, args, input) => (cmd.endsWith('-restore') && failures-- > 0 ? { stdout: '', stderr: 'xtables lock', code: 4 } : run(cmd, args, input));
    void net.dispose();
    net = new ServiceNetworking({ nodeName: 'pi1', clusterCIDR: '10.42.0.0/16', clusterDomain: 'cluster.local', upstreams: [], run: flaky, driftCheckMs: 60_000, minSyncIntervalMs: 10, log: (m) => logs.push(m) });
    net.startProxy(BACKENDS.legacy);
    net.onServices(fullSet);
    net.hostPorts.seed([]);
    await until(() => fake.restores().length === 1, { timeoutMs: 3000 });
    assert.ok(logs.some((l) => /applying the service rules failed: .*xtables lock; retrying/.test(l)), logs.join('\n'));
  });
});
