import { strict as assert } from 'node:assert';
import type { Node, Pod } from '../../../../api/core-v1';
import type { EndpointSlice, Endpoints, Service } from '../../../../api/service-v1';
import { ensureKubernetesService } from '../../../../control-plane/registry/service-network/ensure-kubernetes-service';
import { endpointSliceController } from '../../../../control-plane/controllers/endpointslice-controller';
import { endpointSliceMirroringController } from '../../../../control-plane/controllers/endpointslice-mirroring-controller';
import { endpointsController } from '../../../../control-plane/controllers/endpoints-controller';
import { loadBalancerController } from '../../../../control-plane/controllers/load-balancer-controller';
import { until } from '../../../../scripts/cluster/wait-until';
import type { ApiServerFixture } from '../../../support/api-server-fixture';
import { withApiAndControllers } from '../../../support/controllers-fixture';
import { tableRows } from '../../../support/kubectl-table';

function aPod(name: string, labels: Record<string, string>, withHttpPort: boolean): Pod {
  const ports = withHttpPort ? [{ name: 'http', containerPort: 8081 }] : [];
  return {
    apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', labels },
    spec: { nodeName: 'node-a', containers: [{ name: 'main', image: 'busybox:1.36', ports }] },
  };
}

function aNode(name: string, ip: string): Node {
  return {
    apiVersion: 'v1', kind: 'Node', metadata: { name }, spec: {},
    status: { conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'ready' }], addresses: [{ type: 'InternalIP', address: ip }] },
  };
}

describe('services, endpoints and endpoint slices through the real kubectl (real etcd)', function () {
  this.timeout(60_000);
  const fixture = withApiAndControllers([endpointsController, endpointSliceController, loadBalancerController, endpointSliceMirroringController], {
    seed: (server) => ensureKubernetesService(server.registry, { address: '127.0.0.1', port: server.port }),
  });
  const api = (): ApiServerFixture => fixture.get().api;
  const kubectl = (...args: string[]) => fixture.get().kubectl(args);

  async function runPod(name: string, labels: Record<string, string>, ip: string, ready: boolean, withHttpPort = true): Promise<void> {
    const pod = await api().registry.create<Pod>('pods', 'default', aPod(name, labels, withHttpPort));
    const status = { phase: 'Running' as const, podIP: ip, podIPs: [{ ip }], conditions: [{ type: 'Ready', status: ready ? 'True' as const : 'False' as const }] };
    await api().registry.updateStatus('pods', 'default', name, { ...pod, status });
  }

  async function endpointsOf(name: string): Promise<Endpoints | undefined> {
    return api().registry.get<Endpoints>('endpoints', 'default', name).catch(() => undefined);
  }

  async function slicesOf(name: string): Promise<EndpointSlice[]> {
    return (await api().registry.list<EndpointSlice>('endpointslices.discovery.k8s.io', { namespace: 'default', labelSelector: `kubernetes.io/service-name=${name}` })).items;
  }

  it('serves the kubernetes service on the first IP of the range with the API server as endpoint', async () => {
    const { stdout, code } = await kubectl('get', 'svc');
    assert.equal(code, 0, stdout);
    const [header, row] = tableRows(stdout);
    assert.deepEqual(header, ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE']);
    assert.deepEqual(row.slice(0, 5), ['kubernetes', 'ClusterIP', '10.43.0.1', '<none>', '443/TCP']);
    const ep = await kubectl('get', 'endpoints', 'kubernetes');
    assert.equal(tableRows(ep.stdout)[1][1], `127.0.0.1:${api().port}`);
  });

  it('lists the discovery group and the new resources', async () => {
    const { stdout } = await kubectl('api-resources', '--no-headers');
    const names = tableRows(stdout).map((r) => r[0]);
    for (const n of ['services', 'endpoints', 'endpointslices']) assert.ok(names.includes(n), stdout);
    assert.match(stdout, /endpointslices\s+discovery\.k8s\.io\/v1\s+true\s+EndpointSlice/);
  });

  it('creates a service with kubectl and fills endpoints and slices from ready and not-ready pods', async () => {
    assert.equal((await kubectl('create', 'service', 'clusterip', 'web', '--tcp=80:8080')).out, 'service/web created');
    await runPod('web-1', { app: 'web' }, '10.42.0.5', true);
    await runPod('web-2', { app: 'web' }, '10.42.0.6', false);
    await runPod('other', { app: 'other' }, '10.42.0.7', true);
    const ep = await until(async () => {
      const e = await endpointsOf('web');
      return e?.subsets?.[0]?.notReadyAddresses?.length === 1 && e;
    }, { timeoutMs: 10_000, describe: async () => JSON.stringify(await endpointsOf('web')) });
    assert.deepEqual(ep.subsets, [{
      addresses: [{ ip: '10.42.0.5', nodeName: 'node-a', targetRef: { kind: 'Pod', namespace: 'default', name: 'web-1', uid: (await api().registry.get<Pod>('pods', 'default', 'web-1')).metadata.uid } }],
      notReadyAddresses: [{ ip: '10.42.0.6', nodeName: 'node-a', targetRef: { kind: 'Pod', namespace: 'default', name: 'web-2', uid: (await api().registry.get<Pod>('pods', 'default', 'web-2')).metadata.uid } }],
      ports: [{ name: '80-8080', port: 8080, protocol: 'TCP' }],
    }]);
    const svc = tableRows((await kubectl('get', 'svc', 'web')).stdout)[1];
    assert.match(svc[2], /^10\.43\.\d+\.\d+$/);
    assert.deepEqual([svc[0], svc[1], svc[3], svc[4]], ['web', 'ClusterIP', '<none>', '80/TCP']);
    assert.equal(tableRows((await kubectl('get', 'endpoints', 'web')).stdout)[1][1], '10.42.0.5:8080');
  });

  it('mirrors the pods into an EndpointSlice with conditions and controller labels', async () => {
    const slice = await until(async () => (await slicesOf('web')).find((s) => s.endpoints.length === 2), { timeoutMs: 10_000, describe: async () => JSON.stringify(await slicesOf('web')) });
    assert.equal(slice.metadata.labels?.['endpointslice.kubernetes.io/managed-by'], 'endpointslice-controller.k8s.io');
    assert.equal(slice.addressType, 'IPv4');
    assert.deepEqual(slice.endpoints.map((e) => [e.addresses[0], e.conditions, e.nodeName, e.targetRef?.name]), [
      ['10.42.0.5', { ready: true, serving: true, terminating: false }, 'node-a', 'web-1'],
      ['10.42.0.6', { ready: false, serving: false, terminating: false }, 'node-a', 'web-2'],
    ]);
    const { stdout } = await kubectl('get', 'endpointslices', '-l', 'kubernetes.io/service-name=web');
    const [header, row] = tableRows(stdout);
    assert.deepEqual(header, ['NAME', 'ADDRESSTYPE', 'PORTS', 'ENDPOINTS', 'AGE']);
    assert.deepEqual(row.slice(1, 4), ['IPv4', '8080', '10.42.0.5,10.42.0.6']);
  });

  it('shows services in get all and describe, and applies a changed service as a patch', async () => {
    assert.match((await kubectl('get', 'all')).stdout, /service\/web\s+ClusterIP/);
    const described = await kubectl('describe', 'svc', 'web');
    assert.equal(described.code, 0, described.out);
    assert.match(described.stdout, /Endpoints:\s+10\.42\.0\.5:8080/);
    const yaml = (port: number) => `apiVersion: v1\nkind: Service\nmetadata:\n  name: applied\nspec:\n  selector: {app: web}\n  ports:\n  - {name: http, port: ${port}, targetPort: 8080}\n`;
    assert.equal((await api().kubectl(['apply', '-f', '-'], { input: yaml(80) })).stdout.trim(), 'service/applied created');
    const ip = (await api().registry.get<Service>('services', 'default', 'applied')).spec.clusterIP;
    assert.equal((await api().kubectl(['apply', '-f', '-'], { input: yaml(81) })).stdout.trim(), 'service/applied configured');
    const applied = await api().registry.get<Service>('services', 'default', 'applied');
    assert.deepEqual([applied.spec.clusterIP, applied.spec.ports?.map((p) => p.port)], [ip, [81]]);
  });

  it('does not rewrite endpoints or slices when nothing changed', async () => {
    const [ep, slice] = [await endpointsOf('web'), (await slicesOf('web'))[0]];
    await api().registry.patch('services', 'default', 'web', 'merge-patch', { metadata: { annotations: { touched: 'yes' } } });
    await runPod('unrelated', { app: 'unrelated' }, '10.42.0.9', true);
    const marker = await api().kubectl(['create', 'service', 'clusterip', 'marker', '--tcp=80']);
    assert.equal(marker.code, 0);
    await until(async () => (await endpointsOf('marker')) !== undefined, { timeoutMs: 10_000 });
    assert.equal((await endpointsOf('web'))?.metadata.resourceVersion, ep?.metadata.resourceVersion);
    assert.equal((await slicesOf('web'))[0].metadata.resourceVersion, slice.metadata.resourceVersion);
  });

  it('resolves a named targetPort per pod and leaves out pods without that port (kubectl expose)', async () => {
    await runPod('named-1', { app: 'named' }, '10.42.1.1', true, true);
    await runPod('named-2', { app: 'named' }, '10.42.1.2', true, false);
    const exposed = await kubectl('expose', 'pod', 'named-1', '--name=named', '--port=80', '--target-port=http');
    assert.equal(exposed.out, 'service/named exposed');
    const ep = await until(async () => (await endpointsOf('named'))?.subsets, { timeoutMs: 10_000 });
    assert.deepEqual(ep.map((s) => [s.addresses?.map((a) => a.ip), s.ports?.map((p) => p.port)]), [[['10.42.1.1'], [8081]]]);
  });

  it('drops a terminating pod from Endpoints and marks it terminating in the slice', async () => {
    await runPod('term-1', { app: 'term' }, '10.42.2.1', true);
    await runPod('term-2', { app: 'term' }, '10.42.2.2', true);
    await kubectl('create', 'service', 'clusterip', 'term', '--tcp=80');
    await until(async () => (await endpointsOf('term'))?.subsets?.[0]?.addresses?.length === 2, { timeoutMs: 10_000 });
    const deleted = await api().registry.delete<Pod>('pods', 'default', 'term-2', { gracePeriodSeconds: 30 });
    assert.equal(deleted.removed, false, 'a bound pod is deleted gracefully');
    await until(async () => (await endpointsOf('term'))?.subsets?.[0]?.addresses?.length === 1, { timeoutMs: 10_000, describe: async () => JSON.stringify(await endpointsOf('term')) });
    const slice = await until(async () => (await slicesOf('term')).find((s) => s.endpoints.some((e) => e.conditions?.terminating)), { timeoutMs: 10_000 });
    assert.deepEqual(slice.endpoints.find((e) => e.addresses[0] === '10.42.2.2')?.conditions, { ready: false, serving: true, terminating: true });
  });

  it('leaves user-written Endpoints of a selectorless service alone and mirrors them into a slice', async () => {
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'external' }, spec: { ports: [{ port: 5432 }] } };
    await api().registry.create('services', 'default', svc);
    await api().registry.create('endpoints', 'default', { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'external' }, subsets: [{ addresses: [{ ip: '192.168.1.50' }], ports: [{ port: 5432 }] }] });
    await api().registry.patch('services', 'default', 'external', 'merge-patch', { metadata: { labels: { poke: 'x' } } });
    await until(async () => (await endpointsOf('marker')) !== undefined, { timeoutMs: 5_000 });
    assert.equal(tableRows((await kubectl('get', 'endpoints', 'external')).stdout)[1][1], '192.168.1.50:5432');
    const slice = await until(async () => (await slicesOf('external'))[0], { timeoutMs: 10_000 });
    assert.equal(slice.metadata.labels?.['endpointslice.kubernetes.io/managed-by'], 'endpointslicemirroring-controller.k8s.io');
    assert.deepEqual([slice.endpoints, slice.ports], [[{ addresses: ['192.168.1.50'], conditions: { ready: true } }], [{ name: '', port: 5432, protocol: 'TCP' }]]);
    assert.deepEqual((await slicesOf('kubernetes')).map((s) => s.metadata.name), ['kubernetes'], 'the kubernetes Endpoints are not mirrored');
    await api().registry.delete('endpoints', 'default', 'external');
    await until(async () => (await slicesOf('external')).length === 0, { timeoutMs: 10_000 });
  });

  it('reports a requested clusterIP conflict and a NodePort conflict as kubectl errors', async () => {
    const ip = await kubectl('create', 'service', 'clusterip', 'dup', '--tcp=80', '--clusterip=10.43.0.1');
    assert.equal(ip.out, 'error: failed to create ClusterIP service: Service "dup" is invalid: spec.clusterIPs: Invalid value: []string{"10.43.0.1"}: failed to allocate IP 10.43.0.1: provided IP is already allocated');
    assert.equal((await kubectl('create', 'service', 'nodeport', 'np', '--tcp=80', '--node-port=30080')).out, 'service/np created');
    const port = await kubectl('create', 'service', 'nodeport', 'np2', '--tcp=80', '--node-port=30080');
    assert.equal(port.out, 'error: failed to create NodePort service: Service "np2" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated');
    assert.match(tableRows((await kubectl('get', 'svc', 'np')).stdout)[1][4], /^80:30080\/TCP$/);
  });

  it('frees the node port when the service is deleted', async () => {
    assert.equal((await kubectl('delete', 'svc', 'np')).out, 'service "np" deleted');
    assert.equal((await kubectl('create', 'service', 'nodeport', 'np2', '--tcp=80', '--node-port=30080')).out, 'service/np2 created');
  });

  it('gives LoadBalancer services the Ready nodes as ingress', async () => {
    await api().registry.create('nodes', undefined, aNode('node-a', '10.0.0.11'));
    await api().registry.create('nodes', undefined, aNode('node-b', '10.0.0.12'));
    assert.equal((await kubectl('create', 'service', 'loadbalancer', 'lb', '--tcp=80')).out, 'service/lb created');
    const row = await until(async () => {
      const r = tableRows((await kubectl('get', 'svc', 'lb')).stdout)[1];
      return r[3] === '10.0.0.11,10.0.0.12' && r;
    }, { timeoutMs: 10_000, describe: async () => (await kubectl('get', 'svc', 'lb')).out });
    assert.equal(row[1], 'LoadBalancer');
    assert.match(row[4], /^80:3\d{4}\/TCP$/);
  });
});
