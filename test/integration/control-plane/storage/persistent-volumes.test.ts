/**
 * PersistentVolumes, claims and StorageClasses through the real kubectl 1.32 against real etcd,
 * with the binder and the protection controllers running: `kubectl get pv,pvc,sc` columns, a
 * static hostPath volume bound to a claim by class, access modes and capacity (annotations and
 * phases as Kubernetes writes them), Released on the claim's deletion and kept (Retain), the
 * protection finalizers, and the bad input Kubernetes refuses with 422 (nothing written).
 */
import { strict as assert } from 'node:assert';
import { startApiServerFixture, type ApiServerFixture } from '../../../support/api-server-fixture';
import { ControllerHarness } from '../../../support/controller-harness';
import { withEtcd } from '../../../support/etcd-fixture';
import { until } from '../../../../scripts/cluster/wait-until';
import { persistentVolumeBinderController } from '../../../../control-plane/controllers/persistent-volume-binder-controller';
import { pvcProtectionController } from '../../../../control-plane/controllers/pvc-protection-controller';
import { pvProtectionController } from '../../../../control-plane/controllers/pv-protection-controller';
import { ensureDefaultStorageClass } from '../../../../control-plane/storage/default-storage-class';

const STATIC = `apiVersion: v1
kind: PersistentVolume
metadata:
  name: task-pv-volume
  labels: { type: local }
spec:
  storageClassName: manual
  capacity: { storage: 10Gi }
  accessModes: [ReadWriteOnce]
  hostPath: { path: /mnt/data }
---
apiVersion: v1
kind: PersistentVolume
metadata:
  name: small
spec:
  storageClassName: manual
  capacity: { storage: 1Gi }
  accessModes: [ReadWriteOnce]
  hostPath: { path: /mnt/small }
`;

const CLAIM = `apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: task-pv-claim
spec:
  storageClassName: manual
  accessModes: [ReadWriteOnce]
  resources: { requests: { storage: 3Gi } }
`;

describe('PersistentVolumes, claims and StorageClasses with the real kubectl (real etcd)', function () {
  this.timeout(60_000);
  const etcd = withEtcd();
  let api: ApiServerFixture;
  let controllers: ControllerHarness;

  before(async () => {
    api = await startApiServerFixture(etcd.get());
    await ensureDefaultStorageClass(api.registry);
    controllers = new ControllerHarness({ store: api.store, keySpace: api.keySpace, registry: api.registry }).run(persistentVolumeBinderController, pvcProtectionController, pvProtectionController);
  });
  after(async () => {
    await controllers?.stop();
    await api?.stop();
  });

  async function kubectl(args: string[], input?: string): Promise<{ code: number | null; stdout: string; out: string }> {
    const result = await api.kubectl(args, { input, timeoutMs: 20_000 });
    return { ...result, out: result.stdout + result.stderr };
  }
  async function ok(args: string[], input?: string): Promise<string> {
    const r = await kubectl(args, input);
    assert.equal(r.code, 0, r.out);
    return r.stdout;
  }
  const jsonpath = (args: string[], expr: string): Promise<string> => ok([...args, '-o', `jsonpath=${expr}`]);
  const eventually = <T>(what: string, f: () => Promise<T | undefined>): Promise<T> => until(f, { timeoutMs: 15_000, intervalMs: 200, describe: () => what });

  it('serves the default local-path class with the kubectl columns and the (default) marker', async () => {
    const out = await ok(['get', 'storageclass']);
    assert.match(out, /^NAME\s+PROVISIONER\s+RECLAIMPOLICY\s+VOLUMEBINDINGMODE\s+ALLOWVOLUMEEXPANSION\s+AGE\n/);
    assert.match(out, /\nlocal-path \(default\)\s+pikube\.dev\/local-path\s+Delete\s+WaitForFirstConsumer\s+false\s+/);
    await ok(['create', '-f', '-'], 'apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: { name: fast }\nprovisioner: example.com/fast\n');
    assert.equal(await jsonpath(['get', 'sc', 'fast'], '{.reclaimPolicy} {.volumeBindingMode}'), 'Delete Immediate');
  });

  it('binds a claim to the smallest static volume that fits, as Kubernetes writes it, and shows both in kubectl get', async () => {
    await ok(['apply', '-f', '-'], STATIC);
    await eventually('volumes Available', async () => ((await jsonpath(['get', 'pv'], '{.items[*].status.phase}')) === 'Available Available' ? true : undefined));
    await ok(['apply', '-f', '-'], CLAIM);
    await eventually('claim Bound', async () => ((await jsonpath(['get', 'pvc', 'task-pv-claim'], '{.status.phase}')) === 'Bound' ? true : undefined));
    const pvc = JSON.parse(await ok(['get', 'pvc', 'task-pv-claim', '-o', 'json'])) as { metadata: { annotations: Record<string, string>; finalizers: string[] }; spec: { volumeName: string }; status: unknown };
    assert.equal(pvc.spec.volumeName, 'task-pv-volume');
    assert.deepEqual(pvc.metadata.finalizers, ['kubernetes.io/pvc-protection']);
    assert.equal(pvc.metadata.annotations['pv.kubernetes.io/bind-completed'], 'yes');
    assert.equal(pvc.metadata.annotations['pv.kubernetes.io/bound-by-controller'], 'yes');
    assert.deepEqual(pvc.status, { phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '10Gi' } });
    assert.equal(await jsonpath(['get', 'pv', 'task-pv-volume'], '{.spec.claimRef.namespace}/{.spec.claimRef.name} {.status.phase} {.metadata.finalizers[0]}'), 'default/task-pv-claim Bound kubernetes.io/pv-protection');
    const pvs = await ok(['get', 'pv']);
    assert.match(pvs, /^NAME\s+CAPACITY\s+ACCESS MODES\s+RECLAIM POLICY\s+STATUS\s+CLAIM\s+STORAGECLASS\s+VOLUMEATTRIBUTESCLASS\s+REASON\s+AGE\n/);
    assert.match(pvs, /\ntask-pv-volume\s+10Gi\s+RWO\s+Retain\s+Bound\s+default\/task-pv-claim\s+manual\s+<unset>\s+\S+\n/);
    assert.match(pvs, /\nsmall\s+1Gi\s+RWO\s+Retain\s+Available\s+manual\s+<unset>\s+\S+\n/);
    assert.match(await ok(['get', 'pvc']), /\ntask-pv-claim\s+Bound\s+task-pv-volume\s+10Gi\s+RWO\s+manual\s+<unset>\s+\S+\n/);
  });

  it('gives a claim without a class the default class, where it waits for its first consumer', async () => {
    await ok(['create', '-f', '-'], 'apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: { name: plain }\nspec: { accessModes: [ReadWriteOnce], resources: { requests: { storage: 1Gi } } }\n');
    await eventually('default class', async () => ((await jsonpath(['get', 'pvc', 'plain'], '{.spec.storageClassName}')) === 'local-path' ? true : undefined));
    const events = await eventually('event', async () => {
      const out = await ok(['get', 'events', '--field-selector', 'involvedObject.name=plain']);
      return out.includes('WaitForFirstConsumer') ? out : undefined;
    });
    assert.match(events, /Normal\s+WaitForFirstConsumer\s+persistentvolumeclaim\/plain\s+waiting for first consumer to be created before binding/);
  });

  it('keeps a claim used by a pod Terminating until the pod is gone', async () => {
    await ok(['create', '-f', '-'], 'apiVersion: v1\nkind: Pod\nmetadata: { name: user }\nspec:\n  nodeName: pi1\n  containers: [{ name: c, image: busybox }]\n  volumes: [{ name: d, persistentVolumeClaim: { claimName: plain } }]\n');
    await ok(['delete', 'pvc', 'plain', '--wait=false']);
    await new Promise((r) => setTimeout(r, 1_000));
    assert.match(await ok(['get', 'pvc', 'plain', '--no-headers']), /^plain\s+Terminating\s/);
    await ok(['delete', 'pod', 'user', '--grace-period=0', '--force']);
    await eventually('claim gone', async () => ((await ok(['get', 'pvc', 'plain', '--ignore-not-found'])) === '' ? true : undefined));
  });

  it('releases a volume whose claim is deleted and, with Retain, keeps it', async () => {
    await ok(['delete', 'pvc', 'task-pv-claim']);
    await eventually('Released', async () => ((await jsonpath(['get', 'pv', 'task-pv-volume'], '{.status.phase}')) === 'Released' ? true : undefined));
    assert.match(await ok(['get', 'pv', 'task-pv-volume', '--no-headers']), /^task-pv-volume\s+10Gi\s+RWO\s+Retain\s+Released\s+default\/task-pv-claim\s/);
  });

  it('fails a released static volume with reclaim Delete: nothing here can delete its storage', async () => {
    await ok(['create', '-f', '-'], 'apiVersion: v1\nkind: PersistentVolume\nmetadata: { name: doomed }\nspec: { persistentVolumeReclaimPolicy: Delete, capacity: { storage: 1Gi }, accessModes: [ReadWriteOnce], hostPath: { path: /mnt/doomed }, claimRef: { namespace: default, name: gone, uid: \"1234\" } }\n');
    await eventually('Failed', async () => ((await jsonpath(['get', 'pv', 'doomed'], '{.status.phase}')) === 'Failed' ? true : undefined));
    assert.equal(await jsonpath(['get', 'pv', 'doomed'], '{.status.message}'), 'error getting deleter volume plugin for volume "doomed": no deletable volume plugin matched');
  });

  it('refuses bad volumes, classes and edits with 422 and the field, writing nothing', async () => {
    const cases: [string, RegExp][] = [
      ['apiVersion: v1\nkind: PersistentVolume\nmetadata: { name: bad1 }\nspec: { capacity: { storage: 1Gi }, accessModes: [ReadWriteOnce] }\n', /spec: Required value: must specify a volume type/],
      ['apiVersion: v1\nkind: PersistentVolume\nmetadata: { name: bad2 }\nspec: { capacity: { storage: 1Gi }, accessModes: [ReadWriteOnce], local: { path: /mnt/disk } }\n', /spec.nodeAffinity: Required value: Local volumes require node affinity/],
      ['apiVersion: v1\nkind: PersistentVolume\nmetadata: { name: bad3 }\nspec: { capacity: { storage: 1Gi }, accessModes: [ReadWriteOnce], hostPath: { path: /mnt/../etc } }\n', /spec.hostPath.path: Invalid value: "\/mnt\/..\/etc": must not contain '..'/],
      ['apiVersion: v1\nkind: PersistentVolume\nmetadata: { name: bad4 }\nspec: { capacity: { storage: 0 }, accessModes: [ReadWriteOnce], hostPath: { path: /mnt/x } }\n', /spec.capacity\[storage\]: Invalid value: "0": must be greater than zero/],
      ['apiVersion: v1\nkind: PersistentVolume\nmetadata: { name: bad5 }\nspec: { capacity: { storage: 1Gi }, hostPath: { path: /mnt/x }, nfs: { server: nas, path: /x } }\n', /spec.accessModes: Required value: must contain at least one access mode[\s\S]*spec.nfs: Forbidden: may not specify more than 1 volume type/],
      ['apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: { name: bad6 }\nprovisioner: example.com/x\nreclaimPolicy: Recycle\n', /reclaimPolicy: Unsupported value: "Recycle": supported values: "Delete", "Retain"/],
    ];
    for (const [manifest, want] of cases) {
      const r = await kubectl(['create', '-f', '-'], manifest);
      assert.notEqual(r.code, 0, manifest);
      assert.match(r.out, /is invalid/, r.out);
      assert.match(r.out, want, r.out);
    }
    assert.equal(await ok(['get', 'pv', 'bad1', 'bad2', 'bad3', 'bad4', 'bad5', '--ignore-not-found']), '');
    const edit = await kubectl(['patch', 'pv', 'small', '--type=merge', '-p', '{"spec":{"hostPath":{"path":"/mnt/other"}}}']);
    assert.match(edit.out, /spec.persistentvolumesource: Forbidden: spec.persistentvolumesource is immutable after creation/, edit.out);
    const sc = await kubectl(['patch', 'sc', 'fast', '--type=merge', '-p', '{"provisioner":"example.com/other"}']);
    assert.match(sc.out, /provisioner: Forbidden: updates to provisioner are forbidden./, sc.out);
  });
});
