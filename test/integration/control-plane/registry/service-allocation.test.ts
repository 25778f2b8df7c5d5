import { strict as assert } from 'node:assert';
import { ApiError } from '../../../../api/errors';
import type { Service, ServiceSpec } from '../../../../api/service-v1';
import { ensureDefaultNamespaces } from '../../../../control-plane/apiserver/ensure-default-namespaces';
import { Registry } from '../../../../control-plane/registry/registry';
import type { EndpointSlice, Endpoints } from '../../../../api/service-v1';
import { ensureKubernetesService } from '../../../../control-plane/registry/service-network/ensure-kubernetes-service';
import { ensureClusterDnsService } from '../../../../control-plane/registry/service-network/ensure-cluster-dns-service';
import { ipToNumber } from '../../../../control-plane/registry/service-network/ip-range';
import { reconcileKubernetesEndpoints } from '../../../../control-plane/registry/service-network/kubernetes-endpoints';
import { repairServiceAllocations } from '../../../../control-plane/registry/service-network/repair-allocations';
import type { KeySpace } from '../../../../control-plane/store/keys';
import type { Store } from '../../../../control-plane/store/store';
import { SERVICES } from '../../../../control-plane/registry/kinds';
import { withEtcd } from '../../../support/etcd-fixture';

function aService(name: string, spec: ServiceSpec): Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec: { ports: [{ port: 80 }], ...spec } };
}

async function failure(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (err: unknown) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  assert.fail('expected the write to fail');
}

describe('Service cluster IP and node port allocation (real etcd)', function () {
  this.timeout(30_000);
  const etcd = withEtcd();
  let store: Store;
  let keySpace: KeySpace;
  let registry: Registry;

  async function fresh(options: { serviceCIDR?: string; nodePortRange?: { first: number; last: number } } = {}): Promise<Registry> {
    store = etcd.get().store();
    keySpace = etcd.get().keySpace();
    registry = new Registry({ store, keySpace, ...options });
    await ensureDefaultNamespaces(registry);
    return registry;
  }

  async function allocatedKeys(): Promise<string[]> {
    const a = registry.companionOf(SERVICES);
    const items = [...(await store.list(a.ipPrefix)).items, ...(await store.list(a.portPrefix)).items];
    return items.map((i) => i.metadata.name ?? '').sort();
  }

  beforeEach(async () => {
    await fresh();
  });

  it('allocates a cluster IP from the range and honours a requested one', async () => {
    const auto = await registry.create<Service>('services', 'default', aService('auto', {}));
    assert.match(auto.spec.clusterIP ?? '', /^10\.43\.\d+\.\d+$/);
    assert.deepEqual(auto.spec.clusterIPs, [auto.spec.clusterIP]);
    const asked = await registry.create<Service>('services', 'default', aService('asked', { clusterIP: '10.43.0.50' }));
    assert.equal(asked.spec.clusterIP, '10.43.0.50');
    assert.deepEqual(await allocatedKeys(), [auto.spec.clusterIP, '10.43.0.50'].sort());
  });

  it('rejects a requested IP outside the range or already taken with Kubernetes messages, allocating nothing', async () => {
    const out = await failure(registry.create('services', 'default', aService('out', { clusterIP: '10.99.0.5' })));
    assert.equal(out.code, 'Invalid');
    assert.equal(out.message, 'Service "out" is invalid: spec.clusterIPs: Invalid value: []string{"10.99.0.5"}: failed to allocate IP 10.99.0.5: the provided IP (10.99.0.5) is not in the valid range. The range of valid IPs is 10.43.0.0/16');
    await registry.create('services', 'default', aService('first', { clusterIP: '10.43.0.60' }));
    const taken = await failure(registry.create('services', 'default', aService('second', { clusterIP: '10.43.0.60', type: 'NodePort' })));
    assert.equal(taken.message, 'Service "second" is invalid: spec.clusterIPs: Invalid value: []string{"10.43.0.60"}: failed to allocate IP 10.43.0.60: provided IP is already allocated');
    assert.deepEqual(await allocatedKeys(), ['10.43.0.60'], 'the failed NodePort create claimed no node port');
    await failure(registry.get('services', 'default', 'second'));
  });

  it('gives headless services None and ExternalName services no IP', async () => {
    const headless = await registry.create<Service>('services', 'default', aService('headless', { clusterIP: 'None' }));
    assert.equal(headless.spec.clusterIP, 'None');
    const ext = await registry.create<Service>('services', 'default', aService('ext', { type: 'ExternalName', externalName: 'db.example.com', ports: [] }));
    assert.equal(ext.spec.clusterIP, undefined);
    assert.deepEqual(await allocatedKeys(), []);
  });

  it('allocates node ports and rejects a taken or out-of-range one', async () => {
    const np = await registry.create<Service>('services', 'default', aService('np', { type: 'NodePort', ports: [{ port: 80, name: 'http', nodePort: 30080 }, { port: 443, name: 'https' }] }));
    const [requested, picked] = np.spec.ports ?? [];
    assert.equal(requested.nodePort, 30080);
    assert.ok((picked.nodePort ?? 0) >= 30000 && (picked.nodePort ?? 0) <= 32767);
    const conflict = await failure(registry.create('services', 'default', aService('np2', { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] })));
    assert.equal(conflict.message, 'Service "np2" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated');
    const range = await failure(registry.create('services', 'default', aService('np3', { type: 'NodePort', ports: [{ port: 80, nodePort: 80 }] })));
    assert.equal(range.message, 'Service "np3" is invalid: spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767');
  });

  it('frees the IP and node ports when the service is deleted', async () => {
    await registry.create('services', 'default', aService('lb', { type: 'LoadBalancer', clusterIP: '10.43.0.70', ports: [{ port: 80, nodePort: 30090 }] }));
    assert.deepEqual(await allocatedKeys(), ['10.43.0.70', '30090']);
    await registry.delete('services', 'default', 'lb');
    assert.deepEqual(await allocatedKeys(), []);
    await registry.create('services', 'default', aService('again', { type: 'NodePort', clusterIP: '10.43.0.70', ports: [{ port: 80, nodePort: 30090 }] }));
  });

  it('keeps the IP on update, rejects changing it, and moves node ports with the type', async () => {
    const svc = await registry.create<Service>('services', 'default', aService('moving', {}));
    const ip = svc.spec.clusterIP ?? '';
    const changed = await failure(registry.update('services', 'default', 'moving', { ...svc, spec: { ...svc.spec, clusterIP: '10.43.9.9', clusterIPs: ['10.43.9.9'] } }));
    assert.equal(changed.message, 'Service "moving" is invalid: spec.clusterIPs[0]: Invalid value: []string{"10.43.9.9"}: may not change once set');
    const { clusterIP: _c, clusterIPs: _cs, ...specWithoutIp } = svc.spec;
    const asNodePort = await registry.update<Service>('services', 'default', 'moving', { ...svc, spec: { ...specWithoutIp, type: 'NodePort' } });
    assert.equal(asNodePort.object.spec.clusterIP, ip, 'a PUT without clusterIP keeps it');
    const nodePort = asNodePort.object.spec.ports?.[0].nodePort ?? 0;
    assert.deepEqual(await allocatedKeys(), [ip, String(nodePort)].sort());
    await registry.patch('services', 'default', 'moving', 'merge-patch', { spec: { type: 'ClusterIP' } });
    assert.deepEqual(await allocatedKeys(), [ip], 'the node port is released with the type change');
  });

  it('hands out each IP once under concurrent creates and fails cleanly when the range is full', async () => {
    await fresh({ serviceCIDR: '10.44.0.0/28' });
    const results = await Promise.allSettled(Array.from({ length: 15 }, (_, i) => registry.create<Service>('services', 'default', aService(`s${i}`, {}))));
    const created = results.filter((r): r is PromiseFulfilledResult<Service> => r.status === 'fulfilled').map((r) => r.value.spec.clusterIP);
    // 16 addresses: network, broadcast and the kubernetes .1 are never picked: 13 services fit.
    assert.equal(created.length, 13);
    assert.equal(new Set(created).size, 13);
    const full = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    assert.equal((full?.reason as ApiError).message, 'Internal error occurred: failed to allocate a serviceIP: range is full');
    assert.equal((await allocatedKeys()).length, 13);
  });

  it('repairs allocations at start: restores missing keys and releases orphans', async () => {
    const svc = await registry.create<Service>('services', 'default', aService('kept', { type: 'NodePort', ports: [{ port: 80, nodePort: 30100 }] }));
    const a = registry.companionOf(SERVICES);
    await store.delete(a.ipKey(svc.spec.clusterIP ?? ''));
    await store.create(a.portKey(31999), a.record(svc, '31999'));
    const report = await repairServiceAllocations(store, keySpace, a);
    assert.deepEqual(report.created, [a.ipKey(svc.spec.clusterIP ?? '')]);
    assert.deepEqual(report.deleted, [a.portKey(31999)]);
    assert.deepEqual(await allocatedKeys(), [svc.spec.clusterIP ?? '', '30100'].sort());
  });

  it('answers a dry-run create with an allocated IP but claims nothing', async () => {
    const svc = await registry.create<Service>('services', 'default', aService('dry', { type: 'NodePort' }), { dryRun: true });
    assert.match(svc.spec.clusterIP ?? '', /^10\.43\./);
    assert.ok(svc.spec.ports?.[0].nodePort);
    assert.deepEqual(await allocatedKeys(), []);
  });

  it('ensures the kubernetes service once, with every replica\'s address, when replicas start together', async () => {
    await Promise.all([
      ensureKubernetesService(registry, { address: '10.0.0.1', port: 6443 }),
      ensureKubernetesService(registry, { address: '10.0.0.2', port: 6443 }),
    ]);
    const svc = await registry.get<Service>('services', 'default', 'kubernetes');
    assert.deepEqual([svc.spec.clusterIP, svc.spec.ports], ['10.43.0.1', [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }]]);
    const ep = await registry.get<Endpoints>('endpoints', 'default', 'kubernetes');
    assert.deepEqual(ep.subsets?.[0].addresses?.map((a) => a.ip).sort(), ['10.0.0.1', '10.0.0.2']);
    const slice = await registry.get<EndpointSlice>('endpointslices.discovery.k8s.io', 'default', 'kubernetes');
    assert.deepEqual(slice.endpoints.map((e) => e.addresses[0]).sort(), ['10.0.0.1', '10.0.0.2']);
    assert.deepEqual(await allocatedKeys(), ['10.43.0.1']);
  });

  it('picks automatic IPs above the static band, leaving .10 to the kube-dns Service made at start', async () => {
    const auto = await Promise.all(Array.from({ length: 20 }, (_, i) => registry.create<Service>('services', 'default', aService(`band-${i}`, {}))));
    for (const svc of auto) assert.ok(ipToNumber(svc.spec.clusterIP ?? '') - ipToNumber('10.43.0.0') > 256, `${svc.spec.clusterIP} is in the static band`);
    assert.equal(await ensureClusterDnsService(registry), undefined);
    assert.equal(await ensureClusterDnsService(registry), undefined, 'a second start finds it');
    const dns = await registry.get<Service>('services', 'kube-system', 'kube-dns');
    assert.deepEqual([dns.spec.clusterIP, dns.spec.selector, dns.spec.ports?.map((p) => `${p.name}/${p.protocol}/${p.port}`)], ['10.43.0.10', undefined, ['dns/UDP/53', 'dns-tcp/TCP/53']]);
    assert.equal(dns.metadata.labels?.['k8s-app'], 'kube-dns');
  });

  it('starts without kube-dns, saying why, when its address is taken', async () => {
    await registry.create<Service>('services', 'default', aService('squatter', { clusterIP: '10.43.0.10' }));
    assert.match(await ensureClusterDnsService(registry) ?? '', /no kube-dns Service at 10\.43\.0\.10: .*provided IP is already allocated/);
    await assert.rejects(registry.get('services', 'kube-system', 'kube-dns'), /not found/);
  });

  it('keeps the kubernetes endpoints to the live replicas: a dead replica\'s address leaves, and an unchanged set writes nothing', async () => {
    await ensureKubernetesService(registry, { address: '10.0.0.1', port: 6443 });
    await ensureKubernetesService(registry, { address: '10.0.0.2', port: 6443 });
    await reconcileKubernetesEndpoints(registry, [{ address: '10.0.0.2', port: 6443 }, { address: '10.0.0.3', port: 6443 }]);
    const ep = await registry.get<Endpoints>('endpoints', 'default', 'kubernetes');
    assert.deepEqual(ep.subsets?.[0].addresses?.map((a) => a.ip), ['10.0.0.2', '10.0.0.3']);
    const slice = await registry.get<EndpointSlice>('endpointslices.discovery.k8s.io', 'default', 'kubernetes');
    assert.deepEqual(slice.endpoints.map((e) => [e.addresses[0], e.conditions?.ready]), [['10.0.0.2', true], ['10.0.0.3', true]]);
    await reconcileKubernetesEndpoints(registry, [{ address: '10.0.0.3', port: 6443 }, { address: '10.0.0.2', port: 6443 }]);
    assert.equal((await registry.get<Endpoints>('endpoints', 'default', 'kubernetes')).metadata.resourceVersion, ep.metadata.resourceVersion);
    assert.equal((await registry.get<EndpointSlice>('endpointslices.discovery.k8s.io', 'default', 'kubernetes')).metadata.resourceVersion, slice.metadata.resourceVersion);
  });

  it('writes the same kubernetes endpoints from every replica, also when two share an address on different ports', async () => {
    await ensureKubernetesService(registry, { address: '127.0.0.1', port: 6443 });
    const seenFromA = [{ address: '127.0.0.1', port: 6443 }, { address: '127.0.0.1', port: 7443 }];
    await reconcileKubernetesEndpoints(registry, seenFromA);
    const ep = await registry.get<Endpoints>('endpoints', 'default', 'kubernetes');
    assert.deepEqual(ep.subsets, [{ addresses: [{ ip: '127.0.0.1' }], ports: [{ name: 'https', port: 6443, protocol: 'TCP' }] }]);
    await reconcileKubernetesEndpoints(registry, [...seenFromA].reverse());
    assert.equal((await registry.get<Endpoints>('endpoints', 'default', 'kubernetes')).metadata.resourceVersion, ep.metadata.resourceVersion);
  });
});
