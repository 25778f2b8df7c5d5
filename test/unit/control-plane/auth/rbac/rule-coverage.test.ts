import { strict as assert } from 'node:assert';
import type { PolicyRule } from '../../../../../api/rbac-v1';
import { compactRule, uncoveredRules } from '../../../../../control-plane/auth/rbac/rule-coverage';

describe('RBAC rule coverage (escalation checks)', () => {
  const admin: PolicyRule[] = [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }, { verbs: ['*'], nonResourceURLs: ['*'] }];
  const podReader: PolicyRule[] = [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] }];

  it('covers anything with cluster-admin rules', () => {
    assert.deepEqual(uncoveredRules(admin, [{ verbs: ['delete'], apiGroups: ['apps'], resources: ['deployments/scale'], resourceNames: ['x'] }, { verbs: ['get'], nonResourceURLs: ['/metrics'] }]), []);
  });

  it('reports each uncovered verb and resource separately', () => {
    const missing = uncoveredRules(podReader, [{ verbs: ['get', 'delete'], apiGroups: [''], resources: ['pods', 'secrets'] }]);
    assert.deepEqual(missing.map(compactRule), [
      '{APIGroups:[""], Resources:["secrets"], Verbs:["get"]}',
      '{APIGroups:[""], Resources:["pods"], Verbs:["delete"]}',
      '{APIGroups:[""], Resources:["secrets"], Verbs:["delete"]}',
    ]);
  });

  it('lets a rule limited to names cover only those names', () => {
    const web: PolicyRule[] = [{ verbs: ['get'], apiGroups: [''], resources: ['pods'], resourceNames: ['web'] }];
    assert.deepEqual(uncoveredRules(web, [{ verbs: ['get'], apiGroups: [''], resources: ['pods'], resourceNames: ['web'] }]), []);
    assert.equal(uncoveredRules(web, [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }]).length, 1);
  });

  it('lets */subresource cover that subresource of any resource', () => {
    assert.deepEqual(uncoveredRules([{ verbs: ['get'], apiGroups: ['apps'], resources: ['*/scale'] }], [{ verbs: ['get'], apiGroups: ['apps'], resources: ['deployments/scale'] }]), []);
  });

  it('covers non-resource URLs by prefix', () => {
    assert.deepEqual(uncoveredRules([{ verbs: ['get'], nonResourceURLs: ['/healthz*'] }], [{ verbs: ['get'], nonResourceURLs: ['/healthz/etcd'] }]), []);
    assert.deepEqual(uncoveredRules(podReader, [{ verbs: ['get'], nonResourceURLs: ['/metrics'] }]).map(compactRule), ['{NonResourceURLs:["/metrics"], Verbs:["get"]}']);
  });
});
