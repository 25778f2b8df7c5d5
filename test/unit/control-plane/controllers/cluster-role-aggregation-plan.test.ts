import { strict as assert } from 'node:assert';
import type { ClusterRole, PolicyRule } from '../../../../api/rbac-v1';
import { planAggregation } from '../../../../control-plane/controllers/cluster-role-aggregation-plan';

function role(name: string, labels: Record<string, string>, rules: PolicyRule[], selector?: Record<string, string>): ClusterRole {
  const r: ClusterRole = { metadata: { name, labels }, rules };
  if (selector) r.aggregationRule = { clusterRoleSelectors: [{ matchLabels: selector }] };
  return r;
}

const get = (resource: string): PolicyRule => ({ verbs: ['get'], apiGroups: [''], resources: [resource] });

describe('ClusterRole aggregation plan', () => {
  it('unions the rules of the selected roles in name order, without duplicates', () => {
    const view = role('view', {}, [], { 'agg-view': 'true' });
    const all = [view, role('z-extra', { 'agg-view': 'true' }, [get('pods'), get('crontabs')]), role('a-base', { 'agg-view': 'true' }, [get('pods')]), role('other', {}, [get('secrets')])];
    assert.deepEqual(planAggregation(view, all), [get('pods'), get('crontabs')]);
  });

  it('changes nothing when the role holds its aggregated rules already', () => {
    const view = role('view', {}, [get('pods')], { 'agg-view': 'true' });
    assert.equal(planAggregation(view, [view, role('a', { 'agg-view': 'true' }, [get('pods')])]), undefined);
  });

  it('empties a role whose sources are gone, and ignores roles without an aggregationRule', () => {
    const view = role('view', {}, [get('pods')], { 'agg-view': 'true' });
    assert.deepEqual(planAggregation(view, [view]), []);
    assert.equal(planAggregation(role('plain', {}, [get('pods')]), []), undefined);
  });

  it('never selects the role itself', () => {
    const self = role('self', { 'agg-view': 'true' }, [get('x')], { 'agg-view': 'true' });
    assert.deepEqual(planAggregation(self, [self]), []);
  });
});
