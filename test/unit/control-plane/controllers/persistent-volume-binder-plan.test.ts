import assert from 'node:assert/strict';
import type { PersistentVolume } from '../../../../api/storage-v1';
import { planClaim, planVolume, type BinderInputs, type BinderPlan } from '../../../../control-plane/controllers/persistent-volume-binder-plan';
import { aClaim, aClass, aNode, aVolume, type StoredClaim } from '../storage/volume-builders';

function inputs(volumes: PersistentVolume[], over: Partial<BinderInputs> = {}): BinderInputs {
  const classes = [aClass('manual', { provisioner: 'kubernetes.io/no-provisioner' }), aClass('local-path', { volumeBindingMode: 'WaitForFirstConsumer' }), aClass('fast')];
  return {
    volumes, volumeOf: (n) => volumes.find((v) => v.metadata.name === n), classOf: (n) => classes.find((c) => c.metadata.name === n),
    defaultClass: undefined, nodeOf: (n) => aNode(n), deletingProvisioners: ['pikube.dev/local-path'], ...over,
  };
}

/** A short account of a plan: each write as op name → phase, and each event as reason. */
function summary(plan: BinderPlan): string[] {
  return [
    ...plan.writes.map((w) => (w.op === 'deleteVolume' ? `delete ${w.volume.metadata.name}` : w.op === 'volume' ? `volume ${w.volume.metadata.name} → ${w.status?.phase ?? '-'}` : `claim ${w.claim.metadata.name} → ${w.status?.phase ?? '-'}`)),
    ...plan.events.map((e) => `${e.type} ${e.reason}: ${e.message}`),
  ];
}

describe('PersistentVolume controller plan: claims', () => {
  it('binds an unbound claim to a matching volume: claimRef and bound-by-controller on the volume, volumeName and bind-completed on the claim', () => {
    const plan = planClaim(aClaim('data'), inputs([aVolume('pv1')]));
    assert.deepEqual(summary(plan), ['volume pv1 → Bound', 'claim data → Bound']);
    const [volume, claim] = plan.writes;
    assert.ok(volume.op === 'volume' && claim.op === 'claim');
    assert.deepEqual(volume.volume.spec?.claimRef, { kind: 'PersistentVolumeClaim', namespace: 'default', name: 'data', uid: 'uid-data', apiVersion: 'v1', resourceVersion: '7' });
    assert.equal(volume.volume.metadata.annotations?.['pv.kubernetes.io/bound-by-controller'], 'yes');
    assert.equal(claim.claim.spec?.volumeName, 'pv1');
    assert.deepEqual(claim.claim.metadata.annotations, { 'pv.kubernetes.io/bound-by-controller': 'yes', 'pv.kubernetes.io/bind-completed': 'yes' });
    assert.deepEqual(claim.status, { phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '1Gi' } });
  });

  const cases: { name: string; claim: StoredClaim; volumes?: PersistentVolume[]; over?: Partial<BinderInputs>; want: string[] }[] = [
    { name: 'a claim of class "" with no volume waits with FailedBinding', claim: aClaim('data', { storageClassName: '' }),
      want: ['claim data → Pending', 'Normal FailedBinding: no persistent volumes available for this claim and no storage class is set'] },
    { name: 'a claim of a missing class waits with ProvisioningFailed', claim: aClaim('data', { storageClassName: 'gold' }),
      want: ['claim data → Pending', 'Warning ProvisioningFailed: storageclass.storage.k8s.io "gold" not found'] },
    { name: 'a WaitForFirstConsumer claim without a selected node waits for its consumer', claim: aClaim('data', { storageClassName: 'local-path' }), volumes: [aVolume('pv1', { storageClassName: 'local-path' })],
      want: ['claim data → Pending', 'Normal WaitForFirstConsumer: waiting for first consumer to be created before binding'] },
    { name: 'a WaitForFirstConsumer claim with a selected node and a volume there binds', claim: aClaim('data', { storageClassName: 'local-path' }, { 'volume.kubernetes.io/selected-node': 'pi1' }),
      volumes: [aVolume('pv1', { storageClassName: 'local-path' })], want: ['volume pv1 → Bound', 'claim data → Bound'] },
    { name: 'a claim with a selected node and no volume is handed to the provisioner', claim: aClaim('data', { storageClassName: 'local-path' }, { 'volume.kubernetes.io/selected-node': 'pi1' }),
      want: ['claim data → Pending', "Normal ExternalProvisioning: Waiting for a volume to be created either by the external provisioner 'pikube.dev/local-path' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered."] },
    { name: 'a claim without a class gets the default class first', claim: aClaim('data', { storageClassName: undefined }), over: { defaultClass: aClass('local-path') }, want: ['claim data → -'] },
    { name: 'a claim naming a volume bound elsewhere waits', claim: aClaim('data', { volumeName: 'pv1' }), volumes: [aVolume('pv1', { claimRef: { namespace: 'default', name: 'other', uid: 'x' } })],
      want: ['claim data → Pending', 'Warning FailedBinding: volume "pv1" already bound to a different claim.'] },
    { name: 'a claim naming a too small volume waits', claim: aClaim('data', { volumeName: 'pv1', resources: { requests: { storage: '5Gi' } } }), volumes: [aVolume('pv1')],
      want: ['claim data → Pending', 'Warning FailedBinding: Cannot bind to requested volume "pv1": requested PV is too small'] },
    { name: 'a claim naming a free volume binds to it', claim: aClaim('data', { volumeName: 'pv1' }), volumes: [aVolume('pv1')], want: ['volume pv1 → Bound', 'claim data → Bound'] },
    { name: 'a bound claim whose volume is gone is Lost', claim: aClaim('data', { volumeName: 'pv1' }, { 'pv.kubernetes.io/bind-completed': 'yes' }),
      want: ['claim data → Lost', 'Warning ClaimLost: Bound claim has lost its PersistentVolume. Data on the volume is lost!'] },
    { name: 'a bound claim whose volume names another claim is Lost (misbound)', claim: aClaim('data', { volumeName: 'pv1' }, { 'pv.kubernetes.io/bind-completed': 'yes' }),
      volumes: [aVolume('pv1', { claimRef: { namespace: 'default', name: 'other', uid: 'x' } })],
      want: ['claim data → Lost', 'Warning ClaimMisbound: Two claims are bound to the same volume, this one is bound incorrectly'] },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(summary(planClaim(c.claim, inputs(c.volumes ?? [], c.over))), c.want));

  it('gives a classless claim the default class name', () => {
    const [write] = planClaim(aClaim('data', { storageClassName: undefined }), inputs([], { defaultClass: aClass('local-path') })).writes;
    assert.ok(write.op === 'claim');
    assert.equal(write.claim.spec?.storageClassName, 'local-path');
  });

  it('annotates the claim for the provisioner (both annotations)', () => {
    const [write] = planClaim(aClaim('data', { storageClassName: 'fast' }), inputs([])).writes;
    assert.ok(write.op === 'claim');
    assert.equal(write.claim.metadata.annotations?.['volume.kubernetes.io/storage-provisioner'], 'pikube.dev/local-path');
    assert.equal(write.claim.metadata.annotations?.['volume.beta.kubernetes.io/storage-provisioner'], 'pikube.dev/local-path');
  });
});

describe('PersistentVolume controller plan: volumes', () => {
  const claims = new Map<string, StoredClaim>();
  const claimOf = (ns: string, name: string): StoredClaim | undefined => claims.get(`${ns}/${name}`);
  const bound = (over: Partial<PersistentVolume['spec']> = {}, annotations?: Record<string, string>): PersistentVolume => {
    const v = aVolume('pv1', { claimRef: { namespace: 'default', name: 'data', uid: 'uid-data' }, ...over });
    if (annotations) v.metadata.annotations = annotations;
    return { ...v, status: { phase: 'Bound' } };
  };
  const plan = (v: PersistentVolume): string[] => summary(planVolume(v, claimOf, { deletingProvisioners: ['pikube.dev/local-path'] }));
  beforeEach(() => claims.clear());

  it('a volume without a claimRef is Available', () => assert.deepEqual(plan(aVolume('pv1')), ['volume pv1 → Available']));
  it('a volume bound to a claim naming it is Bound', () => {
    claims.set('default/data', aClaim('data', { volumeName: 'pv1' }));
    assert.deepEqual(plan(bound()), ['volume pv1 → Bound']);
  });
  it('a volume whose claim is gone is Released and, with Retain, kept', () => assert.deepEqual(plan(bound()), ['volume pv1 → Released']));
  it('a volume whose claim was recreated (another uid) is Released', () => {
    claims.set('default/data', { ...aClaim('data'), metadata: { name: 'data', namespace: 'default', uid: 'new' } });
    assert.deepEqual(plan(bound()), ['volume pv1 → Released']);
  });
  it('a released Delete volume the local-path provisioner made is deleted', () => {
    assert.deepEqual(plan(bound({ persistentVolumeReclaimPolicy: 'Delete' }, { 'pv.kubernetes.io/provisioned-by': 'pikube.dev/local-path' })), ['volume pv1 → Released', 'delete pv1']);
  });
  it('a released Delete volume of no known provisioner fails: nothing here can delete it', () => {
    assert.deepEqual(plan(bound({ persistentVolumeReclaimPolicy: 'Delete' })), [
      'volume pv1 → Failed', 'Warning VolumeFailedDelete: error getting deleter volume plugin for volume "pv1": no deletable volume plugin matched']);
  });
  it('a released Recycle volume fails: there is no recycler', () => {
    assert.deepEqual(plan(bound({ persistentVolumeReclaimPolicy: 'Recycle' })), ['volume pv1 → Failed', 'Warning VolumeFailedRecycle: No recycler plugin found for the volume!']);
  });
  it('a Failed volume is left alone', () => assert.deepEqual(plan({ ...bound(), status: { phase: 'Failed' } }), []));
  it('a volume the controller bound to a claim now bound elsewhere is freed', () => {
    claims.set('default/data', aClaim('data', { volumeName: 'pv2' }));
    const p = planVolume(bound({}, { 'pv.kubernetes.io/bound-by-controller': 'yes' }), claimOf, { deletingProvisioners: [] });
    assert.deepEqual(summary(p), ['volume pv1 → Available']);
    const [w] = p.writes;
    assert.ok(w.op === 'volume');
    assert.equal(w.volume.spec?.claimRef, undefined);
  });
  it('a volume pre-bound by name to a claim not yet there stays Available', () => {
    assert.deepEqual(plan(aVolume('pv1', { claimRef: { namespace: 'default', name: 'later' } })), ['volume pv1 → Available']);
  });
});
