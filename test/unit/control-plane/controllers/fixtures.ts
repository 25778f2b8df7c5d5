/** Builders for controller tests: services, pods, nodes, namespaces, as the API stores them. */
import type { Namespace, Node, Pod } from '../../../../api/core-v1';
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
