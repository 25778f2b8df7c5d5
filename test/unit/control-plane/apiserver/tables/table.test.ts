import { strict as assert } from 'node:assert';
import type { KubeObject } from '../../../../../api/meta';
import { deploymentPrinter } from '../../../../../control-plane/apiserver/tables/deployment-printer';
import { parseIncludeObject, type Printer } from '../../../../../control-plane/apiserver/tables/table';
import { toTable } from '../../../../../control-plane/apiserver/tables/to-table';
import { defaultStrategy } from '../../../../../control-plane/registry/default-strategy';
import { NAMESPACES, SERVICES } from '../../../../../control-plane/registry/kinds';
import { defineKind, type ResourceDefinition } from '../../../../../control-plane/registry/resource-definition';

const NOW = new Date('2024-05-01T12:00:00Z');

/** A kind not served (yet), with the printer given or the default one. */
function resource(group: string, plural: string, kind: string, printer?: Printer): ResourceDefinition {
  const strategy = defaultStrategy({ topLevelFields: [], hasStatus: true });
  return defineKind({ group, version: 'v1', resource: plural, singularName: kind.toLowerCase(), kind, listKind: `${kind}List`, namespaced: true, verbs: ['get', 'list'], strategy, ...(printer ? { printer } : {}) });
}

const namespaces: KubeObject[] = [
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default', uid: 'u1', resourceVersion: '5', creationTimestamp: '2024-04-30T12:00:00Z' }, status: { phase: 'Active' } },
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'old', uid: 'u2', resourceVersion: '9', creationTimestamp: '2024-05-01T11:00:00Z', deletionTimestamp: '2024-05-01T11:59:00Z' }, status: { phase: 'Terminating' } },
];

describe('Table output', () => {
  it('builds a meta.k8s.io/v1 Table with the resource printer and PartialObjectMetadata rows', () => {
    const table = toTable(NAMESPACES, namespaces, { now: NOW, resourceVersion: '42' });
    assert.equal(table.kind, 'Table');
    assert.equal(table.apiVersion, 'meta.k8s.io/v1');
    assert.deepEqual(table.metadata, { resourceVersion: '42' });
    assert.deepEqual(table.columnDefinitions.map((c) => c.name), ['Name', 'Status', 'Age']);
    assert.deepEqual(table.rows.map((r) => r.cells), [['default', 'Active', '24h'], ['old', 'Terminating', '60m']]);
    assert.deepEqual(table.rows[0].object, { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: namespaces[0].metadata });
  });

  it('carries the whole object with includeObject=Object and none with None', () => {
    const ns = NAMESPACES;
    assert.deepEqual(toTable(ns, namespaces, { now: NOW, includeObject: 'Object' }).rows[1].object, namespaces[1]);
    assert.equal('object' in toTable(ns, namespaces, { now: NOW, includeObject: 'None' }).rows[0], false);
  });

  it('leaves out the column definitions when asked for no headers', () => {
    assert.deepEqual(toTable(NAMESPACES, namespaces, { now: NOW, noHeaders: true }).columnDefinitions, []);
  });

  it('falls back to the default convertor: Name and Created At', () => {
    const lease: KubeObject = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', creationTimestamp: '2024-05-01T11:00:00.123Z' } };
    const table = toTable(resource('example.com', 'widgets', 'Widget'), [lease], { now: NOW });
    assert.deepEqual(table.columnDefinitions.map((c) => [c.name, c.type, c.format]), [['Name', 'string', 'name'], ['Created At', 'date', '']]);
    assert.deepEqual(table.rows[0].cells, ['w', '2024-05-01T11:00:00Z']);
  });

  it('prints deployments as kubectl shows them', () => {
    const deployment: KubeObject = {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', creationTimestamp: '2024-05-01T11:55:00Z' },
      spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: { spec: { containers: [{ name: 'app', image: 'app:1' }, { name: 'log', image: 'busybox' }] } } },
      status: { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 },
    };
    const table = toTable(resource('apps', 'deployments', 'Deployment', deploymentPrinter), [deployment], { now: NOW });
    assert.deepEqual(table.rows[0].cells, ['web', '2/3', 3, 2, '5m', 'app,log', 'app:1,busybox', 'app=web']);
  });

  it('prints services with their ports and external address', () => {
    const service: KubeObject = {
      apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', creationTimestamp: '2024-05-01T11:00:00Z' },
      spec: { type: 'NodePort', clusterIP: '10.43.0.10', clusterIPs: ['10.43.0.10'], ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }], selector: { app: 'web' } },
    };
    const table = toTable(SERVICES, [service], { now: NOW });
    assert.deepEqual(table.rows[0].cells, ['web', 'NodePort', '10.43.0.10', '<none>', '80:30080/TCP,53/UDP', '60m', 'app=web']);
  });

  it('accepts the includeObject values the apiserver accepts', () => {
    assert.equal(parseIncludeObject(undefined), 'Metadata');
    assert.equal(parseIncludeObject('Object'), 'Object');
    assert.equal(parseIncludeObject('bogus'), undefined);
  });
});
