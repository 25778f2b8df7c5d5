import assert from 'node:assert/strict';
import type { Taint, Toleration } from '../../../../api/core-v1';
import { daemonPodFor, daemonPodTemplate, daemonPodTolerations, nodeShouldRunDaemonPod, pinnedToNode, targetNodeName } from '../../../../control-plane/controllers/daemon-set-pods';
import { matchesNodeSelectorAndAffinity } from '../../../../control-plane/scheduler/node-affinity';
import { aDaemonPod, aDaemonSet, aNodeNamed } from './daemon-set-fixtures';

const DAEMON_TOLERATIONS: Toleration[] = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
];

describe('daemon set pods: the tolerations the controller adds', () => {
  const cases: { name: string; own?: Toleration[]; hostNetwork?: boolean; want: Toleration[] }[] = [
    { name: 'not-ready and unreachable NoExecute forever, the pressure and unschedulable NoSchedule', want: DAEMON_TOLERATIONS },
    { name: 'network-unavailable too for a hostNetwork pod', hostNetwork: true, want: [...DAEMON_TOLERATIONS, { key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' }] },
    { name: 'keeps the template\'s own tolerations first', own: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }], want: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }, ...DAEMON_TOLERATIONS] },
    { name: 'replaces a matching toleration with tolerationSeconds by the unbounded one, in place',
      own: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }],
      want: [DAEMON_TOLERATIONS[1], DAEMON_TOLERATIONS[0], ...DAEMON_TOLERATIONS.slice(2)] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(daemonPodTolerations({ containers: [], ...(c.own ? { tolerations: c.own } : {}), ...(c.hostNetwork ? { hostNetwork: true } : {}) }), c.want);
    });
  }
});

describe('daemon set pods: which nodes should run the pod (NodeShouldRunDaemonPod)', () => {
  const noSchedule = (key: string, value?: string): Taint => ({ key, ...(value ? { value } : {}), effect: 'NoSchedule' });
  const noExecute = (key: string): Taint => ({ key, effect: 'NoExecute' });
  const ds = aDaemonSet('agent');
  const cases: { name: string; node: ReturnType<typeof aNodeNamed>; spec?: Partial<typeof ds.spec.template.spec>; run: boolean; keep: boolean }[] = [
    { name: 'a plain node runs it', node: aNodeNamed('pi1'), run: true, keep: true },
    { name: 'a node matching the nodeSelector runs it', node: aNodeNamed('pi1', { labels: { disk: 'ssd' } }), spec: { nodeSelector: { disk: 'ssd' } }, run: true, keep: true },
    { name: 'a node the nodeSelector does not match neither runs nor keeps it', node: aNodeNamed('pi1'), spec: { nodeSelector: { disk: 'ssd' } }, run: false, keep: false },
    { name: 'required node affinity is honoured', node: aNodeNamed('pi1', { labels: { arch: 'arm64' } }),
      spec: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'arch', operator: 'In', values: ['armv7'] }] }] } } } }, run: false, keep: false },
    { name: 'a template nodeName picks one node', node: aNodeNamed('pi1'), spec: { nodeName: 'pi2' }, run: false, keep: false },
    { name: 'an untolerated NoSchedule taint stops new pods but keeps running ones', node: aNodeNamed('pi1', { taints: [noSchedule('dedicated', 'db')] }), run: false, keep: true },
    { name: 'an untolerated NoExecute taint evicts', node: aNodeNamed('pi1', { taints: [noExecute('dedicated')] }), run: false, keep: false },
    { name: 'a tolerated taint does not matter', node: aNodeNamed('pi1', { taints: [noSchedule('dedicated', 'db')] }), spec: { tolerations: [{ key: 'dedicated', operator: 'Exists' }] }, run: true, keep: true },
    { name: 'a PreferNoSchedule taint does not matter', node: aNodeNamed('pi1', { taints: [{ key: 'x', effect: 'PreferNoSchedule' }] }), run: true, keep: true },
    { name: 'an unschedulable (cordoned) node still runs daemon pods', node: aNodeNamed('pi1', { unschedulable: true, taints: [noSchedule('node.kubernetes.io/unschedulable')] }), run: true, keep: true },
    { name: 'an unreachable node keeps its daemon pods (NoExecute tolerated)', node: aNodeNamed('pi1', { taints: [noSchedule('node.kubernetes.io/unreachable'), noExecute('node.kubernetes.io/unreachable')] }), run: false, keep: true },
    { name: 'a not-ready node gets none (its NoSchedule taint is not tolerated)', node: aNodeNamed('pi1', { taints: [noSchedule('node.kubernetes.io/not-ready')] }), run: false, keep: true },
    { name: 'memory pressure does not stop daemon pods', node: aNodeNamed('pi1', { taints: [noSchedule('node.kubernetes.io/memory-pressure')] }), run: true, keep: true },
    { name: 'network-unavailable stops pods off the host network', node: aNodeNamed('pi1', { taints: [noSchedule('node.kubernetes.io/network-unavailable')] }), run: false, keep: true },
    { name: 'network-unavailable does not stop host-network pods', node: aNodeNamed('pi1', { taints: [noSchedule('node.kubernetes.io/network-unavailable')] }), spec: { hostNetwork: true }, run: true, keep: true },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const set = { ...ds, spec: { ...ds.spec, template: { ...ds.spec.template, spec: { ...ds.spec.template.spec, ...(c.spec ?? {}) } } } };
      assert.deepEqual(nodeShouldRunDaemonPod(c.node, set), { shouldRun: c.run, shouldContinueRunning: c.keep });
    });
  }
});

describe('daemon set pods: pinned to their node', () => {
  it('a pod is created pinned by a required matchFields term on metadata.name, keeping preferred terms', () => {
    const preferred = [{ weight: 1, preference: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] } }];
    const affinity = pinnedToNode({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'arch', operator: 'Exists' }] }] }, preferredDuringSchedulingIgnoredDuringExecution: preferred } }, 'pi2');
    assert.deepEqual(affinity, { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['pi2'] }] }] }, preferredDuringSchedulingIgnoredDuringExecution: preferred } });
  });

  it('the template gets the daemon tolerations and the hash and template-generation labels; the pod its owner and node', () => {
    const ds = aDaemonSet('agent');
    const pod = daemonPodFor(ds, daemonPodTemplate(ds, 'abc12'), 'pi2');
    assert.equal(pod.metadata.generateName, 'agent-');
    assert.deepEqual(pod.metadata.labels, { app: 'agent', 'pod-template-generation': '1', 'controller-revision-hash': 'abc12' });
    assert.deepEqual(pod.metadata.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'agent', uid: 'uid-ds-agent', controller: true, blockOwnerDeletion: true }]);
    assert.deepEqual(pod.spec.tolerations, DAEMON_TOLERATIONS);
    assert.equal(targetNodeName(pod), 'pi2');
    assert.equal(matchesNodeSelectorAndAffinity(pod, aNodeNamed('pi2')), true, 'the scheduler places it on pi2');
    assert.equal(matchesNodeSelectorAndAffinity(pod, aNodeNamed('pi1')), false, 'and nowhere else');
  });

  it('the target node is the bound node, else the pinned one, else none', () => {
    assert.equal(targetNodeName(aDaemonPod('a', undefined, 'pi3')), 'pi3');
    assert.equal(targetNodeName(aDaemonPod('a', undefined, 'pi3', { unscheduled: true })), 'pi3');
    const bare = aDaemonPod('a', undefined, 'pi3', { unscheduled: true });
    assert.equal(targetNodeName({ ...bare, spec: { containers: [] } }), undefined);
  });
});
