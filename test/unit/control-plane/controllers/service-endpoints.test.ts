import assert from 'node:assert/strict';
import type { Node, Pod } from '../../../../api/core-v1';
import { defaultService } from '../../../../api/defaults/service-defaults';
import type { Service, ServiceSpec } from '../../../../api/service-v1';
import { desiredSliceContents, MAX_ENDPOINTS_PER_SLICE } from '../../../../control-plane/controllers/endpoint-slices';
import { endpointsSubsets } from '../../../../control-plane/controllers/endpoints-subsets';
import { loadBalancerIngress } from '../../../../control-plane/controllers/load-balancer-plan';
import { podEndpoints, resolveTargetPort, shouldSetHostname } from '../../../../control-plane/controllers/service-endpoints';

function aService(spec: ServiceSpec): Service {
  return defaultService({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default', uid: 'u' }, spec: { selector: { app: 'web' }, ...spec } });
}

interface PodShape {
  ip?: string; ready?: boolean; port?: number; terminating?: boolean; phase?: 'Running' | 'Succeeded'; restartPolicy?: 'Never'; app?: string; namespace?: string;
  hostname?: string; subdomain?: string;
}

function aPod(name: string, shape: PodShape = {}): Pod {
  const { ip = '10.42.0.1', ready = true, port, terminating, phase = 'Running', restartPolicy, app = 'web', namespace = 'default', hostname, subdomain } = shape;
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace, uid: `uid-${name}`, labels: { app }, ...(terminating ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) },
    spec: { nodeName: 'n1', restartPolicy, hostname, subdomain, containers: [{ name: 'c', image: 'i', ports: port ? [{ name: 'http', containerPort: port }] : [] }] },
    status: { phase, podIP: ip || undefined, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  };
}

describe('service endpoints', () => {
  it('resolves numeric and named target ports, named ones per pod', () => {
    assert.equal(resolveTargetPort({ port: 80, targetPort: 8080 }, aPod('a')), 8080);
    assert.equal(resolveTargetPort({ port: 80, targetPort: 'http', protocol: 'TCP' }, aPod('a', { port: 9000 })), 9000);
    assert.equal(resolveTargetPort({ port: 80, targetPort: 'http', protocol: 'UDP' }, aPod('a', { port: 9000 })), undefined);
    assert.equal(resolveTargetPort({ port: 80, targetPort: 'http' }, aPod('a')), undefined);
  });

  it("sets conditions as Kubernetes' podToEndpoint does: serving = pod Ready; ready also under publishNotReadyAddresses", () => {
    const conditions = (svc: Service, pod: Pod) => {
      const [e] = podEndpoints(svc, [pod]);
      return { ready: e.ready, serving: e.serving, terminating: e.terminating };
    };
    const plain = aService({ ports: [{ port: 80 }] });
    const publish = aService({ ports: [{ port: 80 }], publishNotReadyAddresses: true });
    assert.deepEqual(conditions(plain, aPod('a', { terminating: true })), { ready: false, serving: true, terminating: true });
    assert.deepEqual(conditions(plain, aPod('a', { ready: false })), { ready: false, serving: false, terminating: false });
    assert.deepEqual(conditions(publish, aPod('a', { ready: false })), { ready: true, serving: false, terminating: false });
    assert.deepEqual(conditions(publish, aPod('a', { terminating: true })), { ready: true, serving: true, terminating: true });
  });

  it('selects pods of the namespace by label that have an IP and may still run', () => {
    const svc = aService({ ports: [{ port: 80 }] });
    const pods = [aPod('a'), aPod('b', { app: 'other' }), aPod('c', { namespace: 'x' }), aPod('d', { ip: '' }), aPod('e', { phase: 'Succeeded', restartPolicy: 'Never' })];
    assert.deepEqual(podEndpoints(svc, pods).map((e) => e.pod.metadata.name), ['a']);
  });

  it('splits ready and not-ready addresses, leaves out terminating pods and groups by resolved ports', () => {
    const svc = aService({ ports: [{ port: 80, targetPort: 'http' }] });
    const pods = [aPod('a', { ip: '10.0.0.2', port: 8080 }), aPod('b', { ip: '10.0.0.1', port: 8080, ready: false }), aPod('c', { ip: '10.0.0.3', port: 9090 }),
      aPod('d', { ip: '10.0.0.4', port: 8080, terminating: true }), aPod('e', { ip: '10.0.0.5' })];
    const subsets = endpointsSubsets(svc, podEndpoints(svc, pods));
    assert.deepEqual(subsets.map((s) => [s.addresses?.map((a) => a.ip), s.notReadyAddresses?.map((a) => a.ip), s.ports?.map((p) => p.port)]), [
      [['10.0.0.2'], ['10.0.0.1'], [8080]],
      [['10.0.0.3'], undefined, [9090]],
    ]);
  });

  it('keeps terminating pods in slices as serving but not ready', () => {
    const svc = aService({ ports: [{ port: 80 }] });
    const [content] = desiredSliceContents(svc, podEndpoints(svc, [aPod('a', { terminating: true })]));
    assert.deepEqual(content.endpoints[0].conditions, { ready: false, serving: true, terminating: true });
  });

  it('cuts slices at 100 endpoints and keeps one empty placeholder for a service without pods', () => {
    const svc = aService({ ports: [{ port: 80 }] });
    const pods = Array.from({ length: 150 }, (_, i) => aPod(`p${String(i).padStart(3, '0')}`, { ip: `10.42.${Math.floor(i / 200)}.${i + 1}` }));
    assert.deepEqual(desiredSliceContents(svc, podEndpoints(svc, pods)).map((c) => c.endpoints.length), [MAX_ENDPOINTS_PER_SLICE, 50]);
    assert.deepEqual(desiredSliceContents(svc, []), [{ ports: [], endpoints: [] }]);
  });
});

describe('endpoint hostnames', () => {
  const cases: [string, PodShape, boolean][] = [
    ['hostname and subdomain naming the service', { hostname: 'db-0', subdomain: 'web' }, true],
    ['subdomain naming another service', { hostname: 'db-0', subdomain: 'other' }, false],
    ['no subdomain', { hostname: 'db-0' }, false],
    ['subdomain but no hostname', { subdomain: 'web' }, false],
    ['empty hostname', { hostname: '', subdomain: 'web' }, false],
    ['the service name in another namespace', { hostname: 'db-0', subdomain: 'web', namespace: 'other' }, false],
  ];
  for (const [what, shape, expected] of cases) {
    it(`${expected ? 'sets' : 'does not set'} the hostname for a pod with ${what}`, () => {
      assert.equal(shouldSetHostname(aPod('a', shape), aService({ ports: [{ port: 80 }] })), expected);
    });
  }

  it('puts the pod hostname on Endpoints addresses, ready and not ready', () => {
    const svc = aService({ clusterIP: 'None', ports: [{ port: 80 }] });
    const pods = [aPod('a', { ip: '10.0.0.1', hostname: 'db-0', subdomain: 'web' }), aPod('b', { ip: '10.0.0.2', hostname: 'db-1', subdomain: 'web', ready: false }),
      aPod('c', { ip: '10.0.0.3', hostname: 'db-2', subdomain: 'elsewhere' })];
    const [subset] = endpointsSubsets(svc, podEndpoints(svc, pods));
    assert.deepEqual(subset.addresses?.map((a) => [a.ip, a.hostname]), [['10.0.0.1', 'db-0'], ['10.0.0.3', undefined]]);
    assert.deepEqual(subset.notReadyAddresses?.map((a) => [a.ip, a.hostname]), [['10.0.0.2', 'db-1']]);
    assert.equal(Object.hasOwn(subset.addresses?.[1] ?? {}, 'hostname'), false);
  });

  it('puts the pod hostname on EndpointSlice endpoints only for pods whose subdomain is the service', () => {
    const svc = aService({ clusterIP: 'None', ports: [{ port: 80 }] });
    const pods = [aPod('a', { ip: '10.0.0.1', hostname: 'db-0', subdomain: 'web' }), aPod('b', { ip: '10.0.0.2', hostname: 'db-1' })];
    const [content] = desiredSliceContents(svc, podEndpoints(svc, pods));
    assert.deepEqual(content.endpoints.map((e) => [e.addresses[0], e.hostname]), [['10.0.0.1', 'db-0'], ['10.0.0.2', undefined]]);
    assert.equal(Object.hasOwn(content.endpoints[1], 'hostname'), false);
  });

  it('changes the desired contents when a pod hostname changes, so the controllers rewrite them', () => {
    const svc = aService({ ports: [{ port: 80 }] });
    const before = desiredSliceContents(svc, podEndpoints(svc, [aPod('a', { hostname: 'db-0', subdomain: 'web' })]));
    const after = desiredSliceContents(svc, podEndpoints(svc, [aPod('a', { hostname: 'db-9', subdomain: 'web' })]));
    assert.notDeepEqual(before, after);
  });
});

describe('loadBalancerIngress', () => {
  it('lists the InternalIPs of Ready nodes only, sorted', () => {
    const node = (name: string, ip: string, ready: boolean): Node => ({ apiVersion: 'v1', kind: 'Node', metadata: { name }, spec: {},
      status: { conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }], addresses: [{ type: 'InternalIP', address: ip }, { type: 'Hostname', address: name }] } });
    assert.deepEqual(loadBalancerIngress([node('b', '10.0.0.12', true), node('a', '10.0.0.11', true), node('c', '10.0.0.13', false)]), [
      { ip: '10.0.0.11', ipMode: 'VIP' }, { ip: '10.0.0.12', ipMode: 'VIP' },
    ]);
  });
});
