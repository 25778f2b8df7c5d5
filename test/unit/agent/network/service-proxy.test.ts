/** From API objects to an applied rule set, over a fake iptables. */
import assert from 'node:assert/strict';
import type { EndpointSlice, Service } from '../../../../api/service-v1';
import { BACKENDS } from '../../../../agent/network/iptables-backend';
import { RuleApplier } from '../../../../agent/network/rule-applier';
import { ServiceProxy } from '../../../../agent/network/service-proxy';
import { FakeCommandRunner } from './fake-command-runner';

const service = (name: string, clusterIP: string): Service => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'shop' }, spec: { clusterIP, type: 'ClusterIP', ports: [{ port: 80 }] } });
const slice: EndpointSlice = {
  apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'web-1', namespace: 'shop', labels: { 'kubernetes.io/service-name': 'web' } },
  addressType: 'IPv4', endpoints: [{ addresses: ['10.42.1.5'], nodeName: 'pi1', conditions: { ready: true } }], ports: [{ port: 8080, protocol: 'TCP' }],
};

describe('service proxy', () => {
  it('applies the DNAT of each service to its ready endpoints and reports services it left out', async () => {
    const fake = new FakeCommandRunner();
    const applier = new RuleApplier({ run: fake.run, backend: BACKENDS.nft, minSyncIntervalMs: 0 });
    try {
      const skipped = await new ServiceProxy({ nodeName: 'pi1', clusterCIDR: '10.42.0.0/16', applier }).sync([service('web', '10.43.0.10'), service('odd', '10.43.0.999')], [slice]);
      assert.deepEqual(skipped, [{ servicePort: 'shop/odd', reason: 'clusterIP "10.43.0.999" is not an IPv4 address' }]);
      const [restore] = fake.restores();
      assert.match(restore ?? '', /--comment "shop\/web cluster IP" -m tcp -p tcp -d 10\.43\.0\.10 --dport 80 -j PIKUBE-SVC-/);
      assert.match(restore ?? '', /-j DNAT --to-destination 10\.42\.1\.5:8080/);
    } finally {
      applier.dispose();
    }
  });
});
