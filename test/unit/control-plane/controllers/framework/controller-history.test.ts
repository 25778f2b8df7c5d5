import assert from 'node:assert/strict';
import type { DaemonSet } from '../../../../../api/apps-v1';
import { CONTROLLER_REVISION_HASH_LABEL_KEY } from '../../../../../api/apps-v1';
import {
  createControllerRevision, equalRevision, newControllerRevision, nextRevision, revisionData, sortRevisions, templateOfRevision,
} from '../../../../../control-plane/controllers/framework/controller-history';
import { KINDS } from '../../../../../control-plane/registry/kinds';
import { Registry } from '../../../../../control-plane/registry/registry';
import { MemoryStore } from '../../../../../control-plane/store/memory-store';

const ds = (image: string): DaemonSet => ({
  apiVersion: 'apps/v1', kind: 'DaemonSet',
  metadata: { name: 'agent', namespace: 'default', uid: 'ds-1' },
  spec: { selector: { matchLabels: { app: 'agent' } }, template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'c', image }] } } },
});

describe('controller history', () => {
  it('snapshots the template as a replace patch, labelled and owned, named by the hash', () => {
    const revision = newControllerRevision(ds('busybox:1'), 1);
    const hash = revision.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL_KEY] ?? '';
    assert.match(hash, /^[bcdfghjklmnpqrstvwxz2456789]+$/);
    assert.equal(revision.metadata.name, `agent-${hash}`);
    assert.equal(revision.metadata.labels?.app, 'agent');
    assert.equal(revision.metadata.ownerReferences?.[0]?.uid, 'ds-1');
    assert.deepEqual(revision.data, revisionData(ds('busybox:1')));
    assert.equal((revision.data as { spec: { template: { $patch: string } } }).spec.template.$patch, 'replace');
    assert.deepEqual(templateOfRevision(revision), ds('busybox:1').spec.template);
  });

  it('equal templates give equal revisions; another image another hash', () => {
    assert.ok(equalRevision(newControllerRevision(ds('busybox:1'), 1), newControllerRevision(ds('busybox:1'), 3)));
    assert.ok(!equalRevision(newControllerRevision(ds('busybox:1'), 1), newControllerRevision(ds('busybox:2'), 1)));
  });

  it('orders revisions and numbers the next one', () => {
    const [a, b] = [newControllerRevision(ds('busybox:1'), 2), newControllerRevision(ds('busybox:2'), 1)];
    assert.deepEqual(sortRevisions([a, b]).map((r) => r.revision), [1, 2]);
    assert.equal(nextRevision([a, b]), 3);
    assert.equal(nextRevision([]), 1);
  });

  it('a name taken by other data bumps the collision count; by equal data answers the existing revision', async () => {
    const registry = new Registry({ store: new MemoryStore(), keySpace: { prefix: '/registry' }, kinds: KINDS });
    await registry.create('namespaces', undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
    const parent = ds('busybox:1');
    const wanted = newControllerRevision(parent, 1);
    const squatter = { ...structuredClone(wanted), data: revisionData(ds('busybox:9')) };
    await registry.create('controllerrevisions.apps', 'default', squatter);
    const made = await createControllerRevision(registry, parent, wanted, 0);
    assert.equal(made.collisionCount, 1);
    assert.notEqual(made.revision.metadata.name, wanted.metadata.name);
    const again = await createControllerRevision(registry, parent, wanted, 1);
    assert.equal(again.revision.metadata.uid, made.revision.metadata.uid);
    assert.equal(again.collisionCount, 1);
  });
});
