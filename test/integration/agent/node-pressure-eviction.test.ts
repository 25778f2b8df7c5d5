/**
 * Node-pressure eviction and memory-backed emptyDir sizing on a real dockerd, with the real
 * signals (/proc/meminfo, statfs) and Docker's memory stats. The memory threshold is set just
 * above what this machine has free (`memory.available<free+512Mi`), so the node is under
 * memory pressure without anything being exhausted: MemoryPressure turns True, the BestEffort
 * pod goes first (phase Failed, reason Evicted, the kubelet's message, DisruptionTarget
 * TerminationByKubelet, the Evicted event), not the Burstable pod within its requests (the
 * test lets one eviction happen, then holds the rest). A memory emptyDir without sizeLimit is a tmpfs of the pod's memory limit, and what
 * a container writes there counts against its own memory limit (it is OOM-killed).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Pod } from '../../../api/core-v1';
import { EvictionManager } from '../../../agent/eviction/eviction-manager';
import { DockerPodUsage } from '../../../agent/eviction/docker-pod-usage';
import { parseEvictionHard } from '../../../agent/eviction/eviction-thresholds';
import { memoryFromMeminfo, observeSignals } from '../../../agent/eviction/node-signals';
import { PodManager } from '../../../agent/pods/pod-manager';
import { DockerRuntime } from '../../../agent/runtime/docker-runtime';
import { until } from '../../../scripts/cluster/wait-until';
import { aPod } from '../../unit/agent/pods/pod-builder';
import { RecordingPodReporter } from '../../support/recording-pod-reporter';
import { makeStateDir, removeStateDir, stopPodsAndUnmount } from './pod-state-dir';
import { startNodeDocker, removeAllContainers, type NodeDockerFixture } from './node-docker-fixture';

const LOOP = 'trap "exit 0" TERM; while true; do sleep 0.2; done';
const Mi = 1024 * 1024;

function looping(name: string, resources: NonNullable<Pod['spec']['containers'][number]['resources']> = {}): Pod {
  const pod = aPod(name).withContainer({ name: 'app', command: ['sh', '-c', LOOP], resources }).build();
  pod.spec.terminationGracePeriodSeconds = 30;
  return pod;
}

describe('node-pressure eviction on a real dockerd', function () {
  this.timeout(120_000);
  let node: NodeDockerFixture | undefined;
  let stateDir: string;
  let manager: PodManager | undefined;
  const reports = new RecordingPodReporter();

  before(async function () {
    this.timeout(120_000);
    node = await startNodeDocker();
    stateDir = makeStateDir('pkit-pressure-');
  });

  after(async function () {
    this.timeout(60_000);
    await stopPodsAndUnmount(manager, stateDir);
    if (node) await removeAllContainers(node.docker);
    await node?.stop();
    removeStateDir(stateDir);
  });

  it('sizes a memory emptyDir to the pod limit, charges it to the writer, and evicts BestEffort before Burstable under memory pressure', async () => {
    const fixture = node as NodeDockerFixture;
    const runtime = new DockerRuntime(fixture.docker, { pullTimeoutMs: 10_000 });
    const free = memoryFromMeminfo(readFileSync('/proc/meminfo', 'utf8'));
    if (free instanceof Error) throw free;
    const thresholdMi = Math.ceil(free.availableBytes / Mi) + 512;
    let conditionChanges = 0;
    let podManager: PodManager | undefined;
    /** Eviction runs once both pods of the second step run, and for one pod only. */
    let armed = false;
    const eviction = new EvictionManager({
      thresholds: parseEvictionHard(`memory.available<${thresholdMi}Mi`), transitionPeriodMs: 60_000, clock: { now: () => Date.now() },
      observe: () => observeSignals({ nodefs: stateDir, imagefs: async () => undefined }),
      usage: new DockerPodUsage(fixture.docker, (pod, signal) => podManager?.emptyDirDiskBytes(pod, signal) ?? Promise.resolve(0)),
      onConditionsChange: () => conditionChanges++, log: () => undefined,
    });

    // Memory emptyDir first, with pressure not yet in play: the pod is Burstable with requests and can be evicted only after the others.
    const ram = aPod('ram')
      .withContainer({ name: 'writer', command: ['dd', 'if=/dev/zero', 'of=/data/fill', 'bs=1M', 'count=24'], resources: { requests: { memory: '16Mi' }, limits: { memory: '16Mi' } }, volumeMounts: [{ name: 'v', mountPath: '/data' }] })
      .withContainer({ name: 'idle', command: ['sh', '-c', LOOP], resources: { requests: { memory: '32Mi' }, limits: { memory: '32Mi' } }, volumeMounts: [{ name: 'v', mountPath: '/data' }] })
      .build();
    ram.spec.volumes = [{ name: 'v', emptyDir: { medium: 'Memory' } }];
    manager = podManager = new PodManager({
      runtime, reporter: reports, nodeName: 'pi1', hostIP: '192.168.77.11', cgroupRoot: fixture.cgroupRoot, stateDir,
      nodeAllocatable: () => ({ cpu: '2', memory: '1Gi' }), resyncIntervalMs: 60_000, evictionIntervalMs: 2_000, log: () => undefined,
      nodePressure: { synchronize: (active, signal) => (armed && active.some((p) => p.metadata.name === 'besteffort') ? eviction.synchronize(active, signal) : Promise.resolve(undefined)) },
    });
    const status = (name: string) => reports.last.get(name);
    const waitFor = <T>(what: string, probe: () => T | undefined | false) =>
      until(probe, { timeoutMs: 60_000, intervalMs: 100, describe: () => `${what}: ${JSON.stringify([...reports.last.entries()])}` });

    manager.setDesired([ram]);
    const writer = await waitFor('writer OOM-killed', () => status('ram')?.containerStatuses?.find((c) => c.name === 'writer' && (c.lastState?.terminated ?? c.state?.terminated)));
    assert.equal((writer.lastState?.terminated ?? writer.state?.terminated)?.reason, 'OOMKilled', 'what a container writes to the tmpfs counts against its own 16Mi limit');
    const idleId = status('ram')?.containerStatuses?.find((c) => c.name === 'idle')?.containerID?.replace('docker://', '') ?? '';
    const mounts = await runtime.exec(idleId, ['sh', '-c', 'grep " /data " /proc/mounts'], { timeoutMs: 10_000, signal: AbortSignal.timeout(15_000) });
    assert.match(mounts.output, /tmpfs \/data tmpfs [^ ]*size=49152k/, 'no sizeLimit: the tmpfs is the pod\'s memory limit (16Mi + 32Mi)');

    // Now the pressure: a Burstable pod within its requests, a BestEffort one.
    const besteffort = looping('besteffort');
    const burstable = looping('burstable', { requests: { memory: '256Mi' } });
    manager.setDesired([ram, besteffort, burstable]);
    await waitFor('both running', () => status('besteffort')?.phase === 'Running' && status('burstable')?.phase === 'Running');
    armed = true;
    const evicted = await waitFor('besteffort evicted', () => status('besteffort')?.phase === 'Failed' && status('besteffort'));
    assert.notEqual(status('burstable')?.phase, 'Failed', 'the pod within its requests is not the first one evicted');
    assert.equal(evicted.reason, 'Evicted');
    assert.match(evicted.message ?? '', new RegExp(`^The node was low on resource: memory\\. Threshold quantity: ${thresholdMi}Mi, available: \\d+(Ki|Mi|Gi)?\\. Container app was using \\d+(Ki|Mi)?, request is 0, has larger consumption of memory\\. $`));
    const target = evicted.conditions?.find((c) => c.type === 'DisruptionTarget');
    assert.deepEqual({ status: target?.status, reason: target?.reason, message: target?.message }, { status: 'True', reason: 'TerminationByKubelet', message: evicted.message });
    assert.ok(reports.events.some((e) => e.pod === 'besteffort' && e.event.type === 'Warning' && e.event.reason === 'Evicted' && e.event.message === evicted.message));
    assert.equal(eviction.conditions().find((c) => c.type === 'MemoryPressure')?.status, 'True');
    assert.equal(conditionChanges, 1);
    await waitFor('besteffort stopped', () => status('besteffort')?.containerStatuses?.[0]?.state?.terminated);
    const left = await fixture.docker.listContainers({ filters: { label: [`io.kubernetes.pod.uid=${besteffort.metadata.uid}`] } });
    assert.equal(left.length, 0, 'no container of the evicted pod runs');
  });
});
