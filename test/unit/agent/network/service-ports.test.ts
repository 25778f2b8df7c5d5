/** Reading core/v1 Services and EndpointSlices into the renderer's model, as kube-proxy reads them. */
import assert from 'node:assert/strict';
import type { EndpointSlice, Service } from '../../../../api/service-v1';
import { servicePortsFrom } from '../../../../agent/network/service-ports';
import { clusterDnsService } from '../../../../control-plane/registry/service-network/ensure-cluster-dns-service';

function aService(spec: Service['spec'], status?: Service['status']): Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop' }, spec, status };
}

function aSlice(endpoints: EndpointSlice['endpoints'], ports: EndpointSlice['ports'], service = 'web'): EndpointSlice {
  return { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: `${service}-abc`, namespace: 'shop', labels: { 'kubernetes.io/service-name': service } }, addressType: 'IPv4', endpoints, ports };
}

describe('service ports from Services and EndpointSlices', () => {
  it('matches slice ports to service ports by name and protocol, marking local and ready endpoints', () => {
    const svc = aService({ clusterIP: '10.43.0.10', type: 'ClusterIP', ports: [{ name: 'http', port: 80, targetPort: 8080 }, { name: 'dns', port: 53, protocol: 'UDP' }] });
    const slice = aSlice(
      [{ addresses: ['10.42.1.5'], nodeName: 'pi1', conditions: { ready: true } }, { addresses: ['10.42.2.7'], nodeName: 'pi2', conditions: { ready: false } }, { addresses: ['10.42.3.9'], nodeName: 'pi3' }],
      [{ name: 'http', port: 8080, protocol: 'TCP' }, { name: 'dns', port: 5353, protocol: 'UDP' }],
    );
    const [http, dns] = servicePortsFrom([svc], [slice, aSlice([{ addresses: ['10.42.9.9'] }], [{ name: 'http', port: 1 }], 'other')], 'pi1');
    assert.deepEqual(http?.endpoints, [
      { ip: '10.42.1.5', port: 8080, ready: true, local: true },
      { ip: '10.42.2.7', port: 8080, ready: false, local: false },
      { ip: '10.42.3.9', port: 8080, ready: true, local: false },
    ]);
    assert.equal(dns?.protocol, 'UDP');
    assert.deepEqual(dns?.endpoints.map((e) => e.port), [5353, 5353, 5353]);
  });

  it('takes node ports, load-balancer ingress IPs, affinity (3 h by default) and traffic policies', () => {
    const svc = aService(
      { clusterIP: '10.43.0.10', type: 'LoadBalancer', sessionAffinity: 'ClientIP', externalTrafficPolicy: 'Local', internalTrafficPolicy: 'Local', ports: [{ port: 80, nodePort: 30080 }] },
      { loadBalancer: { ingress: [{ ip: '192.168.1.10' }, { hostname: 'pi.local' }] } },
    );
    const [sp] = servicePortsFrom([svc], [], 'pi1');
    assert.deepEqual([sp?.nodePort, sp?.loadBalancerIPs, sp?.affinityTimeoutSeconds, sp?.externalTrafficPolicyLocal, sp?.internalTrafficPolicyLocal, sp?.portName], [30080, ['192.168.1.10'], 10800, true, true, '']);
  });

  it('does not proxy headless or ExternalName services, nor node ports of a ClusterIP service', () => {
    const headless = aService({ clusterIP: 'None', ports: [{ port: 80 }] });
    const external = aService({ type: 'ExternalName', externalName: 'example.org', ports: [{ port: 80 }] });
    assert.deepEqual(servicePortsFrom([headless, external], [], 'pi1'), []);
    assert.equal(servicePortsFrom([aService({ clusterIP: '10.43.0.10', type: 'ClusterIP', ports: [{ port: 80, nodePort: 30080 }] })], [], 'pi1')[0]?.nodePort, 0);
  });

  it('sends the kube-dns Service the control plane makes to this node\'s own DNS, and nothing else there', () => {
    const kubeDns = clusterDnsService('10.43.0.10');
    const stray = aSlice([{ addresses: ['10.42.9.9'] }], [{ name: 'dns', port: 53, protocol: 'UDP' }], 'kube-dns');
    const served = servicePortsFrom([kubeDns], [{ ...stray, metadata: { ...stray.metadata, namespace: 'kube-system' } }], 'pi1', { ip: '10.42.1.1', port: 53 });
    assert.deepEqual(served.map((sp) => [sp.protocol, sp.clusterIP, sp.port, sp.endpoints]), [
      ['UDP', '10.43.0.10', 53, [{ ip: '10.42.1.1', port: 53, ready: true, local: true }]],
      ['TCP', '10.43.0.10', 53, [{ ip: '10.42.1.1', port: 53, ready: true, local: true }]],
    ]);
    assert.deepEqual(servicePortsFrom([kubeDns], [], 'pi1').map((sp) => sp.endpoints), [[], []], 'no endpoint before the node serves DNS');
    const lookalike = { ...kubeDns, metadata: { ...kubeDns.metadata, namespace: 'shop' } };
    assert.deepEqual(servicePortsFrom([lookalike], [], 'pi1', { ip: '10.42.1.1', port: 53 }).map((sp) => sp.endpoints), [[], []], 'the label is honoured in kube-system only');
  });
});
