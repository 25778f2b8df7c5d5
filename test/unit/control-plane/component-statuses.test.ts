import assert from 'node:assert/strict';
import type { ComponentStatus } from '../../../api/component-status';
import { componentStatusPrinter } from '../../../control-plane/apiserver/tables/component-status-printer';
import { componentStatusSource, type ComponentChecks } from '../../../control-plane/component-statuses';

function checks(over: Partial<ComponentChecks> = {}): ComponentChecks {
  return { etcdEndpoints: ['http://a:2379', 'http://b:2379'], checkEtcd: async () => undefined, leader: async () => 'cp-1', ...over };
}

function rows(list: ComponentStatus[]): string[][] {
  return list.map((cs) => componentStatusPrinter.cells(cs, new Date()).map(String));
}

describe('component statuses (kubectl get cs)', () => {
  it('lists the controller manager, one etcd per endpoint in order, and the scheduler, all Healthy ok', async () => {
    assert.deepEqual(rows(await componentStatusSource(checks()).list(undefined)), [
      ['controller-manager', 'Healthy', 'ok', ''],
      ['etcd-0', 'Healthy', 'ok', ''],
      ['etcd-1', 'Healthy', 'ok', ''],
      ['scheduler', 'Healthy', 'ok', ''],
    ]);
  });

  it('an endpoint that fails is Unhealthy with its error; the others stay Healthy', async () => {
    const source = componentStatusSource(checks({ checkEtcd: async (e) => { if (e === 'http://b:2379') throw new Error('connect ECONNREFUSED'); } }));
    assert.deepEqual(rows(await source.list(undefined))[2], ['etcd-1', 'Unhealthy', '', 'connect ECONNREFUSED']);
  });

  it('without a leader the scheduler and the controller manager are Unhealthy, saying why', async () => {
    const listed = rows(await componentStatusSource(checks({ leader: async () => undefined })).list(undefined));
    assert.equal(listed[0][1], 'Unhealthy');
    assert.match(listed[3][3], /no control-plane replica holds the leader election/);
  });

  it('a check that does not answer in time is Unhealthy after the timeout, not slow', async () => {
    const started = Date.now();
    const source = componentStatusSource(checks({ checkEtcd: () => new Promise(() => undefined) }), 50);
    const listed = rows(await source.list(undefined));
    assert.ok(Date.now() - started < 1_000);
    assert.deepEqual(listed[1], ['etcd-0', 'Unhealthy', '', 'http://a:2379 did not answer within 50 ms']);
  });

  it('prints Unknown for an object without a Healthy condition', () => {
    assert.deepEqual(rows([{ apiVersion: 'v1', kind: 'ComponentStatus', metadata: { name: 'x' } }]), [['x', 'Unknown', '', '']]);
  });
});
