import { strict as assert } from 'node:assert';
import { aggregatedDiscovery, aggregatedVersionWanted } from '../../../../../control-plane/apiserver/handlers/aggregated-discovery';
import { KINDS } from '../../../../../control-plane/registry/kinds';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const KUBECTL_132 = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';

describe('aggregated discovery', () => {
  it('is chosen from the Accept header in the client\'s order', () => {
    const cases: [string | undefined, string | undefined][] = [
      [KUBECTL_132, 'v2'],
      ['application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json', 'v2beta1'],
      ['application/json', undefined],
      ['application/json, application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList', undefined],
      ['application/vnd.kubernetes.protobuf;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,' + KUBECTL_132, 'v2'],
      ['application/json;g=apidiscovery.k8s.io;v=v3;as=APIGroupDiscoveryList', undefined],
      [undefined, undefined],
    ];
    for (const [accept, wanted] of cases) assert.equal(aggregatedVersionWanted(accept), wanted, String(accept));
  });

  it('lists the core group alone under /api, with resources, scopes, short names and subresources', () => {
    const list = aggregatedDiscovery(KINDS, 'api', 'v2') as Json;
    assert.equal(list.apiVersion, 'apidiscovery.k8s.io/v2');
    assert.equal(list.items.length, 1);
    assert.deepEqual(list.items[0].metadata, {});
    const v1 = list.items[0].versions[0];
    assert.equal(v1.version, 'v1');
    const pods = v1.resources.find((r: Json) => r.resource === 'pods');
    assert.deepEqual([pods.scope, pods.singularResource, pods.shortNames, pods.categories, pods.responseKind], ['Namespaced', 'pod', ['po'], ['all'], { group: '', version: 'v1', kind: 'Pod' }]);
    const eviction = pods.subresources.find((s: Json) => s.subresource === 'eviction');
    assert.deepEqual(eviction.responseKind, { group: 'policy', version: 'v1', kind: 'Eviction' });
    assert.equal(v1.resources.find((r: Json) => r.resource === 'nodes').scope, 'Cluster');
  });

  it('lists every named group under /apis, each version with its own resources', () => {
    const list = aggregatedDiscovery(KINDS, 'apis', 'v2beta1') as Json;
    assert.equal(list.apiVersion, 'apidiscovery.k8s.io/v2beta1');
    const apps = list.items.find((g: Json) => g.metadata.name === 'apps');
    assert.deepEqual(apps.versions.map((v: Json) => v.version), ['v1']);
    assert.ok(apps.versions[0].resources.some((r: Json) => r.resource === 'deployments' && r.subresources.some((s: Json) => s.subresource === 'scale')));
    assert.equal(list.items.some((g: Json) => g.metadata.name === undefined), false);
  });
});
