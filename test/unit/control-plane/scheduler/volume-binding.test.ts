import assert from 'node:assert/strict';
import type { PersistentVolumeClaim, Pod } from '../../../../api/core-v1';
import { planScheduling } from '../../../../control-plane/scheduler/scheduling-plan';
import { UNBOUND_IMMEDIATE_CLAIMS, volumeBindingPreFilter } from '../../../../control-plane/scheduler/volume-binding';
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
