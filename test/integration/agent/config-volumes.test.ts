/**
 * ConfigMaps and Secrets on a real dockerd, delivered as the object feed delivers them
 * (ConfigObjects, the agent's consumer): a pod waiting for its ConfigMap and Secret starts
 * as soon as they arrive (woken, with the periodic resync a minute away), its env and files
 * come from them, an edit of the ConfigMap reaches the running container's file in place, the
 * secret volume is a tmpfs in this (the agent's) mount namespace, unmounted with the pod.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ConfigMap, Secret } from '../../../api/config-v1';
import type { Pod, PodStatus } from '../../../api/core-v1';
import { ConfigObjects } from '../../../agent/config-objects';
import { FeedBatch } from '../../../agent/feed/feed-batch';
import { CONFIG_MAPS, SECRETS } from '../../../agent/feed/feed-kinds';
import { PodManager } from '../../../agent/pods/pod-manager';
import type { PodReporter } from '../../../agent/pods/pod-sink';
import { DockerRuntime } from '../../../agent/runtime/docker-runtime';
import { until } from '../../../scripts/cluster/wait-until';
import { aPod } from '../../unit/agent/pods/pod-builder';
import { startNodeDocker, removeAllContainers, type NodeDockerFixture } from './node-docker-fixture';

class Statuses implements PodReporter {
  readonly last = new Map<string, PodStatus>();
  reportStatus(pod: Pod, status: PodStatus): void {
    this.last.set(pod.metadata.name ?? '', structuredClone(status));
  }
  reportTerminated(): void {
    // not this suite's concern
  }
  reportEvent(): void {
    // not this suite's concern
  }
}

const b64 = (s: string): string => Buffer.from(s).toString('base64');

function mountedAt(dir: string): string | undefined {
  const line = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').find((l) => l.split(' ')[4] === dir);
  return line?.split(' - ')[1]?.split(' ')[0];
}

describe('ConfigMaps and Secrets on a real dockerd', function () {
  this.timeout(60_000);
  let node: NodeDockerFixture | undefined;
  let stateDir: string;
  let manager: PodManager | undefined;
  const statuses = new Statuses();
  const logs: string[] = [];

  before(async function () {
    this.timeout(120_000);
    node = await startNodeDocker();
    stateDir = mkdtempSync(path.join(os.tmpdir(), 'pkit-config-'));
  });

  after(async function () {
    this.timeout(60_000);
    await manager?.dispose();
    if (node) await removeAllContainers(node.docker);
    await node?.stop();
    if (stateDir && !readFileSync('/proc/self/mountinfo', 'utf8').includes(stateDir)) rmSync(stateDir, { recursive: true, force: true });
  });

  it('starts a pod once its ConfigMap and Secret arrive, updates its file live, keeps the secret on tmpfs and removes it with the pod', async () => {
    const fixture = node as NodeDockerFixture;
    const config = new ConfigObjects((change) => manager?.configChanged(change));
    const runtime = new DockerRuntime(fixture.docker, { pullTimeoutMs: 10_000 });
    manager = new PodManager({
      runtime, reporter: statuses, nodeName: 'pi1', hostIP: '192.168.77.11', cgroupRoot: fixture.cgroupRoot, stateDir,
      config, nodeAllocatable: () => ({ cpu: '2', memory: '1Gi' }), resyncIntervalMs: 60_000, log: (l) => logs.push(l),
    });
    const pod = aPod('redis').withContainer({
      name: 'redis', command: ['sh', '-c', 'trap "exit 0" TERM; while true; do sleep 0.2; done'],
      env: [{ name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } }],
      volumeMounts: [{ name: 'config', mountPath: '/redis-master' }, { name: 'tls', mountPath: '/tls' }],
    }).build();
    pod.spec.volumes = [{ name: 'config', configMap: { name: 'redis-config', items: [{ key: 'redis-config', path: 'redis.conf' }] } }, { name: 'tls', secret: { secretName: 'db' } }];
    const ns = pod.metadata.namespace ?? 'default';
    manager.setDesired([pod]);
    const waitFor = <T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>) =>
      until(probe, { timeoutMs: 20_000, intervalMs: 50, describe: () => `${what}: ${JSON.stringify(statuses.last.get('redis'))}; ${logs.slice(-5).join(' | ')}` });
    await waitFor('waiting for its volumes', () => statuses.last.get('redis')?.containerStatuses?.[0]?.state?.waiting?.reason === 'ContainerCreating');

    const cm = (text: string, rv: string): ConfigMap => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'redis-config', namespace: ns, uid: 'cm-1', resourceVersion: rv }, data: { 'redis-config': text } });
    const secret: Secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: ns, uid: 's-1', resourceVersion: '1' }, data: { password: b64('s3cret'), 'tls.key': b64('KEY') } };
    const delivered = Date.now();
    config.apply(FeedBatch.empty().with(CONFIG_MAPS, { full: true, objects: [cm('maxmemory 2mb\n', '1')], removed: [] }).with(SECRETS, { full: true, objects: [secret], removed: [] }));
    const id = await waitFor('running', () => {
      const c = statuses.last.get('redis')?.containerStatuses?.[0];
      return c?.state?.running ? (c.containerID ?? '').replace('docker://', '') : undefined;
    });
    const startMs = Date.now() - delivered;
    const sh = async (command: string): Promise<string> => (await runtime.exec(id, ['sh', '-c', command], { timeoutMs: 5_000, signal: AbortSignal.timeout(10_000) })).output;
    assert.equal(await sh('cat /redis-master/redis.conf'), 'maxmemory 2mb\n');
    assert.equal(await sh('echo $PASSWORD; cat /tls/tls.key'), 's3cret\nKEY');

    const edited = Date.now();
    config.apply(FeedBatch.empty().with(CONFIG_MAPS, { full: false, objects: [cm('maxmemory 4mb\n', '2')], removed: [] }));
    await waitFor('edit seen in the container', async () => (await sh('cat /redis-master/redis.conf')) === 'maxmemory 4mb\n');
    console.log(`      delivered → container running ${startMs} ms; ConfigMap edit → seen in the container ${Date.now() - edited} ms`);

    const secretDir = path.join(stateDir, 'pods', pod.metadata.uid ?? '', 'volumes', 'kubernetes.io~secret', 'tls');
    assert.equal(mountedAt(secretDir), 'tmpfs');
    manager.setDesired([]);
    await waitFor('secret unmounted and removed', () => mountedAt(secretDir) === undefined && !existsSync(path.join(stateDir, 'pods', pod.metadata.uid ?? '')));
  });
});
