import assert from 'node:assert/strict';
import type { ClusterRole } from '../../../../api/rbac-v1';
import { ensureBootstrapPolicy } from '../../../../control-plane/auth/rbac/ensure-bootstrap-policy';
import { clusterRoleAggregationController } from '../../../../control-plane/controllers/cluster-role-aggregation-controller';
import { MemoryStore } from '../../../../control-plane/store/memory-store';
import { until } from '../../../../scripts/cluster/wait-until';
import { ControllerHarness } from '../../../support/controller-harness';

const CLUSTER_ROLES = 'clusterroles.rbac.authorization.k8s.io';

describe('clusterrole-aggregation controller over the in-memory store', () => {
  let harness: ControllerHarness;

  beforeEach(async () => {
    harness = new ControllerHarness({ store: new MemoryStore() });
    await ensureBootstrapPolicy(harness.registry);
    harness.run(clusterRoleAggregationController);
  });
  afterEach(() => harness.stop());

  const rulesOf = async (name: string): Promise<string> => JSON.stringify((await harness.registry.get<ClusterRole>(CLUSTER_ROLES, undefined, name)).rules ?? []);

  it('fills view, edit and admin from the aggregate-to roles, admin holding what edit and view hold', async () => {
    await until(async () => (await rulesOf('admin')).includes('rolebindings') && (await rulesOf('admin')).includes('pods/log'), { timeoutMs: 5_000, describe: () => 'admin not aggregated' });
    const view = await rulesOf('view');
    assert.ok(view.includes('"pods/log"'));
    assert.ok(!view.includes('"secrets"'));
    assert.ok((await rulesOf('edit')).includes('"secrets"'));
  });

  it('extends view with a user role labelled aggregate-to-view, and drops it again when the role goes', async () => {
    const crontabs: ClusterRole = {
      metadata: { name: 'crontab-reader', labels: { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' } },
      rules: [{ verbs: ['get'], apiGroups: ['stable.example.com'], resources: ['crontabs'] }],
    };
    await harness.registry.create(CLUSTER_ROLES, undefined, crontabs);
    await until(async () => (await rulesOf('view')).includes('crontabs') && (await rulesOf('admin')).includes('crontabs'), { timeoutMs: 5_000, describe: () => 'crontabs not aggregated' });
    await harness.registry.delete(CLUSTER_ROLES, undefined, 'crontab-reader');
    await until(async () => !(await rulesOf('view')).includes('crontabs') && !(await rulesOf('admin')).includes('crontabs'), { timeoutMs: 5_000, describe: () => 'crontabs still aggregated' });
  });
});
