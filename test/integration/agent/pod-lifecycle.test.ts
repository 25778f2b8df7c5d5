/**
 * The kubelet's pod lifecycle against a real dockerd in a network namespace: crash loops,
 * run-to-completion, OOM kills, init containers sharing an emptyDir, native sidecars,
 * lifecycle hooks through docker exec, memory-backed emptyDirs, a CrashLoopBackOff that
 * survives an agent restart, and the pod's resolv.conf and service variables as containers
 * see them. Real time only where it is short (the first back-off is 10 s).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Container, Pod, PodStatus } from '../../../api/core-v1';
import type { Service } from '../../../api/service-v1';
import { PodManager, type PodManagerOptions } from '../../../agent/pods/pod-manager';
import type { PodEvent, PodReporter } from '../../../agent/pods/pod-sink';
import { openPodCgroups } from '../../../agent/cgroups/open-pod-cgroups';
import type { PodCgroups } from '../../../agent/cgroups/pod-cgroups';
import { DockerRuntime } from '../../../agent/runtime/docker-runtime';
import { until } from '../../../scripts/cluster/wait-until';
import { aPod } from '../../unit/agent/pods/pod-builder';
import { unmountUnder } from '../../../scripts/cluster/mounts';
import { startNodeDocker, type NodeDockerFixture, removeAllContainers } from './node-docker-fixture';

class RecordingReporter implements PodReporter {
  readonly history = new Map<string, PodStatus[]>();
  readonly events: (PodEvent & { pod: string })[] = [];
  readonly terminated = new Set<string>();

  reportStatus(pod: Pod, status: PodStatus): void {
    const name = pod.metadata.name ?? '';
    this.history.set(name, [...(this.history.get(name) ?? []), structuredClone(status)]);
  }

  reportTerminated(pod: Pod): void {
    this.terminated.add(pod.metadata.name ?? '');
  }

  reportEvent(pod: Pod, event: PodEvent): void {
    this.events.push({ pod: pod.metadata.name ?? '', ...event });
  }

  last(name: string): PodStatus | undefined {
    return this.history.get(name)?.at(-1);
  }

  eventsOf(pod: string): string[] {
    return this.events.filter((e) => e.pod === pod).map((e) => `${e.reason}: ${e.message}`);
  }
}

const TRAPS_TERM = 'trap "exit 0" TERM; while true; do sleep 0.2; done';

function withInit(pod: Pod, ...inits: (Partial<Container> & { name: string })[]): Pod {
  pod.spec.initContainers = inits.map((c) => ({ image: 'pikube/busybox:latest', imagePullPolicy: 'IfNotPresent', ...c }));
  return pod;
}

describe('pod lifecycle on a real dockerd', function () {
  this.timeout(60_000);
  let node: NodeDockerFixture | undefined;
  let reporter: RecordingReporter;
  let stateDir: string;
  let hostDir: string;
  const managers: PodManager[] = [];
  const logs: string[] = [];

  /** Pod cgroups as the agent makes them, under the fixture's root and Docker driver. */
  let podCgroups: PodCgroups | undefined;
  const fixture = (): NodeDockerFixture => {
    if (!node) throw new Error('node docker fixture not started');
    return node;
  };

  function newManager(extra: Partial<PodManagerOptions> = {}): PodManager {
    const m = new PodManager({
      runtime: new DockerRuntime(fixture().docker, { pullTimeoutMs: 10_000 }), reporter, stateDir,
      nodeName: 'pi1', hostIP: '192.168.77.11', cgroupRoot: fixture().cgroupRoot, podCgroups, resyncIntervalMs: 500, log: (l) => logs.push(l), ...extra,
    });
    managers.push(m);
    return m;
  }

  const wait = <T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 20_000) =>
    until(probe, { timeoutMs, intervalMs: 100, describe: () => `${what}; last statuses: ${JSON.stringify([...reporter.history].map(([n, h]) => [n, h.at(-1)]))}; logs: ${logs.slice(-8).join(' | ')}` });
  const container = (pod: string, name: string) => {
    const s = reporter.last(pod);
    return [...(s?.initContainerStatuses ?? []), ...(s?.containerStatuses ?? [])].find((c) => c.name === name);
  };

  before(async function () {
    this.timeout(120_000);
    node = await startNodeDocker();
    podCgroups = await openPodCgroups({ root: node.cgroupRoot, dockerCgroupDriver: node.cgroupDriver });
  });

  beforeEach(() => {
    reporter = new RecordingReporter();
    logs.length = 0;
    stateDir = mkdtempSync(path.join(os.tmpdir(), 'pikube-agent-state-'));
    hostDir = mkdtempSync(path.join(os.tmpdir(), 'pikube-hostpath-'));
  });

  afterEach(async () => {
    await Promise.all(managers.splice(0).map((m) => m.dispose()));
    if (node) await removeAllContainers(node.docker);
    // A test that failed half-way may leave a memory emptyDir (tmpfs) mounted in the state dir.
    await unmountUnder(stateDir);
    rmSync(stateDir, { recursive: true, force: true });
    rmSync(hostDir, { recursive: true, force: true });
  });

  after(async function () {
    this.timeout(60_000);
    await node?.stop();
  });

  it('crash-loops a container that exits 1 under Always: restartCount grows, then CrashLoopBackOff', async () => {
    newManager().setDesired([aPod('crash').withGrace(1).withContainer({ name: 'app', command: ['sh', '-c', 'exit 1'] }).build()]);
    const waiting = await wait('CrashLoopBackOff', () => {
      const c = container('crash', 'app');
      return c?.state?.waiting?.reason === 'CrashLoopBackOff' && (c.restartCount ?? 0) >= 1 && c;
    });
    assert.match(waiting.state?.waiting?.message ?? '', /^back-off 10s restarting failed container=app pod=crash_default\(.+\)$/);
    assert.deepEqual([waiting.lastState?.terminated?.exitCode, waiting.lastState?.terminated?.reason], [1, 'Error']);
    assert.equal(reporter.last('crash')?.phase, 'Running');
    assert.ok(reporter.eventsOf('crash').some((e) => /^BackOff: Back-off restarting failed container app in pod crash_default\(.+\)$/.test(e)), reporter.eventsOf('crash').join('\n'));
    await wait('restarted after the 10 s back-off', () => (container('crash', 'app')?.restartCount ?? 0) >= 2, 25_000);
  });

  it('Succeeds an OnFailure pod whose container exits 0', async () => {
    newManager().setDesired([aPod('job').withRestartPolicy('OnFailure').withContainer({ name: 'app', command: ['sh', '-c', 'exit 0'] }).build()]);
    const s = await wait('Succeeded', () => reporter.last('job')?.phase === 'Succeeded' && reporter.last('job'));
    assert.deepEqual([s.containerStatuses?.[0].state?.terminated?.reason, s.containerStatuses?.[0].restartCount], ['Completed', 0]);
  });

  it('reports a container over its memory limit as OOMKilled with an OOMKilling event, then restarts it', async () => {
    const hog = 'x=$(head -c 67108864 /dev/zero | tr "\\0" a); sleep 100';
    newManager().setDesired([aPod('hog').withGrace(1).withContainer({ name: 'app', command: ['sh', '-c', hog], resources: { limits: { memory: '16Mi' } } }).build()]);
    const c = await wait('OOMKilled as lastState', () => container('hog', 'app')?.lastState?.terminated?.reason === 'OOMKilled' && container('hog', 'app'));
    assert.equal(c.lastState?.terminated?.exitCode, 137);
    assert.ok(reporter.eventsOf('hog').some((e) => e.startsWith('OOMKilling: Memory cgroup out of memory')), reporter.eventsOf('hog').join('\n'));
  });

  it('runs an init container that fails twice, then succeeds (counting in an emptyDir), then the app', async () => {
    const count = 'n=$(cat /work/count 2>/dev/null || echo 0); n=$((n+1)); echo $n > /work/count; [ $n -ge 3 ]';
    const pod = withInit(aPod('init').withGrace(1).withContainer({ name: 'app', command: ['sh', '-c', `cat /work/count > /out/seen; ${TRAPS_TERM}`], volumeMounts: [{ name: 'work', mountPath: '/work' }, { name: 'out', mountPath: '/out' }] }).build(),
      { name: 'setup', command: ['sh', '-c', count], volumeMounts: [{ name: 'work', mountPath: '/work' }] });
    pod.spec.volumes = [{ name: 'work', emptyDir: {} }, { name: 'out', hostPath: { path: hostDir, type: 'Directory' } }];
    newManager().setDesired([pod]);
    await wait('init in CrashLoopBackOff', () => container('init', 'setup')?.state?.waiting?.reason === 'CrashLoopBackOff');
    assert.equal(reporter.last('init')?.phase, 'Pending');
    assert.equal(reporter.last('init')?.conditions?.find((c) => c.type === 'Initialized')?.reason, 'ContainersNotInitialized');
    await wait('app running', () => reporter.last('init')?.phase === 'Running' && container('init', 'app')?.ready, 25_000);
    assert.deepEqual([container('init', 'setup')?.restartCount, container('init', 'setup')?.state?.terminated?.reason], [2, 'Completed']);
    assert.equal(readFileSync(path.join(hostDir, 'seen'), 'utf8').trim(), '3');
  });

  it('runs the init containers again in a new sandbox when the pause container dies, then restarts the app', async () => {
    const pod = withInit(aPod('resand').withGrace(1).withContainer({ name: 'app', command: ['sh', '-c', `cat /work/runs > /out/seen; ${TRAPS_TERM}`], volumeMounts: [{ name: 'work', mountPath: '/work' }, { name: 'out', mountPath: '/out' }] }).build(),
      { name: 'setup', command: ['sh', '-c', 'echo run >> /work/runs'], volumeMounts: [{ name: 'work', mountPath: '/work' }] });
    pod.spec.volumes = [{ name: 'work', emptyDir: {} }, { name: 'out', hostPath: { path: hostDir, type: 'Directory' } }];
    newManager().setDesired([pod]);
    await wait('app running', () => container('resand', 'app')?.ready, 25_000);
    const [pause] = await fixture().docker.listContainers({ filters: { name: ['k8s_POD_resand_'] } });
    await fixture().docker.getContainer(pause.Id).kill();
    await wait('app restarted in a new sandbox', () => container('resand', 'app')?.restartCount === 1 && container('resand', 'app')?.ready, 25_000);
    assert.ok(reporter.eventsOf('resand').some((e) => e.startsWith('SandboxChanged: Pod sandbox changed, it will be killed and re-created.')), reporter.eventsOf('resand').join('\n'));
    assert.equal(readFileSync(path.join(hostDir, 'seen'), 'utf8'), 'run\nrun\n', 'the init container ran once per sandbox');
    assert.equal(container('resand', 'setup')?.state?.terminated?.reason, 'Completed');
  });

  it('starts a native sidecar before the app and keeps it running beside it, sharing an emptyDir and a memory emptyDir', async () => {
    // Each file is written whole, then renamed: the test never reads one half-written.
    const sidecar = 'while true; do grep " /mem " /proc/mounts > /out/mem.new && mv /out/mem.new /out/mem; if [ -f /data/msg ]; then cp /data/msg /out/copied.new && mv /out/copied.new /out/copied; fi; sleep 0.2; done';
    const pod = withInit(aPod('side').withGrace(1).withContainer({ name: 'app', command: ['sh', '-c', `echo hello > /data/msg; ${TRAPS_TERM}`], volumeMounts: [{ name: 'data', mountPath: '/data' }] }).build(),
      { name: 'copier', restartPolicy: 'Always', command: ['sh', '-c', sidecar], volumeMounts: [{ name: 'data', mountPath: '/data' }, { name: 'out', mountPath: '/out' }, { name: 'mem', mountPath: '/mem' }] });
    pod.spec.volumes = [{ name: 'data', emptyDir: {} }, { name: 'out', hostPath: { path: hostDir } }, { name: 'mem', emptyDir: { medium: 'Memory', sizeLimit: '4Mi' } }];
    const m = newManager();
    m.setDesired([pod]);
    await wait('copied through the shared emptyDir', () => {
      try {
        return readFileSync(path.join(hostDir, 'copied'), 'utf8').trim() === 'hello';
      } catch {
        return false;
      }
    });
    assert.match(readFileSync(path.join(hostDir, 'mem'), 'utf8'), /^tmpfs \/mem tmpfs .*size=4096k/);
    const s = await wait('both ready', () => reporter.last('side')?.conditions?.find((c) => c.type === 'Ready')?.status === 'True' && reporter.last('side'));
    assert.deepEqual([s.initContainerStatuses?.[0].started, s.initContainerStatuses?.[0].ready], [true, true]);
    const starts = reporter.events.filter((e) => e.pod === 'side' && e.reason === 'Started').map((e) => e.fieldPath);
    assert.deepEqual(starts, ['spec.initContainers{copier}', 'spec.containers{app}']);
    m.setDesired([]);
    await wait('removed with its volumes', async () => (await fixture().docker.listContainers({ all: true })).length === 0 && !readdirSafe(path.join(stateDir, 'pods')).length);
  });

  it('runs preStop before the stop signal when the pod is deleted', async () => {
    const pod = aPod('stopper').withGrace(10).withContainer({
      name: 'app', command: ['sh', '-c', 'trap "echo term >> /rec/log; exit 0" TERM; while true; do sleep 0.2; done'],
      volumeMounts: [{ name: 'rec', mountPath: '/rec' }], lifecycle: { preStop: { exec: { command: ['sh', '-c', 'echo prestop >> /rec/log; sleep 1'] } } },
    }).build();
    pod.spec.volumes = [{ name: 'rec', hostPath: { path: hostDir } }];
    const m = newManager();
    m.setDesired([pod]);
    await wait('running', () => container('stopper', 'app')?.ready);
    m.setDesired([{ ...pod, metadata: { ...pod.metadata, deletionTimestamp: new Date().toISOString(), deletionGracePeriodSeconds: 10 } }]);
    await wait('terminated', () => reporter.terminated.has('stopper'));
    assert.equal(readFileSync(path.join(hostDir, 'log'), 'utf8'), 'prestop\nterm\n');
    assert.ok(reporter.eventsOf('stopper').includes('Killing: Stopping container app'));
  });

  it('kills a container whose postStart hook fails, with FailedPostStartHook, and restarts it', async () => {
    const pod = aPod('poststart').withGrace(1).withContainer({ name: 'app', command: ['sh', '-c', TRAPS_TERM], lifecycle: { postStart: { exec: { command: ['sh', '-c', 'exit 3'] } } } }).build();
    newManager().setDesired([pod]);
    await wait('restarted', () => (container('poststart', 'app')?.restartCount ?? 0) >= 1);
    const events = reporter.eventsOf('poststart');
    assert.ok(events.includes('FailedPostStartHook: PostStartHook failed'), events.join('\n'));
    assert.ok(events.includes('Killing: FailedPostStartHook'), events.join('\n'));
    const waits = (reporter.history.get('poststart') ?? []).map((s) => s.containerStatuses?.[0].state?.waiting).filter((w) => w?.reason === 'PostStartHookError');
    assert.match(waits[0]?.message ?? '', /^Exec lifecycle hook \(\[sh -c exit 3\]\) for Container "app" in Pod "poststart_default\(.+\)" failed - error: command 'sh -c exit 3' exited with 3/);
  });

  it('restarts a container whose exec liveness probe fails, with Unhealthy and Killing events', async () => {
    const pod = aPod('live').withGrace(1).withContainer({
      name: 'app', command: ['sh', '-c', `touch /tmp/healthy; sleep 2; rm /tmp/healthy; ${TRAPS_TERM}`],
      livenessProbe: { exec: { command: ['cat', '/tmp/healthy'] }, periodSeconds: 1, failureThreshold: 2 },
    }).build();
    newManager().setDesired([pod]);
    await wait('restarted by liveness', () => (container('live', 'app')?.restartCount ?? 0) >= 1);
    const events = reporter.eventsOf('live');
    assert.ok(events.some((e) => e.startsWith('Unhealthy: Liveness probe failed: cat: can\'t open \'/tmp/healthy\'')), events.join('\n'));
    assert.ok(events.includes('Killing: Container app failed liveness probe, will be restarted'), events.join('\n'));
    assert.equal(container('live', 'app')?.lastState?.terminated?.exitCode, 0, 'the TERM trap exits 0');
  });

  it('keeps a CrashLoopBackOff across an agent restart (state directory), restarting only once it ends', async () => {
    const pod = aPod('again').withGrace(1).withContainer({ name: 'app', command: ['sh', '-c', 'exit 1'] }).build();
    const first = newManager();
    first.setDesired([pod]);
    await wait('CrashLoopBackOff', () => container('again', 'app')?.state?.waiting?.reason === 'CrashLoopBackOff');
    const restarts = container('again', 'app')?.restartCount ?? 0;
    await first.dispose();
    reporter = new RecordingReporter();
    const t0 = Date.now();
    newManager().setDesired([pod]);
    await wait('CrashLoopBackOff after the restart', () => container('again', 'app')?.state?.waiting?.reason === 'CrashLoopBackOff');
    assert.equal(container('again', 'app')?.restartCount, restarts, 'not restarted at once');
    await wait('restarted once the back-off ended', () => (container('again', 'app')?.restartCount ?? 0) > restarts, 25_000);
    assert.ok(Date.now() - t0 > 2_000, 'the back-off held');
  });

  describe('resolv.conf and service variables', () => {
    const service = (namespace: string, name: string, clusterIP: string, ports: Service['spec']['ports']): Service =>
      ({ apiVersion: 'v1', kind: 'Service', metadata: { namespace, name }, spec: { clusterIP, ports } });
    const services = [
      service('default', 'kubernetes', '10.43.0.1', [{ name: 'https', port: 443, protocol: 'TCP' }]),
      service('shop', 'foo', '10.43.0.7', [{ name: 'http', port: 80, protocol: 'TCP' }, { name: 'dns', port: 53, protocol: 'UDP' }]),
      service('shop', 'db', 'None', [{ port: 5432 }]),
      service('blog', 'cms', '10.43.0.8', [{ port: 80 }]),
    ];
    let hostResolvConf: string;
    const withDns = (): PodManager => newManager({
      dns: { clusterDomain: 'cluster.local', nameserver: () => '10.88.0.1', hostResolvConf },
      services: { list: (ns) => services.filter((s) => s.metadata.namespace === ns) },
    });
    const readWhenThere = (file: string): string | undefined => {
      try {
        return readFileSync(path.join(hostDir, file), 'utf8');
      } catch {
        return undefined;
      }
    };

    beforeEach(() => {
      hostResolvConf = path.join(stateDir, 'node-resolv.conf');
      writeFileSync(hostResolvConf, '# the node\'s own\nnameserver 192.168.77.1\nsearch lan\noptions edns0\n');
    });

    it('shows init and app containers the pod\'s resolv.conf and the service variables, the container\'s env winning', async () => {
      const pod = withInit(aPod('dns').withNamespace('shop').withGrace(1).withContainer({
        name: 'app', command: ['sh', '-c', `cat /etc/resolv.conf > /out/app-resolv; env > /out/app-env; ${TRAPS_TERM}`],
        env: [{ name: 'FOO_SERVICE_PORT', value: '8080' }, { name: 'FOO_URL', value: 'http://$(FOO_SERVICE_HOST):$(FOO_SERVICE_PORT_HTTP)' }],
        volumeMounts: [{ name: 'out', mountPath: '/out' }],
      }).build(), { name: 'init', command: ['sh', '-c', 'cat /etc/resolv.conf > /out/init-resolv'], volumeMounts: [{ name: 'out', mountPath: '/out' }] });
      pod.spec.volumes = [{ name: 'out', hostPath: { path: hostDir } }];
      withDns().setDesired([pod]);
      const env = await wait('the app wrote its env', () => readWhenThere('app-env'));
      const expected = 'search shop.svc.cluster.local svc.cluster.local cluster.local lan\nnameserver 10.88.0.1\noptions ndots:5\n';
      assert.equal(readWhenThere('app-resolv'), expected);
      assert.equal(readWhenThere('init-resolv'), expected);
      const vars = env.trim().split('\n');
      for (const v of ['FOO_SERVICE_HOST=10.43.0.7', 'FOO_SERVICE_PORT=8080', 'FOO_SERVICE_PORT_HTTP=80', 'FOO_SERVICE_PORT_DNS=53', 'FOO_PORT=tcp://10.43.0.7:80',
        'FOO_PORT_53_UDP=udp://10.43.0.7:53', 'FOO_URL=http://10.43.0.7:80', 'KUBERNETES_SERVICE_HOST=10.43.0.1', 'KUBERNETES_PORT_443_TCP_ADDR=10.43.0.1']) {
        assert.ok(vars.includes(v), `${v} not in\n${env}`);
      }
      assert.ok(!vars.some((v) => v.startsWith('DB_') || v.startsWith('CMS_')), env);
    });

    // hostNetwork pods are covered by the unit tests: on this fixture's dockerd one leaves
    // <exec-root>/netns/default mounted after dockerd stops, which the fixture cannot remove.
    it('gives a dnsPolicy Default pod the node\'s resolver, and one with enableServiceLinks false only the master service', async () => {
      const pod = aPod('nodedns').withNamespace('shop').withGrace(1).withContainer({
        name: 'app', command: ['sh', '-c', `cat /etc/resolv.conf > /out/node-resolv; env > /out/node-env; ${TRAPS_TERM}`], volumeMounts: [{ name: 'out', mountPath: '/out' }],
      }).build();
      pod.spec.dnsPolicy = 'Default';
      pod.spec.dnsConfig = { options: [{ name: 'ndots', value: '2' }] };
      pod.spec.enableServiceLinks = false;
      pod.spec.volumes = [{ name: 'out', hostPath: { path: hostDir } }];
      withDns().setDesired([pod]);
      const env = await wait('the app wrote its env', () => readWhenThere('node-env'));
      assert.equal(readWhenThere('node-resolv'), 'search lan\nnameserver 192.168.77.1\noptions edns0 ndots:2\n');
      assert.ok(env.includes('KUBERNETES_SERVICE_HOST=10.43.0.1\n'), env);
      assert.ok(!env.includes('FOO_'), env);
    });
  });
});

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
