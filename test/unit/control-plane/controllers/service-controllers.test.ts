/**
 * The endpoints, endpointslice, mirroring and LoadBalancer controllers running as the leader
 * runs them (shared informers, the Registry as API client), over the in-memory store.
 */
import assert from 'node:assert/strict';
import type { Node, Pod } from '../../../../api/core-v1';
import type { EndpointSlice, Endpoints, Service } from '../../../../api/service-v1';
import { ensureDefaultNamespaces } from '../../../../control-plane/apiserver/ensure-default-namespaces';
import { endpointSliceController } from '../../../../control-plane/controllers/endpointslice-controller';
import { endpointSliceMirroringController } from '../../../../control-plane/controllers/endpointslice-mirroring-controller';
import { endpointsController } from '../../../../control-plane/controllers/endpoints-controller';
import { loadBalancerController } from '../../../../control-plane/controllers/load-balancer-controller';
import { MemoryStore } from '../../../../control-plane/store/memory-store';
import type { StoreEvent } from '../../../../control-plane/store/store';
import { until } from '../../../../scripts/cluster/wait-until';
import { ControllerHarness } from '../../../support/controller-harness';
import { aNode, anEndpoints, aPod, aService } from './fixtures';

const SLICES = 'endpointslices.discovery.k8s.io';

describe('service controllers over the in-memory store', () => {
  let store: MemoryStore;
  let harness: ControllerHarness;
  let writes: StoreEvent[];

  beforeEach(async () => {
    store = new MemoryStore();
    harness = new ControllerHarness({ store });
    await ensureDefaultNamespaces(harness.registry);
    writes = [];
    store.watch('/registry/', { afterRevision: await store.currentRevision(), onEvent: (e) => void writes.push(e), onError: () => undefined });
    harness.run(endpointsController, endpointSliceController, endpointSliceMirroringController, loadBalancerController);
  });

  afterEach(async () => {
    await harness.stop();
    await store.close();
    assert.deepEqual(harness.logs.filter((l) => !/skipping/.test(l)), [], 'no controller failed');
  });

  async function runPod(name: string, ip: string, ready = true): Promise<void> {
    const pod = await harness.registry.create<Pod>('pods', 'default', aPod(name, { ip, ready }));
    await harness.registry.updateStatus('pods', 'default', name, { ...pod, status: aPod(name, { ip, ready }).status });
  }

  const endpointsOf = (name: string): Promise<Endpoints | undefined> => harness.registry.get<Endpoints>('endpoints', 'default', name).catch(() => undefined);
  const slicesOf = async (name: string): Promise<EndpointSlice[]> =>
    (await harness.registry.list<EndpointSlice>(SLICES, { namespace: 'default', labelSelector: `kubernetes.io/service-name=${name}` })).items;
  const ips = (e: Endpoints | undefined): string[] => (e?.subsets ?? []).flatMap((s) => (s.addresses ?? []).map((a) => a.ip)).sort();

  it('a Service and its pods in, Endpoints and one EndpointSlice out, each written once', async () => {
    await runPod('a', '10.42.0.5');
    await runPod('b', '10.42.0.6');
    await harness.registry.create('services', 'default', aService('web'));
    await until(async () => ips(await endpointsOf('web')).length === 2 && (await slicesOf('web'))[0]?.endpoints?.length === 2, { timeoutMs: 3000 });
    assert.deepEqual(ips(await endpointsOf('web')), ['10.42.0.5', '10.42.0.6']);
    await until(() => harness.informers.forResource(SLICES).list().length === 1, { timeoutMs: 1000 });
    const sliceWrites = writes.filter((w) => w.key.includes('/endpointslices/'));
    assert.equal(sliceWrites.length, 1, `slice writes: ${sliceWrites.map((w) => w.type).join(',')}`);
  });

  it('a pod that stops being ready moves to notReadyAddresses and a deleted Service takes its Endpoints and slices along', async () => {
    await runPod('a', '10.42.0.5');
    await harness.registry.create('services', 'default', aService('web'));
    await until(async () => ips(await endpointsOf('web')).length === 1, { timeoutMs: 3000 });
    const pod = await harness.registry.get<Pod>('pods', 'default', 'a');
    await harness.registry.updateStatus('pods', 'default', 'a', { ...pod, status: aPod('a', { ip: '10.42.0.5', ready: false }).status });
    await until(async () => (await endpointsOf('web'))?.subsets?.[0]?.notReadyAddresses?.length === 1, { timeoutMs: 3000 });
    await harness.registry.delete('services', 'default', 'web');
    await until(async () => !(await endpointsOf('web')) && (await slicesOf('web')).length === 0, { timeoutMs: 3000 });
  });

  it('puts right a slice deleted by hand, found through its owner reference', async () => {
    await runPod('a', '10.42.0.5');
    await harness.registry.create('services', 'default', aService('web'));
    const [first] = await until(async () => ((await slicesOf('web'))[0]?.endpoints?.length === 1 ? slicesOf('web') : undefined), { timeoutMs: 3000 });
    await harness.registry.delete(SLICES, 'default', first?.metadata.name ?? '');
    await until(async () => (await slicesOf('web')).some((s) => s.metadata.name !== first?.metadata.name), { timeoutMs: 3000 });
  });

  it('mirrors user-written Endpoints of a selectorless Service into a slice', async () => {
    await harness.registry.create('services', 'default', aService('manual', { ports: [{ port: 80, protocol: 'TCP' }] }));
    await harness.registry.create('endpoints', 'default', anEndpoints('manual', ['192.168.7.7']));
    const mirrored = await until(async () => (await slicesOf('manual'))[0], { timeoutMs: 3000 });
    assert.equal(mirrored.metadata.labels?.['endpointslice.kubernetes.io/managed-by'], 'endpointslicemirroring-controller.k8s.io');
    assert.deepEqual(mirrored.endpoints?.map((e) => e.addresses[0]), ['192.168.7.7']);
    assert.deepEqual(ips(await endpointsOf('manual')), ['192.168.7.7'], 'the user\'s Endpoints stay as written');
  });

  it('gives a LoadBalancer Service the Ready nodes as ingress, following a node that goes unready', async () => {
    await harness.registry.create('nodes', undefined, aNode('pi1', { ip: '192.168.1.11' }));
    const pi2 = await harness.registry.create<Node>('nodes', undefined, aNode('pi2', { ip: '192.168.1.12' }));
    await harness.registry.create('services', 'default', aService('lb', { type: 'LoadBalancer', selector: { app: 'lb' }, ports: [{ port: 80, protocol: 'TCP' }] }));
    const ingress = async (): Promise<string[]> => ((await harness.registry.get<Service>('services', 'default', 'lb')).status?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? '');
    await until(async () => (await ingress()).length === 2, { timeoutMs: 3000 });
    await harness.registry.updateStatus('nodes', undefined, 'pi2', { ...pi2, status: aNode('pi2', { ready: 'False', ip: '192.168.1.12' }).status });
    await until(async () => (await ingress()).join() === '192.168.1.11', { timeoutMs: 3000 });
  });
});
