import assert from 'node:assert/strict';
import { checkNodeFit, effectiveTaints } from '../../../../control-plane/scheduler/node-fit';
import type { Pod } from '../../../../api/core-v1';
import { aNode, aPod } from './fixtures';

const failure = (fit: ReturnType<typeof checkNodeFit>) => (fit.fits ? undefined : { plugin: fit.plugin, reasons: fit.reasons, unresolvable: fit.unresolvable });

describe('checkNodeFit', () => {
  it('fits a pod on an empty Ready node', () => {
    assert.deepEqual(checkNodeFit(aPod({ cpu: '1', memory: '1Gi' }), aNode('pi-1'), []), { fits: true });
  });

  it('reports insufficient cpu and memory together, counting bound pods', () => {
    const bound = [aPod({ cpu: '3', memory: '3Gi' })];
    assert.deepEqual(failure(checkNodeFit(aPod({ cpu: '1500m', memory: '2Gi' }), aNode('pi-1'), bound)), {
      plugin: 'NodeResourcesFit',
      reasons: ['Insufficient cpu', 'Insufficient memory'],
      unresolvable: false,
    });
  });

  it('marks a request larger than the whole node as unresolvable', () => {
    assert.deepEqual(failure(checkNodeFit(aPod({ cpu: '8' }), aNode('pi-1'), [])), { plugin: 'NodeResourcesFit', reasons: ['Insufficient cpu'], unresolvable: true });
  });

  it('ignores terminated pods and the pod itself', () => {
    const done = { ...aPod({ cpu: '4' }), status: { phase: 'Succeeded' as const } };
    const pod = aPod({ cpu: '4' });
    assert.equal(checkNodeFit(pod, aNode('pi-1'), [done, pod]).fits, true);
  });

  it('limits the number of pods', () => {
    const node = aNode('pi-1', { cpu: '4', memory: '4Gi', pods: '2' });
    assert.deepEqual(failure(checkNodeFit(aPod(), node, [aPod(), aPod()])), { plugin: 'NodeResourcesFit', reasons: ['Too many pods'], unresolvable: false });
  });

  it('rejects a cordoned node unless the pod tolerates it', () => {
    const node = aNode('pi-1', undefined, { unschedulable: true });
    assert.deepEqual(failure(checkNodeFit(aPod(), node, [])), { plugin: 'NodeUnschedulable', reasons: ['node(s) were unschedulable'], unresolvable: true });
    const tolerant = aPod({}, { tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }] });
    assert.equal(checkNodeFit(tolerant, node, []).fits, true);
  });

  it('rejects untolerated NoSchedule and NoExecute taints but not PreferNoSchedule', () => {
    const node = aNode('pi-1', undefined, { taints: [{ key: 'soft', effect: 'PreferNoSchedule' }, { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] });
    assert.deepEqual(failure(checkNodeFit(aPod(), node, [])), { plugin: 'TaintToleration', reasons: ['node(s) had untolerated taint {dedicated: gpu}'], unresolvable: true });
    const tolerant = aPod({}, { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu' }] });
    assert.equal(checkNodeFit(tolerant, node, []).fits, true);
  });

  it('treats a node that is not Ready as tainted not-ready or unreachable', () => {
    const notReady = aNode('pi-1');
    notReady.status = { ...notReady.status, conditions: [{ type: 'Ready', status: 'False' }] };
    assert.deepEqual(failure(checkNodeFit(aPod(), notReady, []))?.reasons, ['node(s) had untolerated taint {node.kubernetes.io/not-ready: }']);
    const unknown = aNode('pi-2');
    unknown.status = { ...unknown.status, conditions: [{ type: 'Ready', status: 'Unknown' }] };
    assert.deepEqual(failure(checkNodeFit(aPod(), unknown, []))?.reasons, ['node(s) had untolerated taint {node.kubernetes.io/unreachable: }']);
    assert.deepEqual(effectiveTaints(aNode('pi-3')), []);
  });

  it('lets a pod tolerating not-ready onto a NotReady node', () => {
    const node = aNode('pi-1');
    node.status = { ...node.status, conditions: [] };
    const pod = aPod({}, { tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists' }] });
    assert.equal(checkNodeFit(pod, node, []).fits, true);
  });

  it('requires the nodeSelector labels', () => {
    const pod = aPod({}, { nodeSelector: { disk: 'ssd' } });
    assert.deepEqual(failure(checkNodeFit(pod, aNode('pi-1'), [])), { plugin: 'NodeAffinity', reasons: ["node(s) didn't match Pod's node affinity/selector"], unresolvable: true });
    const node = aNode('pi-2');
    node.metadata.labels = { disk: 'ssd' };
    assert.equal(checkNodeFit(pod, node, []).fits, true);
  });

  it('checks filters in Kubernetes order and stops at the first rejection', () => {
    const node = aNode('pi-1', { cpu: '1', memory: '1Gi', pods: '110' }, { unschedulable: true, taints: [{ key: 'x', effect: 'NoSchedule' }] });
    assert.equal(failure(checkNodeFit(aPod({ cpu: '2' }, { nodeSelector: { a: 'b' } }), node, []))?.plugin, 'NodeUnschedulable');
  });

  it('rejects a host port already in use on the node', () => {
    const withPort = (hostPort: number) => aPod({}, { containers: [{ name: 'c', image: 'x', ports: [{ containerPort: 80, hostPort, protocol: 'TCP' }] }] });
    assert.deepEqual(failure(checkNodeFit(withPort(8080), aNode('pi-1'), [withPort(8080)]))?.reasons, ["node(s) didn't have free ports for the requested pod ports"]);
    assert.equal(checkNodeFit(withPort(8081), aNode('pi-1'), [withPort(8080)]).fits, true);
  });

  it('counts a host port as taken per protocol and host IP, a wildcard IP overlapping every address (the NodePorts filter)', () => {
    const withPort = (protocol: 'TCP' | 'UDP', hostIP?: string) => aPod({}, { containers: [{ name: 'c', image: 'x', ports: [{ containerPort: 80, hostPort: 8080, protocol, hostIP }] }] });
    const cases: [string, Pod, Pod, boolean][] = [
      ['same port, other protocol', withPort('UDP'), withPort('TCP'), true],
      ['two distinct host IPs', withPort('TCP', '192.168.1.20'), withPort('TCP', '192.168.1.21'), true],
      ['a host IP under a wildcard', withPort('TCP', '192.168.1.20'), withPort('TCP'), false],
      ['0.0.0.0 is the wildcard', withPort('TCP', '0.0.0.0'), withPort('TCP', '192.168.1.21'), false],
      ['same UDP port', withPort('UDP'), withPort('UDP'), false],
    ];
    for (const [what, pod, existing, fits] of cases) assert.equal(checkNodeFit(pod, aNode('pi-1'), [existing]).fits, fits, what);
  });

  it('rejects a pod that names another node', () => {
    assert.deepEqual(failure(checkNodeFit(aPod({}, { nodeName: 'pi-9' }), aNode('pi-1'), []))?.reasons, ["node(s) didn't match the requested node name"]);
  });

  it('checks extended resources against allocatable', () => {
    const pod = aPod({ 'example.com/gpu': '1' });
    assert.deepEqual(failure(checkNodeFit(pod, aNode('pi-1'), []))?.reasons, ['Insufficient example.com/gpu']);
    assert.equal(checkNodeFit(pod, aNode('pi-2', { cpu: '1', memory: '1Gi', pods: '10', 'example.com/gpu': '1' }), []).fits, true);
  });
});
