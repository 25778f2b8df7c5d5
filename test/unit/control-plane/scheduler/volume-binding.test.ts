import assert from 'node:assert/strict';
import type { PersistentVolumeClaim, Pod } from '../../../../api/core-v1';
import { planScheduling } from '../../../../control-plane/scheduler/scheduling-plan';
import { UNBOUND_IMMEDIATE_CLAIMS, volumeBindingPreFilter, type ClaimLookup, type VolumeView } from '../../../../control-plane/scheduler/volume-binding';
import type { PersistentVolume } from '../../../../api/storage-v1';
import { aClaim, aClass, aVolume, onHost, type StoredClaim } from '../storage/volume-builders';
import { aNode, aPod } from './fixtures';

const now = new Date('2026-03-01T12:00:00Z');

function withClaims(...names: string[]): Pod {
  const pod = aPod();
  return { ...pod, spec: { ...pod.spec, volumes: [{ name: 'scratch', emptyDir: {} }, ...names.map((n) => ({ name: n, persistentVolumeClaim: { claimName: n } }))] } };
}

function claim(name: string, { volumeName, deleting }: { volumeName?: string; deleting?: boolean } = {}): PersistentVolumeClaim {
  return { metadata: { name, namespace: 'default', ...(deleting ? { deletionTimestamp: '2026-03-01T11:00:00Z' } : {}) }, spec: { ...(volumeName ? { volumeName } : {}) }, status: { phase: volumeName ? 'Bound' : 'Pending' } };
}

describe('VolumeBinding PreFilter', () => {
  const cases: { name: string; pod: Pod; claims: PersistentVolumeClaim[]; want: string | undefined }[] = [
    { name: 'a pod without claims passes', pod: aPod(), claims: [], want: undefined },
    { name: 'a missing claim is named', pod: withClaims('www-web-0'), claims: [], want: 'persistentvolumeclaim "www-web-0" not found' },
    { name: 'a claim being deleted is named', pod: withClaims('www-web-0'), claims: [claim('www-web-0', { deleting: true })], want: 'persistentvolumeclaim "www-web-0" is being deleted' },
    { name: 'an unbound claim keeps the pod off every node', pod: withClaims('www-web-0'), claims: [claim('www-web-0')], want: UNBOUND_IMMEDIATE_CLAIMS },
    { name: 'bound claims pass', pod: withClaims('a', 'b'), claims: [claim('a', { volumeName: 'pv-a' }), claim('b', { volumeName: 'pv-b' })], want: undefined },
    { name: 'a missing claim is reported before an unbound one', pod: withClaims('a', 'b'), claims: [claim('a')], want: 'persistentvolumeclaim "b" not found' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const lookup = (ns: string, name: string): PersistentVolumeClaim | undefined => c.claims.find((cl) => cl.metadata.namespace === ns && cl.metadata.name === name);
      assert.equal(volumeBindingPreFilter(c.pod, lookup), c.want);
    });
  }

  it('leaves the pod Pending with kube-scheduler\'s message for unbound immediate claims', () => {
    const plan = planScheduling(withClaims('www-web-0'), { nodes: [aNode('pi1'), aNode('pi2')], podsOn: () => [], claimOf: () => claim('www-web-0'), now });
    assert.equal(plan.op, 'unschedulable');
    assert.equal(plan.op === 'unschedulable' ? plan.message : '',
      '0/2 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling..');
    const condition = plan.op === 'unschedulable' ? plan.pod?.status?.conditions?.find((c) => c.type === 'PodScheduled') : undefined;
    assert.deepEqual([condition?.status, condition?.reason], ['False', 'Unschedulable']);
  });
});

describe('VolumeBinding with PersistentVolumes and StorageClasses', () => {
  const classes = [aClass('local-path', { volumeBindingMode: 'WaitForFirstConsumer' }), aClass('manual', { provisioner: 'kubernetes.io/no-provisioner', volumeBindingMode: 'WaitForFirstConsumer' })];
  function view(claims: StoredClaim[], volumes: PersistentVolume[] = [], users: Pod[] = []): Omit<VolumeView, 'claimOf'> & { claimOf: ClaimLookup } {
    return {
      claimOf: (ns, name) => claims.find((c) => c.metadata.namespace === ns && c.metadata.name === name),
      volumeOf: (name) => volumes.find((v) => v.metadata.name === name), volumes: () => volumes, classOf: (name) => classes.find((c) => c.metadata.name === name),
      podsUsingClaim: (ns, name) => users.filter((p) => p.metadata.namespace === ns && (p.spec.volumes ?? []).some((v) => v.persistentVolumeClaim?.claimName === name)),
    };
  }
  const plan = (pod: Pod, v: ReturnType<typeof view>, nodes = [aNode('pi1'), aNode('pi2')]) => planScheduling(pod, { nodes, podsOn: () => [], claimOf: v.claimOf, volumes: v, now, random: () => 0 });
  const messageOf = (p: ReturnType<typeof plan>): string => (p.op === 'unschedulable' ? p.message : p.op);

  it('lets an unbound WaitForFirstConsumer claim through PreFilter and marks it with the chosen node before binding the pod', () => {
    const p = plan(withClaims('data'), view([aClaim('data', { storageClassName: 'local-path' })]));
    assert.deepEqual(p, { op: 'awaitClaims', nodeName: 'pi1', annotate: ['data'] });
  });
  it('waits, annotating nothing more, while a claim marked for the node is not bound yet', () => {
    const p = plan(withClaims('data'), view([aClaim('data', { storageClassName: 'local-path' }, { 'volume.kubernetes.io/selected-node': 'pi2' })]));
    assert.deepEqual(p, { op: 'awaitClaims', nodeName: 'pi2', annotate: [] });
  });
  it('binds the pod to the node of its bound volume\'s node affinity', () => {
    const v = view([aClaim('data', { storageClassName: 'local-path', volumeName: 'pv1' })], [aVolume('pv1', { nodeAffinity: onHost('pi2') })]);
    assert.deepEqual(plan(withClaims('data'), v), { op: 'bind', nodeName: 'pi2' });
  });
  it('says volume node affinity conflict when no node matches the bound volume', () => {
    const v = view([aClaim('data', { volumeName: 'pv1' })], [aVolume('pv1', { nodeAffinity: onHost('pi9') })]);
    assert.equal(messageOf(plan(withClaims('data'), v)), '0/2 nodes are available: 2 node(s) had volume node affinity conflict. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling..');
  });
  it('says no available volumes when a class has no provisioner and no free volume fits', () => {
    const v = view([aClaim('data', { storageClassName: 'manual' })], [aVolume('pv1', { nodeAffinity: onHost('pi9') })]);
    assert.equal(messageOf(plan(withClaims('data'), v)), "0/2 nodes are available: 2 node(s) didn't find available persistent volumes to bind. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling..");
  });
  it('places a claim of a class without provisioner on the node of its free static volume', () => {
    const v = view([aClaim('data', { storageClassName: 'manual' })], [aVolume('pv1', { nodeAffinity: onHost('pi2') })]);
    assert.deepEqual(plan(withClaims('data'), v), { op: 'awaitClaims', nodeName: 'pi2', annotate: ['data'] });
  });
  it('keeps a second pod of a ReadWriteOnce claim off the node-less volume\'s other nodes', () => {
    const user = { ...withClaims('data'), metadata: { name: 'first', namespace: 'default', uid: 'first' }, spec: { ...withClaims('data').spec, nodeName: 'pi1' } };
    const v = view([aClaim('data', { volumeName: 'pv1' })], [aVolume('pv1')], [user]);
    assert.deepEqual(plan(withClaims('data'), v), { op: 'bind', nodeName: 'pi1' });
    assert.equal(messageOf(plan(withClaims('data'), v, [aNode('pi2')])),
      '0/1 nodes are available: 1 node(s) had a ReadWriteOnce PersistentVolumeClaim in use by a pod on another node. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling..');
  });
  it('refuses a second pod of a ReadWriteOncePod claim on every node', () => {
    const user = { ...withClaims('data'), metadata: { name: 'first', namespace: 'default', uid: 'first' } };
    const v = view([aClaim('data', { volumeName: 'pv1', accessModes: ['ReadWriteOncePod'] })], [aVolume('pv1', { accessModes: ['ReadWriteOncePod'] })], [user]);
    assert.equal(messageOf(plan(withClaims('data'), v)),
      '0/2 nodes are available: node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling..');
  });
  it('keeps an unbound claim of an Immediate class off every node', () => {
    const v = view([aClaim('data', { storageClassName: 'fast' })]);
    assert.equal(messageOf(plan(withClaims('data'), v)), `0/2 nodes are available: ${UNBOUND_IMMEDIATE_CLAIMS}. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling..`);
  });
});
