/** Builders for controller tests: services, pods, nodes, namespaces, replica sets, as the API stores them. */
import type { ReplicaSet } from '../../../../api/apps-v1';
import type { Namespace, Node, Pod } from '../../../../api/core-v1';
import type { OwnerReference } from '../../../../api/meta';
import type { Endpoints, Service, ServiceSpec } from '../../../../api/service-v1';

export function aService(name: string, spec: ServiceSpec = { selector: { app: name }, ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }] }, namespace = 'default'): Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace, uid: `uid-svc-${name}` }, spec: { clusterIP: '10.43.0.10', type: 'ClusterIP', ...spec } };
}

export interface PodShape {
  app?: string;
  ip?: string;
  ready?: boolean;
  nodeName?: string;
  namespace?: string;
}

export function aPod(name: string, { app = 'web', ip = '10.42.0.5', ready = true, nodeName = 'pi1', namespace = 'default' }: PodShape = {}): Pod {
  return {
    apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, uid: `uid-${name}`, labels: { app } },
    spec: { nodeName, containers: [{ name: 'c', image: 'busybox' }] },
    status: { phase: 'Running', podIP: ip, podIPs: [{ ip }], conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  };
}

export function aNode(name: string, { ready = 'True', ip = '192.168.1.10' }: { ready?: 'True' | 'False' | 'Unknown'; ip?: string } = {}): Node {
  return {
    apiVersion: 'v1', kind: 'Node', metadata: { name, uid: `uid-${name}` }, spec: {},
    status: { conditions: [{ type: 'Ready', status: ready, reason: 'KubeletReady', message: 'ready' }], addresses: [{ type: 'InternalIP', address: ip }] },
  };
}

export function anEndpoints(name: string, ips: string[], namespace = 'default'): Endpoints {
  return { apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace, uid: `uid-ep-${name}` }, subsets: [{ addresses: ips.map((ip) => ({ ip })), ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] }] };
}

export function aNamespace(name: string, terminating: boolean): Namespace {
  return {
    apiVersion: 'v1', kind: 'Namespace', metadata: { name, ...(terminating ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) },
    spec: { finalizers: ['kubernetes'] }, status: { phase: terminating ? 'Terminating' : 'Active' },
  };
}

/** A ReplicaSet selecting app=<app> whose template adds tier=front, as the registry stores it (generation 1). */
export function aReplicaSet(name: string, replicas: number, owner?: OwnerReference, app = 'web'): ReplicaSet {
  return {
    apiVersion: 'apps/v1', kind: 'ReplicaSet',
    metadata: { name, namespace: 'default', uid: `uid-rs-${name}`, generation: 1, ...(owner ? { ownerReferences: [owner] } : {}) },
    spec: {
      replicas, selector: { matchLabels: { app } },
      template: { metadata: { labels: { app, tier: 'front' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } },
    },
  };
}

export interface OwnedPodShape {
  phase?: 'Pending' | 'Running' | 'Succeeded' | 'Failed';
  ready?: boolean;
  nodeName?: string;
  created?: string;
  readySince?: string;
}

/** A pod `rs` controls (an orphan when undefined), with the template's labels unless given. */
export function ownedPod(name: string, rs: ReplicaSet | undefined, labels?: Record<string, string>, namespace = 'default', shape: OwnedPodShape = {}): Pod {
  const { phase = 'Running', ready = phase === 'Running', nodeName = 'pi1', created = '2026-01-01T10:00:00Z', readySince = created } = shape;
  const ownerReferences = rs ? [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rs.metadata.name ?? '', uid: rs.metadata.uid ?? '', controller: true, blockOwnerDeletion: true }] : undefined;
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace, uid: `uid-${name}`, creationTimestamp: created, labels: labels ?? { app: 'web', tier: 'front' }, ...(ownerReferences ? { ownerReferences } : {}) },
    spec: { ...(nodeName ? { nodeName } : {}), containers: [{ name: 'c', image: 'busybox' }] },
    status: { phase, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: readySince }] },
  };
}
