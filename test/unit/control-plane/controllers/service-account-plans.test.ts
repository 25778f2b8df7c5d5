import assert from 'node:assert/strict';
import type { ConfigMap } from '../../../../api/config-v1';
import { planRootCaConfigMap, DESCRIPTION } from '../../../../control-plane/controllers/root-ca-cert-publisher-plan';
import { planDefaultServiceAccount } from '../../../../control-plane/controllers/service-account-plan';
import { aNamespace } from './fixtures';

const CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

function aConfigMap(data: Record<string, string>, annotations: Record<string, string> = { 'kubernetes.io/description': DESCRIPTION }): ConfigMap {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kube-root-ca.crt', namespace: 'apps', resourceVersion: '7', annotations }, data };
}

describe('service-account controller plans', () => {
  it('makes the default ServiceAccount in an active namespace that lacks it, and only there', () => {
    assert.deepEqual(planDefaultServiceAccount(aNamespace('apps', false), undefined), { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: 'apps' } });
    assert.equal(planDefaultServiceAccount(aNamespace('apps', true), undefined), undefined);
    assert.equal(planDefaultServiceAccount(undefined, undefined), undefined);
    assert.equal(planDefaultServiceAccount(aNamespace('apps', false), { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' } }), undefined);
  });

  const cases: { name: string; existing?: ConfigMap; terminating?: boolean; want: string }[] = [
    { name: 'missing: created with ca.crt and the description', want: 'create' },
    { name: 'as published: nothing', existing: aConfigMap({ 'ca.crt': CA }), want: 'none' },
    { name: 'edited by someone: put back', existing: aConfigMap({ 'ca.crt': 'tampered' }), want: 'update' },
    { name: 'an extra key: put back', existing: aConfigMap({ 'ca.crt': CA, extra: 'x' }), want: 'update' },
    { name: 'annotation removed: put back', existing: aConfigMap({ 'ca.crt': CA }, {}), want: 'update' },
    { name: 'terminating namespace: nothing', terminating: true, want: 'none' },
  ];
  for (const c of cases) {
    it(`root CA ConfigMap ${c.name}`, () => {
      const step = planRootCaConfigMap(aNamespace('apps', c.terminating === true), c.existing, CA);
      assert.equal(step.op, c.want);
      if (step.op === 'none') return;
      assert.deepEqual(step.configMap.data, { 'ca.crt': CA });
      assert.equal(step.configMap.metadata.annotations?.['kubernetes.io/description'], DESCRIPTION);
      if (step.op === 'update') assert.equal(step.configMap.metadata.resourceVersion, '7', 'a compare-and-swap on what was read');
    });
  }
});
