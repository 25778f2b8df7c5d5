/**
 * `--sandbox-network veth` against a real dockerd in a network namespace of the test's own:
 * the pod network (Docker's `pikube` bridge network, the agent's rules) is set up in that
 * namespace, pods' pause containers run with Docker's `none` network and the agent gives them
 * a veth on the bridge. The pods get distinct addresses of the node's pod CIDR, answer from
 * the node, see their own hostname line in /etc/hosts, and keep their address when a new
 * manager re-adopts them; a sandbox an agent started but never attached is replaced; a node
 * switched to `--sandbox-network docker` with such pods running never hands their addresses
 * out again.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import type { Node, Pod, PodStatus } from '../../../../api/core-v1';
import { localCommandRunner, prefixedRunner } from '../../../../agent/network/command-runner';
import { dockerBridgeNetworks, POD_NETWORK_NAME } from '../../../../agent/network/pod-bridge';
import { sandboxSpec } from '../../../../agent/pods/container-spec';
import { podFilter } from '../../../../agent/pods/docker-labels';
import { DEFAULT_PAUSE_IMAGE } from '../../../../agent/pods/pod-manager';
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

  function newManager(reporter: PodReporter, on: PodNetwork | undefined = network): PodManager {
    const m = new PodManager({ runtime: new DockerRuntime(fixture().docker), reporter, nodeName: 'pi1', hostIP: '192.168.77.11', cgroupRoot: fixture().cgroupRoot, network: on, resyncIntervalMs: 500, log: (l) => logs.push(l) });
    managers.push(m);
    return m;
  }

  const runningIP = (reporter: LastStatus, name: string): Promise<string> => until(() => {
    const s = reporter.last.get(name);
    return s?.phase === 'Running' && s.containerStatuses?.every((c) => c.ready) && s.podIP;
  }, { timeoutMs: 30_000, intervalMs: 100, describe: () => `${name} Running with an IP; statuses ${JSON.stringify([...reporter.last])}; logs ${logs.join(' | ')}` });

  const answersFromNode = async (ip: string): Promise<string> => (await until(async () => {
    const r = await inNetns(fixture().netns, 'wget', ['-q', '-O', '-', '-T', '3', `http://${ip}:8080/index.html`], { allowFailure: true });
    return r.code === 0 && r.stdout;
  }, { timeoutMs: 15_000, describe: () => `http://${ip}:8080 from the node` })).trim();

  /** The /etc/hosts an app container of the pod sees (Docker bind-mounts this file). */
  async function hostsFileOf(podUid: string, container: string): Promise<string> {
    const [c] = await fixture().docker.listContainers({ filters: { label: [...podFilter(podUid), `io.kubernetes.container.name=${container}`] } });
    assert.ok(c, `a running container ${container} of pod ${podUid}`);
    return readFile((await fixture().docker.getContainer(c.Id).inspect()).HostsPath, 'utf8');
  }

  const serving = (name: string): Pod => aPod(name).withContainer({ name: 'web', command: ['sh', '-c', SERVE] }).build();

  it('gives each pod its own address on the bridge, reachable from the node, and keeps it across a re-adoption', async () => {
    const reporter = new LastStatus();
    const pods = ['one', 'two'].map((name) => aPod(name).withContainer({ name: 'web', command: ['sh', '-c', SERVE] }).build());
    newManager(reporter).setDesired(pods);
    const ips = await Promise.all(pods.map((p) => runningIP(reporter, p.metadata.name ?? '')));
    assert.notEqual(ips[0], ips[1]);
    for (const ip of ips) assert.ok(ip.startsWith('10.99.7.') && ip !== '10.99.7.1', `pod IP ${ip} in ${POD_CIDR}`);
    for (const ip of ips) assert.equal(await answersFromNode(ip), 'hello');
    const hosts = await hostsFileOf(pods[0].metadata.uid ?? '', 'web');
    assert.match(hosts, new RegExp(`^${ips[0].replace(/\./g, '\\.')}\\s+one$`, 'm'), `the pod's own line in /etc/hosts:\n${hosts}`);
    assert.match(hosts, /^127\.0\.0\.1\s+localhost/m);
    assert.ok(((await dockerBridgeNetworks(fixture().docker).inspect(POD_NETWORK_NAME))?.containerCount ?? 0) >= 2, 'the agent-attached sandboxes count as users of the bridge (a pod CIDR change does not recreate it under them)');
    await Promise.all(managers.splice(0).map((m) => m.dispose()));
    const again = new LastStatus();
    newManager(again).setDesired(pods);
    assert.deepEqual(await Promise.all(pods.map((p) => runningIP(again, p.metadata.name ?? ''))), ips);
  });

  it('replaces a sandbox that an agent started but stopped before attaching', async () => {
    const pod = serving('half');
    const runtime = new DockerRuntime(fixture().docker);
    const signal = new AbortController().signal;
    const spec = sandboxSpec(pod, { pauseImage: DEFAULT_PAUSE_IMAGE, cgroupParent: fixture().cgroupRoot, attempt: 0, gracePeriodSeconds: 1, networkName: 'none', podIP: '10.99.7.250' });
    const stale = await runtime.createContainer(spec, signal);
    await runtime.startContainer(stale, signal);
    const reporter = new LastStatus();
    newManager(reporter).setDesired([pod]);
    const ip = await runningIP(reporter, 'half');
    assert.equal(await answersFromNode(ip), 'hello');
    const sandboxes = await fixture().docker.listContainers({ all: true, filters: { label: [...podFilter(pod.metadata.uid ?? ''), 'io.kubernetes.container.name=POD'] } });
    assert.ok(!sandboxes.some((c) => c.Id === stale && c.State === 'running'), `the unattached sandbox ${stale} no longer runs: ${JSON.stringify(sandboxes.map((c) => [c.Id, c.State]))}`);
  });

  it('switched to --sandbox-network docker with veth pods running, never gives their addresses to new pods', async () => {
    const reporter = new LastStatus();
    const first = ['a', 'b', 'c'].map(serving);
    newManager(reporter).setDesired(first);
    const held = await Promise.all(first.map((p) => runningIP(reporter, p.metadata.name ?? '')));
    await Promise.all(managers.splice(0).map((m) => m.dispose()));
    const run = prefixedRunner(localCommandRunner, ['nsenter', `--net=${netnsPath(fixture().netns)}`]);
    const docker = new PodNetwork({ nodeName: 'pi1', clusterCIDR: '10.99.0.0/16', run, networks: dockerBridgeNetworks(fixture().docker), log: (l) => logs.push(l) });
    try {
      docker.onWelcome({ metadata: { name: 'pi1' }, spec: { podCIDR: POD_CIDR } } as Node);
      await docker.settled();
      assert.equal(docker.networkName(), POD_NETWORK_NAME);
      const later = ['d', 'e', 'f'].map(serving);
      const after = new LastStatus();
      newManager(after, docker).setDesired([...first, ...later]);
      const fresh = await Promise.all(later.map((p) => runningIP(after, p.metadata.name ?? '')));
      for (const ip of fresh) assert.ok(!held.includes(ip), `docker-mode pod got ${ip}, held by a veth pod (${held.join(', ')})`);
      for (const ip of [...held, ...fresh]) assert.equal(await answersFromNode(ip), 'hello');
    } finally {
      docker.dispose();
    }
  });
});
