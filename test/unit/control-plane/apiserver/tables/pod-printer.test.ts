import { strict as assert } from 'node:assert';
import type { ContainerState, ContainerStatus, Pod, PodCondition, PodStatus } from '../../../../../api/core-v1';
import { podPrinter, summarizePod } from '../../../../../control-plane/apiserver/tables/pod-printer';

const NOW = new Date('2024-05-01T12:00:00Z');
const minutesAgo = (m: number): string => new Date(NOW.getTime() - m * 60_000).toISOString();

/** Builds pods the way the kubelet reports them. */
class PodBuilder {
  private readonly pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'default', creationTimestamp: minutesAgo(90) },
    spec: { containers: [{ name: 'app', image: 'app:1' }] },
    status: { phase: 'Running' },
  };

  containers(...names: string[]): this {
    this.pod.spec.containers = names.map((name) => ({ name, image: `${name}:1` }));
    return this;
  }

  initContainers(...specs: { name: string; sidecar?: boolean }[]): this {
    this.pod.spec.initContainers = specs.map((s) => ({ name: s.name, ...(s.sidecar ? { restartPolicy: 'Always' as const } : {}) }));
    return this;
  }

  status(status: Partial<PodStatus>): this {
    Object.assign(this.pod.status!, status);
    return this;
  }

  deleting(): this {
    this.pod.metadata.deletionTimestamp = minutesAgo(1);
    return this;
  }

  build(): Pod {
    return structuredClone(this.pod);
  }
}

const aPod = (): PodBuilder => new PodBuilder();

function cs(name: string, state: ContainerState, extra: Partial<ContainerStatus> = {}): ContainerStatus {
  return { name, state, ready: false, restartCount: 0, image: `${name}:1`, imageID: '', ...extra };
}

const running: ContainerState = { running: { startedAt: minutesAgo(60) } };
const waiting = (reason: string): ContainerState => ({ waiting: { reason } });
const terminated = (exitCode: number, reason?: string, signal?: number): ContainerState =>
  ({ terminated: { exitCode, ...(reason ? { reason } : {}), ...(signal ? { signal } : {}) } });
const condition = (type: string, status: 'True' | 'False', reason?: string): PodCondition => ({ type, status, ...(reason ? { reason } : {}) });

const cases: [string, Pod, { ready: string; status: string; restarts?: string }][] = [
  ['a pending pod without statuses', aPod().status({ phase: 'Pending' }).build(), { ready: '0/1', status: 'Pending', restarts: '0' }],
  ['a running, ready pod', aPod().status({ containerStatuses: [cs('app', running, { ready: true })] }).build(), { ready: '1/1', status: 'Running' }],
  ['a running pod whose container is not ready', aPod().status({ containerStatuses: [cs('app', running)] }).build(), { ready: '0/1', status: 'Running' }],
  ['a container being created', aPod().status({ phase: 'Pending', containerStatuses: [cs('app', waiting('ContainerCreating'))] }).build(),
    { ready: '0/1', status: 'ContainerCreating' }],
  ['an image that cannot be pulled', aPod().status({ phase: 'Pending', containerStatuses: [cs('app', waiting('ImagePullBackOff'))] }).build(),
    { ready: '0/1', status: 'ImagePullBackOff' }],
  ['a crash-looping container, with its last restart', aPod().status({
    containerStatuses: [cs('app', waiting('CrashLoopBackOff'), {
      restartCount: 5, lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: minutesAgo(5) } },
    })],
  }).build(), { ready: '0/1', status: 'CrashLoopBackOff', restarts: '5 (5m ago)' }],
  ['a pod whose first container fails while the second runs', aPod().containers('a', 'b').status({
    containerStatuses: [cs('a', waiting('CrashLoopBackOff'), { restartCount: 2 }), cs('b', running, { ready: true })],
  }).build(), { ready: '1/2', status: 'CrashLoopBackOff', restarts: '2' }],
  ['an init container running first of two', aPod().initContainers({ name: 'i1' }, { name: 'i2' }).status({
    phase: 'Pending',
    initContainerStatuses: [cs('i1', running), cs('i2', waiting('PodInitializing'))],
    containerStatuses: [cs('app', waiting('PodInitializing'))],
  }).build(), { ready: '0/1', status: 'Init:0/2' }],
  ['the second init container running', aPod().initContainers({ name: 'i1' }, { name: 'i2' }).status({
    phase: 'Pending', initContainerStatuses: [cs('i1', terminated(0, 'Completed')), cs('i2', running)],
  }).build(), { ready: '0/1', status: 'Init:1/2' }],
  ['a crash-looping init container', aPod().initContainers({ name: 'i1' }).status({
    phase: 'Pending', initContainerStatuses: [cs('i1', waiting('CrashLoopBackOff'), { restartCount: 3 })],
  }).build(), { ready: '0/1', status: 'Init:CrashLoopBackOff', restarts: '3' }],
  ['a failed init container', aPod().initContainers({ name: 'i1' }).status({
    phase: 'Failed', initContainerStatuses: [cs('i1', terminated(1, 'Error'))],
  }).build(), { ready: '0/1', status: 'Init:Error' }],
  ['an init container exiting without a reason', aPod().initContainers({ name: 'i1' }).status({
    phase: 'Pending', initContainerStatuses: [cs('i1', terminated(3))],
  }).build(), { ready: '0/1', status: 'Init:ExitCode:3' }],
  ['an init container killed by a signal', aPod().initContainers({ name: 'i1' }).status({
    phase: 'Pending', initContainerStatuses: [cs('i1', terminated(137, undefined, 9))],
  }).build(), { ready: '0/1', status: 'Init:Signal:9' }],
  ['a completed pod', aPod().status({ phase: 'Succeeded', containerStatuses: [cs('app', terminated(0, 'Completed'))] }).build(),
    { ready: '0/1', status: 'Completed' }],
  ['a failed pod', aPod().status({ phase: 'Failed', containerStatuses: [cs('app', terminated(1, 'Error'))] }).build(),
    { ready: '0/1', status: 'Error' }],
  ['a container exiting without a reason', aPod().status({ containerStatuses: [cs('app', terminated(2))] }).build(),
    { ready: '0/1', status: 'ExitCode:2' }],
  ['a container killed by a signal', aPod().status({ containerStatuses: [cs('app', terminated(143, undefined, 15))] }).build(),
    { ready: '0/1', status: 'Signal:15' }],
  ['a pod being deleted', aPod().deleting().status({ containerStatuses: [cs('app', running, { ready: true })] }).build(),
    { ready: '1/1', status: 'Terminating' }],
  ['a pod being deleted from a lost node', aPod().deleting().status({ reason: 'NodeLost', containerStatuses: [cs('app', running, { ready: true })] }).build(),
    { ready: '1/1', status: 'Unknown' }],
  ['a completed pod being deleted', aPod().deleting().status({ phase: 'Succeeded', containerStatuses: [cs('app', terminated(0, 'Completed'))] }).build(),
    { ready: '0/1', status: 'Completed' }],
  ['a pod held by a scheduling gate', aPod().status({ phase: 'Pending', conditions: [condition('PodScheduled', 'False', 'SchedulingGated')] }).build(),
    { ready: '0/1', status: 'SchedulingGated' }],
  ['an evicted pod', aPod().status({ phase: 'Failed', reason: 'Evicted', containerStatuses: [cs('app', terminated(137, 'ContainerStatusUnknown'))] }).build(),
    { ready: '0/1', status: 'ContainerStatusUnknown' }],
  ['an evicted pod without container statuses', aPod().status({ phase: 'Failed', reason: 'Evicted' }).build(), { ready: '0/1', status: 'Evicted' }],
  ['one container completed, one running and the pod ready', aPod().containers('a', 'b').status({
    conditions: [condition('Ready', 'True')],
    containerStatuses: [cs('a', terminated(0, 'Completed')), cs('b', running, { ready: true })],
  }).build(), { ready: '1/2', status: 'Running' }],
  ['one container completed, one running and the pod not ready', aPod().containers('a', 'b').status({
    conditions: [condition('Ready', 'False')],
    containerStatuses: [cs('a', terminated(0, 'Completed')), cs('b', running, { ready: true })],
  }).build(), { ready: '1/2', status: 'NotReady' }],
  ['a started sidecar and a running container', aPod().initContainers({ name: 'proxy', sidecar: true }).status({
    conditions: [condition('Initialized', 'True'), condition('Ready', 'True')],
    initContainerStatuses: [cs('proxy', running, { started: true, ready: true, restartCount: 1 })],
    containerStatuses: [cs('app', running, { ready: true, restartCount: 2 })],
  }).build(), { ready: '2/2', status: 'Running', restarts: '3' }],
  ['a sidecar not started yet', aPod().initContainers({ name: 'proxy', sidecar: true }).status({
    phase: 'Pending', initContainerStatuses: [cs('proxy', running, { started: false })],
  }).build(), { ready: '0/2', status: 'Init:0/1' }],
];

describe('pod table printer', () => {
  for (const [name, pod, expected] of cases) {
    it(`shows ${expected.status} for ${name}`, () => {
      const [, ready, status, restarts] = podPrinter.cells(pod, NOW);
      assert.equal(status, expected.status);
      assert.equal(ready, expected.ready);
      if (expected.restarts !== undefined) assert.equal(restarts, expected.restarts);
    });
  }

  it('has the columns of the Kubernetes pod printer, wide ones at priority 1', () => {
    assert.deepEqual(podPrinter.columns.map((c) => [c.name, c.type, c.format, c.priority]), [
      ['Name', 'string', 'name', 0], ['Ready', 'string', '', 0], ['Status', 'string', '', 0], ['Restarts', 'string', '', 0],
      ['Age', 'string', '', 0], ['IP', 'string', '', 1], ['Node', 'string', '', 1], ['Nominated Node', 'string', '', 1],
      ['Readiness Gates', 'string', '', 1],
    ]);
    assert.ok(podPrinter.columns.every((c) => c.description.length > 0));
  });

  it('fills the wide cells: IP, node, nominated node, readiness gates', () => {
    const pod = aPod().status({
      podIP: '10.42.0.7', podIPs: [{ ip: '10.42.0.7' }], conditions: [condition('example.com/lb', 'True')],
    }).build();
    pod.spec.nodeName = 'pi-1';
    pod.spec.readinessGates = [{ conditionType: 'example.com/lb' }, { conditionType: 'example.com/dns' }];
    assert.deepEqual(podPrinter.cells(pod, NOW), ['web', '0/1', 'Running', '0', '90m', '10.42.0.7', 'pi-1', '<none>', '1/2']);
  });

  it('shows <none> for an unscheduled pod without IP or gates', () => {
    const cells = podPrinter.cells(aPod().status({ phase: 'Pending' }).build(), NOW);
    assert.deepEqual(cells.slice(5), ['<none>', '<none>', '<none>', '<none>']);
  });

  it('marks finished pods with a Completed row condition', () => {
    assert.deepEqual(podPrinter.conditions?.(aPod().status({ phase: 'Succeeded' }).build()),
      [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }]);
    assert.deepEqual(podPrinter.conditions?.(aPod().status({ phase: 'Failed' }).build()),
      [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }]);
    assert.equal(podPrinter.conditions?.(aPod().build()), undefined);
  });

  it('counts init container restarts only while initializing', () => {
    const initializing = aPod().initContainers({ name: 'i1' }).status({
      phase: 'Pending', initContainerStatuses: [cs('i1', waiting('CrashLoopBackOff'), { restartCount: 4 })],
      containerStatuses: [cs('app', waiting('PodInitializing'), { restartCount: 0 })],
    }).build();
    assert.equal(summarizePod(initializing).restarts, 4);
    const initialized = aPod().initContainers({ name: 'i1' }).status({
      initContainerStatuses: [cs('i1', terminated(0, 'Completed'), { restartCount: 4 })],
      containerStatuses: [cs('app', running, { ready: true, restartCount: 1 })],
    }).build();
    assert.equal(summarizePod(initialized).restarts, 1);
  });
});
