/**
 * Image pull secrets on a real dockerd, against a registry with basic auth served inside the
 * node's own network namespace (test/support/test-registry.ts: the image is the node's busybox,
 * republished): a pod naming a `kubernetes.io/dockerconfigjson` secret for that registry pulls
 * and runs; without one, or with a wrong password, the pull fails with ErrImagePull, then
 * ImagePullBackOff, and the kubelet's events; a secret that is not on the node is warned about.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Secret } from '../../../api/config-v1';
import type { Pod } from '../../../api/core-v1';
import { ConfigObjects } from '../../../agent/config-objects';
import { FeedBatch } from '../../../agent/feed/feed-batch';
import { SECRETS } from '../../../agent/feed/feed-kinds';
import { PodManager } from '../../../agent/pods/pod-manager';
import { DockerRuntime } from '../../../agent/runtime/docker-runtime';
import { until } from '../../../scripts/cluster/wait-until';
import { RecordingPodReporter } from '../../support/recording-pod-reporter';
import { startTestRegistry, type TestRegistry } from '../../support/test-registry';
import { aPod } from '../../unit/agent/pods/pod-builder';
import { startNodeDocker, removeAllContainers, type NodeDockerFixture } from './node-docker-fixture';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

/** What `kubectl create secret docker-registry NAME --docker-server=… --docker-username=… --docker-password=…` stores. */
function registrySecret(name: string, server: string, user: string, password: string): Secret {
  const auths = { [server]: { username: user, password, auth: b64(`${user}:${password}`) } };
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: 'default', uid: `uid-${name}`, resourceVersion: '1' }, type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': b64(JSON.stringify({ auths })) } };
}

describe('image pull secrets on a real dockerd and a registry with basic auth', function () {
  this.timeout(90_000);
  let node: NodeDockerFixture | undefined;
  let registry: TestRegistry | undefined;
  let stateDir: string;
  let manager: PodManager | undefined;
  const reports = new RecordingPodReporter();

  before(async function () {
    this.timeout(120_000);
    node = await startNodeDocker();
    registry = await startTestRegistry({ netns: node.netns, source: node.docker, sourceImage: 'pikube/busybox:latest', repository: 'team/app', tag: '1.0', user: 'pi', password: 'raspberry' });
    stateDir = mkdtempSync(path.join(os.tmpdir(), 'pkit-pull-'));
  });

  after(async function () {
    this.timeout(60_000);
    await manager?.dispose();
    if (node) await removeAllContainers(node.docker);
    await registry?.stop();
    await node?.stop();
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  });

  it('pulls with the right secret and fails with ErrImagePull / ImagePullBackOff without it or with a wrong one', async () => {
    const fixture = node as NodeDockerFixture;
    const reg = registry as TestRegistry;
    const config = new ConfigObjects((change) => manager?.configChanged(change));
    manager = new PodManager({
      runtime: new DockerRuntime(fixture.docker, { pullTimeoutMs: 20_000 }), reporter: reports, nodeName: 'pi1', hostIP: '192.168.77.11',
      cgroupRoot: fixture.cgroupRoot, stateDir, config, nodeAllocatable: () => ({ cpu: '2', memory: '1Gi' }), resyncIntervalMs: 60_000, log: () => undefined,
    });
    config.apply(FeedBatch.empty().with(SECRETS, { full: true, objects: [registrySecret('regcred', reg.host, 'pi', 'raspberry'), registrySecret('wrong', reg.host, 'pi', 'banana')], removed: [] }));
    const podWith = (name: string, secrets: string[]): Pod => {
      const pod = aPod(name).withContainer({ name: 'app', image: reg.image, imagePullPolicy: 'Always', command: ['sh', '-c', 'trap "exit 0" TERM; while true; do sleep 0.2; done'] }).build();
      if (secrets.length > 0) pod.spec.imagePullSecrets = secrets.map((s) => ({ name: s }));
      return pod;
    };
    manager.setDesired([podWith('without', []), podWith('wrong', ['wrong']), podWith('missing', ['nope'])]);
    const waiting = (name: string) => reports.last.get(name)?.containerStatuses?.[0]?.state?.waiting;
    const waitFor = <T>(what: string, probe: () => T | undefined | false) =>
      until(probe, { timeoutMs: 30_000, intervalMs: 100, describe: () => `${what}: ${JSON.stringify([...reports.last.entries()])}; ${JSON.stringify(reports.events.slice(-6))}` });

    await waitFor('all three fail to pull', () => ['without', 'wrong', 'missing'].every((n) => ['ErrImagePull', 'ImagePullBackOff'].includes(waiting(n)?.reason ?? '')));
    await waitFor('back-off after the failure', () => waiting('without')?.reason === 'ImagePullBackOff');
    assert.match(waiting('without')?.message ?? '', new RegExp(`^Back-off pulling image "${reg.image}": ErrImagePull: .*no basic auth credentials$`));
    const failed = reports.eventsOf('without').find((e) => e.startsWith('Warning Failed Failed to pull image'));
    assert.match(failed ?? '', new RegExp(`^Warning Failed Failed to pull image "${reg.image}": .*no basic auth credentials`));
    assert.ok(reports.eventsOf('without').includes('Warning Failed Error: ErrImagePull'));
    assert.ok(reports.eventsOf('without').includes(`Normal BackOff Back-off pulling image "${reg.image}"`));
    assert.ok(reports.eventsOf('without').includes('Warning Failed Error: ImagePullBackOff'));
    assert.match(reports.eventsOf('wrong').find((e) => e.includes('Failed to pull image')) ?? '', /unauthorized|authentication required/);
    console.log(`      without a secret: ${failed}\n      wrong password: ${reports.eventsOf('wrong').find((e) => e.includes('Failed to pull image'))}`);
    assert.ok(reports.eventsOf('missing').includes('Warning FailedToRetrieveImagePullSecret Unable to retrieve some image pull secrets (nope); attempting to pull the image may not succeed.'));

    manager.setDesired([podWith('with', ['wrong', 'regcred'])]);
    await waitFor('running with the right secret', () => reports.last.get('with')?.containerStatuses?.[0]?.state?.running);
    const pulled = await fixture.docker.getImage(reg.image).inspect();
    assert.ok(pulled.RepoDigests.some((d) => d.startsWith(`${reg.host}/team/app@sha256:`)), JSON.stringify(pulled.RepoDigests));
    assert.ok(reports.eventsOf('with').some((e) => e.startsWith(`Normal Pulled Successfully pulled image "${reg.image}"`)));
  });
});
