import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Pod, PodStatus } from '../../../../api/core-v1';
import type { Service } from '../../../../api/service-v1';
import { identityOf } from '../../../../agent/pods/docker-labels';
import { PodManager, type PodManagerOptions } from '../../../../agent/pods/pod-manager';
import type { PodEvent, PodReporter } from '../../../../agent/pods/pod-sink';
import type { SandboxNetwork } from '../../../../agent/pods/sandbox-network';
import { until } from '../../../../scripts/cluster/wait-until';
import { FakeContainerRuntime, type FakeContainer } from './fake-container-runtime';
import { aPod } from './pod-builder';

class RecordingReporter implements PodReporter {
  readonly statuses = new Map<string, PodStatus[]>();
  readonly terminated: string[] = [];
  readonly events: (PodEvent & { pod: string })[] = [];

  reportEvent(pod: Pod, event: PodEvent): void {
    this.events.push({ pod: pod.metadata.name ?? '', ...event });
  }

  reportStatus(pod: Pod, status: PodStatus): void {
    const name = pod.metadata.name ?? '';
    this.statuses.set(name, [...(this.statuses.get(name) ?? []), structuredClone(status)]);
  }

  reportTerminated(pod: Pod): void {
    this.terminated.push(pod.metadata.name ?? '');
  }

  last(name: string): PodStatus | undefined {
    return this.statuses.get(name)?.at(-1);
  }

  waitingReason(name: string, container = 0): string | undefined {
    return this.last(name)?.containerStatuses?.[container]?.state?.waiting?.reason;
  }
}

describe('PodManager (fake runtime)', () => {
  let now: number;
  let runtime: FakeContainerRuntime;
  let reporter: RecordingReporter;
  const managers: PodManager[] = [];
  const logs: string[] = [];

  function newManager(network?: SandboxNetwork, extra: Partial<PodManagerOptions> = {}): PodManager {
    const m = new PodManager({
      runtime, reporter, nodeName: 'pi1', hostIP: '192.168.1.11', cgroupRoot: '/pikube-pi1', network,
      resyncIntervalMs: 30, clock: { now: () => now }, log: (l) => logs.push(l), ...extra,
    });
    managers.push(m);
    return m;
  }

  const wait = <T>(what: string, probe: () => T | undefined | false) =>
    until(probe, { timeoutMs: 3000, intervalMs: 5, describe: () => `${what}; calls: ${runtime.calls.join(', ')}; logs: ${logs.join(' | ')}` });
  const appsOf = (pod: string): FakeContainer[] => runtime.byName(`k8s_app_${pod}_`);
  const sandboxOf = (pod: string): FakeContainer[] => runtime.byName(`k8s_POD_${pod}_`);

  beforeEach(() => {
    now = Date.parse('2025-03-01T10:00:00Z');
    runtime = new FakeContainerRuntime(() => now);
    runtime.addImage('pikube/busybox:latest');
    runtime.addImage('pikube/pause:latest');
    reporter = new RecordingReporter();
    logs.length = 0;
  });

  afterEach(async () => {
    await Promise.all(managers.splice(0).map((m) => m.dispose()));
  });

  describe('on a pod network', () => {
    const network = { name: undefined as string | undefined, networkName: () => network.name, notReadyReason: () => 'pod network not ready: no pod CIDR yet' };
    beforeEach(() => {
      network.name = undefined;
    });

    it('creates no sandbox while the pod network is not ready, then joins it', async () => {
      newManager(network).setDesired([aPod('web').withContainer({ name: 'app' }).build()]);
      await wait('web waiting for the network', () => reporter.last('web')?.containerStatuses?.[0]?.state?.waiting?.message === 'pod network not ready: no pod CIDR yet');
      assert.deepEqual(sandboxOf('web'), []);
      network.name = 'pikube';
      const status = await wait('web Running', () => reporter.last('web')?.phase === 'Running' && reporter.last('web'));
      const [pause] = sandboxOf('web');
      assert.equal(pause.spec.networkMode, 'pikube');
      assert.equal(status.podIP, pause.details.ipAddress);
      assert.equal(reporter.waitingReason('web'), undefined);
    });

    it('starts hostNetwork pods without waiting for it', async () => {
      newManager(network).setDesired([aPod('hostnet').withContainer({ name: 'app' }).build()].map((p) => ({ ...p, spec: { ...p.spec, hostNetwork: true } })));
      const status = await wait('hostnet Running', () => reporter.last('hostnet')?.phase === 'Running' && reporter.last('hostnet'));
      assert.equal(sandboxOf('hostnet')[0].spec.networkMode, 'host');
      assert.equal(status.podIP, '192.168.1.11');
    });
  });

  it('runs a pod as a pause container plus app containers joining its network', async () => {
    newManager().setDesired([aPod('web').withContainer({ name: 'app' }).build()]);
    const status = await wait('web Running', () => reporter.last('web')?.phase === 'Running' && reporter.last('web'));
    const [pause] = sandboxOf('web');
    const [app] = appsOf('web');
    assert.equal(app.spec.networkMode, `container:${pause.details.id}`);
    assert.equal(app.spec.cgroupParent, '/pikube-pi1');
    assert.equal(status.podIP, pause.details.ipAddress);
    assert.equal(status.containerStatuses?.[0].containerID, `docker://${app.details.id}`);
    assert.equal(reporter.statuses.get('web')?.[0].phase, 'Pending', 'ContainerCreating is reported first');
  });

  it('gives a hostNetwork pod the node address as its pod IP', async () => {
    const pod = aPod('hostnet').withContainer({ name: 'app' }).build();
    pod.spec.hostNetwork = true;
    newManager().setDesired([pod]);
    const s = await wait('Running', () => reporter.last('hostnet')?.phase === 'Running' && reporter.last('hostnet'));
    assert.equal(s.podIP, '192.168.1.11');
    assert.equal(sandboxOf('hostnet')[0].spec.networkMode, 'host');
  });

  it('reports only changes: resyncs of an unchanged pod send nothing', async () => {
    newManager().setDesired([aPod('web').withContainer({ name: 'app' }).build()]);
    await wait('web Running', () => reporter.last('web')?.phase === 'Running');
    const count = reporter.statuses.get('web')?.length;
    const lists = runtime.lists;
    await wait('several resyncs', () => runtime.lists >= lists + 10);
    assert.equal(reporter.statuses.get('web')?.length, count);
  });

  it('restarts an exited container under restartPolicy Always, counting restarts and keeping lastState', async () => {
    newManager().setDesired([aPod('web').withContainer({ name: 'app' }).build()]);
    await wait('running', () => appsOf('web')[0]?.details.running);
    runtime.exit(appsOf('web')[0].details.id, 1);
    const s = await wait('restarted', () => reporter.last('web')?.containerStatuses?.[0].restartCount === 1 && reporter.last('web')?.containerStatuses?.[0].state?.running && reporter.last('web'));
    assert.equal(s.containerStatuses?.[0].lastState?.terminated?.exitCode, 1);
    assert.equal(identityOf(appsOf('web').find((c) => c.details.running)!.details.labels)?.restartCount, 1);
  });

  it('backs off a crash-looping container (CrashLoopBackOff) until the injected clock passes the delay', async () => {
    newManager().setDesired([aPod('web').withContainer({ name: 'app' }).build()]);
    await wait('running', () => appsOf('web')[0]?.details.running);
    runtime.exit(appsOf('web')[0].details.id, 1);
    await wait('restart 1', () => appsOf('web').find((c) => c.details.running && identityOf(c.details.labels)?.restartCount === 1));
    runtime.exit(appsOf('web').find((c) => c.details.running)!.details.id, 1);
    await wait('CrashLoopBackOff', () => reporter.waitingReason('web') === 'CrashLoopBackOff');
    assert.match(reporter.last('web')?.containerStatuses?.[0].state?.waiting?.message ?? '', /^back-off 10s restarting failed container=app pod=web_default\(/);
    assert.equal(appsOf('web').filter((c) => c.details.running).length, 0);
    now += 10_000;
    await wait('restart 2', () => reporter.last('web')?.containerStatuses?.[0].restartCount === 2 && reporter.last('web')?.containerStatuses?.[0].state?.running);
  });

  it('leaves a run-to-completion pod Succeeded, not restarted, and releases its network', async () => {
    newManager().setDesired([aPod('job').withRestartPolicy('Never').withContainer({ name: 'app' }).build()]);
    await wait('running', () => appsOf('job')[0]?.details.running);
    runtime.exit(appsOf('job')[0].details.id, 0);
    const s = await wait('Succeeded', () => reporter.last('job')?.phase === 'Succeeded' && reporter.last('job'));
    assert.equal(s.containerStatuses?.[0].state?.terminated?.reason, 'Completed');
    await wait('pause stopped', () => sandboxOf('job').every((c) => !c.details.running));
    assert.equal(appsOf('job').length, 1, 'no restart');
  });

  it('reports ErrImageNeverPull for a missing image with pull policy Never', async () => {
    newManager().setDesired([aPod('web').withContainer({ name: 'app', image: 'missing:1', imagePullPolicy: 'Never' }).build()]);
    await wait('ErrImageNeverPull', () => reporter.waitingReason('web') === 'ErrImageNeverPull');
    assert.equal(reporter.last('web')?.containerStatuses?.[0].state?.waiting?.message, 'Container image "missing:1" is not present with pull policy of Never');
    assert.equal(runtime.pulls, 0);
  });

  it('reports ErrImagePull, then ImagePullBackOff, for an image that cannot be pulled', async () => {
    newManager().setDesired([aPod('web').withContainer({ name: 'app', image: 'missing:1' }).build()]);
    await wait('ImagePullBackOff', () => reporter.waitingReason('web') === 'ImagePullBackOff');
    const reasons = (reporter.statuses.get('web') ?? []).map((s) => s.containerStatuses?.[0].state?.waiting?.reason);
    assert.ok(reasons.indexOf('ErrImagePull') >= 0 && reasons.indexOf('ErrImagePull') < reasons.indexOf('ImagePullBackOff'), reasons.join(', '));
    assert.equal(runtime.pulls, 1);
  });

  it('stops a deleted pod gracefully, removes its containers and reports it terminated', async () => {
    const m = newManager();
    const pod = aPod('web').withContainer({ name: 'app' }).build();
    m.setDesired([pod]);
    await wait('running', () => appsOf('web')[0]?.details.running);
    m.setDesired([{ ...pod, metadata: { ...pod.metadata, deletionTimestamp: '2025-03-01T10:01:00Z', deletionGracePeriodSeconds: 7 } }]);
    await wait('terminated', () => reporter.terminated.includes('web'));
    assert.ok(runtime.calls.some((c) => /^stop k8s_app_web_.* SIGTERM 7$/.test(c)), runtime.calls.join('\n'));
    assert.equal(runtime.containers.size, 0);
    assert.equal(reporter.last('web')?.phase, 'Failed', 'exit 143 after SIGTERM');
  });

  it('sends the image STOPSIGNAL instead of SIGTERM', async () => {
    runtime.addImage('nginx:1', 'SIGQUIT');
    const m = newManager();
    const pod = aPod('web').withContainer({ name: 'app', image: 'nginx:1' }).build();
    m.setDesired([pod]);
    await wait('running', () => appsOf('web')[0]?.details.running);
    m.setDesired([aPod('web', pod.metadata.uid).withContainer({ name: 'app', image: 'nginx:1' }).deleted(3).build()]);
    await wait('terminated', () => reporter.terminated.includes('web'));
    assert.ok(runtime.calls.some((c) => /^stop k8s_app_web_.* SIGQUIT 3$/.test(c)), runtime.calls.join('\n'));
  });

  it('removes a pod that left the desired set without reporting it terminated', async () => {
    const m = newManager();
    m.setDesired([aPod('web').withContainer({ name: 'app' }).build()]);
    await wait('running', () => appsOf('web')[0]?.details.running);
    m.setDesired([]);
    await wait('removed', () => runtime.containers.size === 0);
    assert.deepEqual(reporter.terminated, []);
  });

  it('never lets one pod slow to stop hold up another', async () => {
    const m = newManager();
    const slow = aPod('slow').withContainer({ name: 'app' }).withGrace(30).build();
    m.setDesired([slow]);
    await wait('slow running', () => appsOf('slow')[0]?.details.running);
    let release!: () => void;
    runtime.holdStop.set(appsOf('slow')[0].details.id, new Promise<void>((r) => (release = r)));
    m.setDesired([{ ...slow, metadata: { ...slow.metadata, deletionTimestamp: '2025-03-01T10:01:00Z' } }, aPod('fast').withContainer({ name: 'app' }).build()]);
    await wait('fast Running while slow is stopping', () => reporter.last('fast')?.phase === 'Running');
    assert.deepEqual(reporter.terminated, []);
    release();
    await wait('slow terminated', () => reporter.terminated.includes('slow'));
  });

  it('recreates a dead pause container (next attempt) and restarts the app containers in it', async () => {
    newManager().setDesired([aPod('web').withContainer({ name: 'app' }).build()]);
    await wait('running', () => appsOf('web')[0]?.details.running);
    runtime.exit(sandboxOf('web')[0].details.id, 137);
    await wait('new sandbox', () => sandboxOf('web').some((c) => c.details.running && identityOf(c.details.labels)?.restartCount === 1));
    const pause = sandboxOf('web').find((c) => c.details.running)!;
    const app = await wait('app in new sandbox', () => appsOf('web').find((c) => c.details.running));
    assert.equal(app.spec.networkMode, `container:${pause.details.id}`);
  });

  it('gives a pod whose containers did not change a pass once per sync period, not on every relist', async () => {
    newManager(undefined, { syncIntervalMs: 60_000 }).setDesired([aPod('web').withContainer({ name: 'app' }).build()]);
    await wait('running', () => reporter.last('web')?.phase === 'Running');
    let lists = runtime.lists;
    await wait('the start settled', () => runtime.lists >= lists + 10);
    const inspects = runtime.inspects;
    lists = runtime.lists;
    await wait('several relists', () => runtime.lists >= lists + 5);
    assert.equal(runtime.inspects, inspects, 'no pass while nothing changed');
    now += 60_000;
    await wait('a pass after the sync period', () => runtime.inspects > inspects);
  });

  it('gives a pass at the next relist to a pod whose container changed without an event', async () => {
    newManager(undefined, { syncIntervalMs: 60_000 }).setDesired([aPod('web').withContainer({ name: 'app' }).build()]);
    const app = await wait('running', () => reporter.last('web')?.phase === 'Running' && appsOf('web')[0]);
    runtime.exitSilently(app.details.id, 1);
    await wait('the exit reported', () => reporter.last('web')?.containerStatuses?.[0]?.lastState?.terminated?.exitCode === 1 || reporter.last('web')?.containerStatuses?.[0]?.state?.terminated?.exitCode === 1);
  });

  it('after an agent restart, adopts running containers as they are and removes pods no longer desired', async () => {
    const first = newManager();
    const keep = aPod('keep').withContainer({ name: 'app' }).build();
    const drop = aPod('drop').withContainer({ name: 'app' }).build();
    first.setDesired([keep, drop]);
    await wait('both running', () => appsOf('keep')[0]?.details.running && appsOf('drop')[0]?.details.running);
    runtime.exit(appsOf('keep')[0].details.id, 1);
    await wait('keep restarted once', () => appsOf('keep').some((c) => c.details.running && identityOf(c.details.labels)?.restartCount === 1));
    await first.dispose();
    assert.equal(runtime.running().length, 4, 'agent shutdown leaves every container running');

    const callsBefore = runtime.calls.length;
    const second = newManager();
    await new Promise((r) => setTimeout(r, 100)); // a negative: nothing may happen in this time
    assert.equal(runtime.calls.length, callsBefore, 'nothing is touched before the first desired set');
    second.setDesired([keep]);
    await wait('drop removed', () => runtime.byName('k8s_').every((c) => !c.spec.name.includes('_drop_')));
    const s = await wait('keep reported', () => reporter.last('keep')?.phase === 'Running' && reporter.last('keep'));
    assert.equal(s.containerStatuses?.[0].restartCount, 1, 'restart count read back from labels');
    assert.equal(s.containerStatuses?.[0].lastState?.terminated?.exitCode, 1);
    const created = runtime.calls.slice(callsBefore).filter((c) => c.startsWith('create') || c.startsWith('start'));
    assert.deepEqual(created, [], 'no container created or started again');
    assert.deepEqual(reporter.terminated, []);
  });
  describe('resolv.conf and service variables', () => {
    let stateDir: string;
    let hostResolvConf: string;
    let nameserver: string | undefined;
    let services: Service[] | undefined;
    const dns = () => ({ clusterDomain: 'cluster.local', nameserver: () => nameserver, hostResolvConf });
    const withDnsAndServices = (): PodManager => newManager(undefined, { stateDir, dns: dns(), services: { list: (ns) => services?.filter((s) => s.metadata.namespace === ns) } });
    const kubernetes: Service = { apiVersion: 'v1', kind: 'Service', metadata: { namespace: 'default', name: 'kubernetes' }, spec: { clusterIP: '10.43.0.1', ports: [{ name: 'https', port: 443 }] } };
    const resolvMountOf = (c: FakeContainer) => c.spec.mounts?.find((m) => m.target === '/etc/resolv.conf');

    beforeEach(() => {
      stateDir = mkdtempSync(path.join(os.tmpdir(), 'pikube-pods-dns-'));
      hostResolvConf = path.join(stateDir, 'host-resolv.conf');
      writeFileSync(hostResolvConf, 'nameserver 192.168.1.1\nsearch home.arpa\n');
      nameserver = '10.42.1.1';
      services = [kubernetes];
    });

    afterEach(() => rmSync(stateDir, { recursive: true, force: true }));

    it('mounts the pod\'s resolv.conf into its init and app containers, not the pause container, and removes it with the pod', async () => {
      const pod = aPod('web').withNamespace('shop').withGrace(0).withContainer({ name: 'app' }).build();
      pod.spec.initContainers = [{ name: 'init', image: 'pikube/busybox:latest', imagePullPolicy: 'IfNotPresent' }];
      const m = withDnsAndServices();
      m.setDesired([pod]);
      await wait('init created', () => runtime.byName('k8s_init_web_').length === 1);
      runtime.exit(runtime.byName('k8s_init_web_')[0].details.id, 0);
      const app = await wait('app running', () => appsOf('web').find((c) => c.details.running));
      const file = path.join(stateDir, 'pods', pod.metadata.uid ?? '', 'resolv.conf');
      assert.deepEqual(resolvMountOf(app), { source: file, target: '/etc/resolv.conf', readOnly: false });
      assert.deepEqual(resolvMountOf(runtime.byName('k8s_init_web_')[0]), resolvMountOf(app));
      assert.equal(resolvMountOf(sandboxOf('web')[0]), undefined);
      assert.equal(readFileSync(file, 'utf8'), 'search shop.svc.cluster.local svc.cluster.local cluster.local home.arpa\nnameserver 10.42.1.1\noptions ndots:5\n');
      m.setDesired([{ ...pod, metadata: { ...pod.metadata, deletionTimestamp: '2025-03-01T10:00:00Z', deletionGracePeriodSeconds: 0 } }]);
      await wait('terminated', () => reporter.terminated.includes('web'));
      assert.equal(existsSync(file), false);
    });

    it('mounts nothing without the dns option', async () => {
      newManager(undefined, { stateDir }).setDesired([aPod('web').withContainer({ name: 'app' }).build()]);
      const app = await wait('app running', () => appsOf('web').find((c) => c.details.running));
      assert.equal(app.spec.mounts, undefined);
    });

    it('falls back to the node\'s resolver without a cluster DNS address: MissingClusterDNS event, one log line for the pod', async () => {
      nameserver = undefined;
      withDnsAndServices().setDesired([aPod('web', 'uid-nodns').withContainer({ name: 'app' }).build()]);
      const app = await wait('app running', () => appsOf('web').find((c) => c.details.running));
      assert.equal(readFileSync(resolvMountOf(app)?.source ?? '', 'utf8'), 'search home.arpa\nnameserver 192.168.1.1\n');
      runtime.exit(app.details.id, 1);
      await wait('restarted', () => appsOf('web').some((c) => c.details.running && c.details.id !== app.details.id));
      assert.deepEqual(reporter.events.filter((e) => e.reason === 'MissingClusterDNS').map((e) => [e.type, e.fieldPath]), [['Warning', '']]);
      assert.equal(logs.filter((l) => l.includes('cluster DNS address is not known')).length, 1, logs.join('\n'));
    });

    it('writes the resolv.conf again when it went missing under a running sandbox', async () => {
      withDnsAndServices().setDesired([aPod('web').withContainer({ name: 'app' }).build()]);
      const app = await wait('app running', () => appsOf('web').find((c) => c.details.running));
      const file = resolvMountOf(app)?.source ?? '';
      rmSync(file);
      runtime.exit(app.details.id, 1);
      await wait('restarted', () => appsOf('web').some((c) => c.details.running && c.details.id !== app.details.id));
      assert.match(readFileSync(file, 'utf8'), /nameserver 10\.42\.1\.1/);
    });

    it('fails the sandbox while the node\'s resolv.conf cannot be read, and creates it once it can', async () => {
      rmSync(hostResolvConf);
      withDnsAndServices().setDesired([aPod('web').withContainer({ name: 'app' }).build()]);
      await wait('ContainerCreating with the reason', () => /^failed to create pod sandbox: .*ENOENT/.test(reporter.last('web')?.containerStatuses?.[0]?.state?.waiting?.message ?? ''));
      assert.equal(sandboxOf('web').length, 0);
      writeFileSync(hostResolvConf, 'nameserver 192.168.1.1\n');
      await wait('app running', () => appsOf('web').find((c) => c.details.running));
    });

    it('gives containers the service variables, their own env winning', async () => {
      services = [kubernetes, { apiVersion: 'v1', kind: 'Service', metadata: { namespace: 'default', name: 'web-db' }, spec: { clusterIP: '10.43.0.9', ports: [{ port: 5432 }] } }];
      withDnsAndServices().setDesired([aPod('web').withContainer({ name: 'app', env: [{ name: 'WEB_DB_SERVICE_PORT', value: '6543' }] }).build()]);
      const app = await wait('app running', () => appsOf('web').find((c) => c.details.running));
      for (const v of ['WEB_DB_SERVICE_PORT=6543', 'WEB_DB_SERVICE_HOST=10.43.0.9', 'KUBERNETES_SERVICE_HOST=10.43.0.1', 'KUBERNETES_PORT_443_TCP=tcp://10.43.0.1:443']) assert.ok(app.spec.env?.includes(v), `${v} in ${app.spec.env?.join(' ')}`);
      assert.equal(app.spec.env?.filter((e) => e.startsWith('WEB_DB_SERVICE_PORT=')).length, 1);
    });

    it('holds containers in CreateContainerConfigError until the services were received once', async () => {
      services = undefined;
      withDnsAndServices().setDesired([aPod('web').withContainer({ name: 'app' }).build()]);
      await wait('CreateContainerConfigError', () => reporter.waitingReason('web') === 'CreateContainerConfigError');
      assert.equal(reporter.last('web')?.containerStatuses?.[0].state?.waiting?.message, 'services have not yet been read at least once, cannot construct envvars');
      assert.ok(reporter.events.some((e) => e.reason === 'Failed' && e.message === 'Error: services have not yet been read at least once, cannot construct envvars'));
      assert.equal(appsOf('web').length, 0);
      services = [kubernetes];
      const app = await wait('app running once synced', () => appsOf('web').find((c) => c.details.running));
      assert.ok(app.spec.env?.includes('KUBERNETES_SERVICE_HOST=10.43.0.1'));
    });
  });

  describe('fencing (no control plane for the fencing period)', () => {
    let web0: Pod;
    let api: Pod;
    const statefulPod = (): Pod => structuredClone(web0);
    const replaceable = (): Pod => structuredClone(api);
    let fencedAt = 0;
    beforeEach(() => {
      web0 = aPod('web-0').withContainer({ name: 'app' }).build();
      web0.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'uid-set', controller: true }];
      api = aPod('api').withContainer({ name: 'app' }).build();
    });
    const live = (pod: string): number => [...appsOf(pod), ...sandboxOf(pod)].filter((c) => c.details.running).length;

    async function fencedManager(): Promise<PodManager> {
      const m = newManager();
      m.setDesired([statefulPod(), replaceable()]);
      await wait('both running', () => appsOf('web-0')[0]?.details.running && appsOf('api')[0]?.details.running);
      m.fence('no control plane reachable for 6.0s');
      await wait('web-0 stopped', () => live('web-0') === 0);
      fencedAt = runtime.calls.length;
      return m;
    }

    it('stops only the pods that must not run twice, says so once, and restarts nothing while fenced', async () => {
      await fencedManager();
      assert.equal(live('api'), 2, 'a replaceable pod keeps running');
      const lists = runtime.lists;
      await wait('several resyncs', () => runtime.lists >= lists + 10);
      assert.equal(live('web-0'), 0, 'nothing restarts a fenced pod');
      assert.equal(appsOf('web-0').length, 1, 'its containers are kept (stopped), not removed');
      const fenced = reporter.events.filter((e) => e.reason === 'Fenced');
      assert.equal(fenced.length, 1);
      assert.equal(fenced[0].pod, 'web-0');
      assert.equal(fenced[0].type, 'Warning');
      assert.match(fenced[0].message, /must not run twice \(a StatefulSet pod\)/);
      assert.equal(reporter.last('web-0')?.containerStatuses?.[0]?.ready, false);
    });

    it('starts a fenced pod again once a control plane confirms it is still this node\'s', async () => {
      const m = await fencedManager();
      m.setDesired([statefulPod(), replaceable()]);
      m.unfence();
      await wait('web-0 running again', () => live('web-0') === 2);
      assert.ok(reporter.events.some((e) => e.pod === 'web-0' && e.reason === 'FencingLifted'));
    });

    it('removes a fenced pod that was replaced meanwhile and never starts it', async () => {
      const m = await fencedManager();
      m.setDesired([replaceable()]);
      m.unfence();
      await wait('web-0 removed', () => appsOf('web-0').length === 0 && sandboxOf('web-0').length === 0);
      assert.deepEqual(runtime.calls.slice(fencedAt).filter((c) => /^(create|start) .*web-0/.test(c)), [], runtime.calls.join(', '));
      assert.equal(live('api'), 2);
    });

    it('after an agent restart with no control plane heard yet, stops the at-most-one containers found by label, and only those', async () => {
      const first = newManager();
      first.setDesired([statefulPod(), replaceable()]);
      await wait('both running', () => appsOf('web-0')[0]?.details.running && appsOf('api')[0]?.details.running);
      await first.dispose();
      assert.equal(live('web-0'), 2, 'stopping the agent stops no container');
      const restarted = newManager();
      restarted.fence('no control plane reachable for 6.0s');
      await wait('web-0 stopped', () => live('web-0') === 0);
      assert.equal(live('api'), 2);
      assert.ok(runtime.calls.some((c) => /^stop k8s_app_web-0_.* SIGTERM 2$/.test(c)), runtime.calls.join(', '));
      restarted.setDesired([statefulPod(), replaceable()]);
      restarted.unfence();
      await wait('web-0 running again once confirmed', () => live('web-0') === 2);
    });

    it('holds a pod that arrives while fenced (created by the pod manager) until confirmed', async () => {
      const m = newManager();
      m.setDesired([replaceable()]);
      await wait('api running', () => appsOf('api')[0]?.details.running);
      m.fence('no control plane reachable for 6.0s');
      m.setDesired([statefulPod(), replaceable()]);
      const lists = runtime.lists;
      await wait('several resyncs', () => runtime.lists >= lists + 5);
      assert.equal(appsOf('web-0').length, 0);
    });
  });
});
