/** Builders for scheduler tests: Ready nodes and pods with requests. */
import type { Node, Pod, PodSpec } from '../../../../api/core-v1';

export function aNode(name: string, allocatable: Record<string, string> = { cpu: '4', memory: '4Gi', pods: '110' }, patch: Partial<Node['spec']> = {}): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name } },
    spec: { ...patch },
    status: { allocatable, capacity: allocatable, conditions: [{ type: 'Ready', status: 'True' }] },
  };
}

let counter = 0;

export function aPod(requests: Record<string, string> = {}, spec: Partial<PodSpec> = {}, name = `p${++counter}`): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', uid: `uid-${name}` },
    spec: { containers: [{ name: 'c', image: 'busybox', resources: { requests } }], ...spec },
    status: { phase: 'Running' },
  };
}
