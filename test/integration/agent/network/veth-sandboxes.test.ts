/**
 * `--sandbox-network veth` against a real dockerd in a network namespace of the test's own:
 * the pod network (Docker's `pikube` bridge network, the agent's rules) is set up in that
 * namespace, pods' pause containers run with Docker's `none` network and the agent gives them
 * a veth on the bridge. The pods get distinct addresses of the node's pod CIDR, answer from
 * the node, and keep their address when a new manager re-adopts them.
 */
import assert from 'node:assert/strict';
import type { Node, Pod, PodStatus } from '../../../../api/core-v1';
import { localCommandRunner, prefixedRunner } from '../../../../agent/network/command-runner';
import { dockerBridgeNetworks } from '../../../../agent/network/pod-bridge';
import { PodNetwork } from '../../../../agent/network/pod-network';
import { PodManager } from '../../../../agent/pods/pod-manager';
import type { PodReporter } from '../../../../agent/pods/pod-sink';
import { DockerRuntime } from '../../../../agent/runtime/docker-runtime';
import { inNetns, netnsPath } from '../../../../scripts/cluster/netns';
import { until } from '../../../../scripts/cluster/wait-until';
import { aPod } from '../../../unit/agent/pods/pod-builder';
import { removeAllContainers, startNodeDocker, type NodeDockerFixture } from '../node-docker-fixture';

const POD_CIDR = '10.99.7.0/24';
const SERVE = 'mkdir -p /www && echo hello > /www/index.html && exec httpd -f -p 8080 -h /www';

class LastStatus implements PodReporter {
  readonly last = new Map<string, PodStatus>();
  reportStatus(pod: Pod, status: PodStatus): void {
    this.last.set(pod.metadata.name ?? '', structuredClone(status));
  }
  reportTerminated(): void {}
  reportEvent(): void {}
}

describe('veth sandboxes on a real dockerd', function () {
  this.timeout(90_000);
  let node: NodeDockerFixture | undefined;
  let network: PodNetwork | undefined;
  const managers: PodManager[] = [];
  const logs: string[] = [];
  const fixture = (): NodeDockerFixture => {
    if (!node) throw new Error('node docker fixture not started');
    return node;
  };

  before(async function () {
    this.timeout(120_000);
    node = await startNodeDocker();
    const run = prefixedRunner(localCommandRunner, ['nsenter', `--net=${netnsPath(node.netns)}`]);
    network = new PodNetwork({ nodeName: 'pi1', clusterCIDR: '10.99.0.0/16', run, networks: dockerBridgeNetworks(node.docker), sandboxAttachment: 'veth', log: (l) => logs.push(l) });
    network.onWelcome({ metadata: { name: 'pi1' }, spec: { podCIDR: POD_CIDR } } as Node);
    await network.settled();
    assert.equal(network.networkName(), 'none', `pod network not ready: ${network.notReadyReason()}; ${logs.join(' | ')}`);
  });

  afterEach(async () => {
    await Promise.all(managers.splice(0).map((m) => m.dispose()));
  });

  after(async function () {
    this.timeout(60_000);
    network?.dispose();
    if (node) await removeAllContainers(node.docker);
    await node?.stop();
  });

  function newManager(reporter: PodReporter): PodManager {
    const m = new PodManager({ runtime: new DockerRuntime(fixture().docker), reporter, nodeName: 'pi1', hostIP: '192.168.77.11', cgroupRoot: fixture().cgroupRoot, network, resyncIntervalMs: 500, log: (l) => logs.push(l) });
    managers.push(m);
    return m;
  }

  const runningIP = (reporter: LastStatus, name: string): Promise<string> => until(() => {
    const s = reporter.last.get(name);
    return s?.phase === 'Running' && s.containerStatuses?.every((c) => c.ready) && s.podIP;
  }, { timeoutMs: 30_000, intervalMs: 100, describe: () => `${name} Running with an IP; statuses ${JSON.stringify([...reporter.last])}; logs ${logs.join(' | ')}` });

  it('gives each pod its own address on the bridge, reachable from the node, and keeps it across a re-adoption', async () => {
    const reporter = new LastStatus();
    const pods = ['one', 'two'].map((name) => aPod(name).withContainer({ name: 'web', command: ['sh', '-c', SERVE] }).build());
    newManager(reporter).setDesired(pods);
    const ips = await Promise.all(pods.map((p) => runningIP(reporter, p.metadata.name ?? '')));
    assert.notEqual(ips[0], ips[1]);
    for (const ip of ips) assert.ok(ip.startsWith('10.99.7.') && ip !== '10.99.7.1', `pod IP ${ip} in ${POD_CIDR}`);
    for (const ip of ips) {
      const got = await until(async () => {
        const r = await inNetns(fixture().netns, 'wget', ['-q', '-O', '-', '-T', '3', `http://${ip}:8080/index.html`], { allowFailure: true });
        return r.code === 0 && r.stdout;
      }, { timeoutMs: 15_000, describe: () => `http://${ip}:8080 from the node` });
      assert.equal(got.trim(), 'hello');
    }
    await Promise.all(managers.splice(0).map((m) => m.dispose()));
    const again = new LastStatus();
    newManager(again).setDesired(pods);
    assert.deepEqual(await Promise.all(pods.map((p) => runningIP(again, p.metadata.name ?? ''))), ips);
  });
});
