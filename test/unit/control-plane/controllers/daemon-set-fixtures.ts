/** Builders for DaemonSet controller tests: daemon sets, nodes with labels and taints, daemon pods on nodes. */
import type { DaemonSet } from '../../../../api/apps-v1';
import type { Node, Pod, Taint } from '../../../../api/core-v1';

/** A DaemonSet selecting app=<name>, rolling with maxUnavailable 1 unless given, as the registry stores it. */
export function aDaemonSet(name: string, spec: Partial<DaemonSet['spec']> = {}, extra: { generation?: number; observedGeneration?: number } = {}): DaemonSet {
  return {
    apiVersion: 'apps/v1', kind: 'DaemonSet',
    metadata: { name, namespace: 'default', uid: `uid-ds-${name}`, generation: extra.generation ?? 1, annotations: { 'deprecated.daemonset.template.generation': '1' } },
    spec: {
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'busybox:1' }] } },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
      revisionHistoryLimit: 10,
      ...spec,
    },
    status: { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0, ...(extra.observedGeneration ? { observedGeneration: extra.observedGeneration } : {}) },
  };
}

export function withStrategy(ds: DaemonSet, maxUnavailable: number | string, maxSurge: number | string): DaemonSet {
  return { ...ds, spec: { ...ds.spec, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable, maxSurge } } } };
}

export interface NodeShape {
  labels?: Record<string, string>;
  taints?: Taint[];
  unschedulable?: boolean;
}

export function aNodeNamed(name: string, { labels = {}, taints, unschedulable }: NodeShape = {}): Node {
  return {
    apiVersion: 'v1', kind: 'Node', metadata: { name, uid: `uid-node-${name}`, labels: { 'kubernetes.io/hostname': name, ...labels } },
    spec: { ...(taints ? { taints } : {}), ...(unschedulable ? { unschedulable } : {}) },
    status: { conditions: [{ type: 'Ready', status: 'True' }] },
  };
}

export interface DaemonPodShape {
  hash?: string;
  phase?: 'Pending' | 'Running' | 'Succeeded' | 'Failed';
  ready?: boolean;
  created?: string;
  readySince?: string;
  deleting?: boolean;
  /** Not bound yet: pinned through its node affinity only. */
  unscheduled?: boolean;
}

/** A pod of `ds` on `node` (an orphan when ds is undefined), labelled with the revision hash (default "h1"). */
export function aDaemonPod(name: string, ds: DaemonSet | undefined, node: string, shape: DaemonPodShape = {}): Pod {
  const { hash = 'h1', phase = 'Running', ready = phase === 'Running', created = '2026-01-01T10:00:00Z', readySince = created } = shape;
  const app = ds?.metadata.name ?? 'agent';
  const ownerReferences = ds ? [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: ds.metadata.name ?? '', uid: ds.metadata.uid ?? '', controller: true, blockOwnerDeletion: true }] : undefined;
  const affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [node] }] }] } } };
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: {
      name, namespace: 'default', uid: `uid-${name}`, creationTimestamp: created, labels: { app, 'controller-revision-hash': hash },
      ...(ownerReferences ? { ownerReferences } : {}), ...(shape.deleting ? { deletionTimestamp: '2026-01-01T11:59:00Z' } : {}),
    },
    spec: { ...(shape.unscheduled ? {} : { nodeName: node }), affinity, containers: [{ name: 'c', image: 'busybox:1' }] },
    status: { phase, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: readySince }] },
  };
}
