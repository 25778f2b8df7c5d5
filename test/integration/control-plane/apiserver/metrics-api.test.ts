import { strict as assert } from 'node:assert';
import type { Node, Pod } from '../../../../api/core-v1';
import type { ClusterRole } from '../../../../api/rbac-v1';
import { ensureBootstrapPolicy } from '../../../../control-plane/auth/rbac/ensure-bootstrap-policy';
import { clusterRoleAggregationController } from '../../../../control-plane/controllers/cluster-role-aggregation-controller';
import { nodeMetricsSource, podMetricsSource } from '../../../../control-plane/nodes/metrics-sources';
import { UsageReports } from '../../../../control-plane/nodes/usage-reports';
import { NODE_METRICS, POD_METRICS } from '../../../../control-plane/registry/kinds';
import { until } from '../../../../scripts/cluster/wait-until';
import { startApiServerFixture, type ApiServerFixture } from '../../../support/api-server-fixture';
import { ControllerHarness } from '../../../support/controller-harness';
import { withEtcd } from '../../../support/etcd-fixture';

const usage = (cpuNanoCores: number, memoryBytes: number) => ({ cpuNanoCores, memoryBytes, windowMs: 15_000 });

function aNode(name: string): Node {
  return {
    apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name } }, spec: {},
    status: { capacity: { cpu: '2', memory: '1Gi', pods: '110' }, allocatable: { cpu: '2', memory: '1Gi', pods: '110' } },
  };
}

function aPod(name: string, labels: Record<string, string>): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels }, spec: { nodeName: 'pi1', containers: [{ name: 'main', image: 'busybox' }, { name: 'side', image: 'busybox' }] } };
}

/** kubectl's columns, each line's cells split on runs of spaces. */
function rows(stdout: string): string[][] {
  return stdout.trim().split('\n').map((line) => line.trim().split(/\s{2,}/));
}

describe('the Metrics API from usage reports (real API server, kubectl top)', function () {
  this.timeout(120_000);
  const etcd = withEtcd();
  let api: ApiServerFixture;
  let controllers: ControllerHarness | undefined;
  const reports = new UsageReports();
  const objects = new Map<string, Node | Pod>();

  before(async () => {
    api = await startApiServerFixture(etcd.get());
    await ensureBootstrapPolicy(api.registry);
    controllers = new ControllerHarness({ store: api.store, keySpace: api.keySpace, registry: api.registry }).run(clusterRoleAggregationController);
    const cached = <T extends Node | Pod>() => ({ get: (key: string) => objects.get(key) as T | undefined });
    api.registry.serveLive(NODE_METRICS, nodeMetricsSource(reports, cached<Node>()));
    api.registry.serveLive(POD_METRICS, podMetricsSource(reports, cached<Pod>()));
    for (const name of ['pi1', 'pi2']) objects.set(name, await api.registry.create<Node>('nodes', undefined, aNode(name)));
    for (const [name, app] of [['web', 'web'], ['db', 'db']]) objects.set(`default/${name}`, await api.registry.create<Pod>('pods', 'default', aPod(name, { app })));
    await api.kubectl(['create', 'clusterrolebinding', 'viewer-views', '--clusterrole=view', '--user=viewer']);
    await until(async () => ((await api.registry.get<ClusterRole>('clusterroles.rbac.authorization.k8s.io', undefined, 'view')).rules ?? []).some((r) => r.apiGroups?.includes('metrics.k8s.io')), { timeoutMs: 20_000, describe: () => 'view has no metrics rule' });
  });
  after(async () => {
    await controllers?.stop();
    await api?.stop();
  });

  it('is discoverable, and says "metrics not available yet" before any report, as with metrics-server', async () => {
    const resources = (await api.request('GET', '/apis/metrics.k8s.io/v1beta1')).json<{ resources: { name: string; kind: string; verbs: string[] }[] }>().resources;
    assert.deepEqual(resources.map((r) => [r.name, r.kind, r.verbs.join(',')]), [['nodes', 'NodeMetrics', 'get,list'], ['pods', 'PodMetrics', 'get,list']]);
    const top = await api.kubectl(['top', 'node']);
    assert.notEqual(top.code, 0);
    assert.match(top.stderr, /error: metrics not available yet/);
    assert.equal((await api.request('GET', '/apis/metrics.k8s.io/v1beta1/nodes/pi1')).status, 404);
  });

  it('answers kubectl top node with the columns of kubectl 1.32, a node without a report as <unknown>', async () => {
    const pods = [{ ref: { namespace: 'default', name: 'web', uid: objects.get('default/web')?.metadata.uid ?? '' }, containers: [{ name: 'main', usage: usage(99_000_000, 10 * 1024 * 1024) }, { name: 'side', usage: usage(1_000_000, 2 * 1024 * 1024) }] },
      { ref: { namespace: 'default', name: 'db', uid: objects.get('default/db')?.metadata.uid ?? '' }, containers: [{ name: 'main', usage: usage(250_000_000, 100 * 1024 * 1024) }] }];
    reports.record('pi1', {}, { timestampMs: Date.now(), node: usage(1_234_567_890, 512 * 1024 * 1024), pods });
    const top = await api.kubectl(['top', 'node']);
    assert.equal(top.code, 0, top.stderr);
    assert.deepEqual(rows(top.stdout), [
      ['NAME', 'CPU(cores)', 'CPU(%)', 'MEMORY(bytes)', 'MEMORY(%)'],
      ['pi1', '1235m', '61%', '512Mi', '50%'],
      ['pi2', '<unknown>', '<unknown>', '<unknown>', '<unknown>'],
    ]);
  });

  it('answers kubectl top pod with -A, --containers and -l', async () => {
    const all = await api.kubectl(['top', 'pod', '-A']);
    assert.equal(all.code, 0, all.stderr);
    assert.deepEqual(rows(all.stdout), [['NAMESPACE', 'NAME', 'CPU(cores)', 'MEMORY(bytes)'], ['default', 'db', '250m', '100Mi'], ['default', 'web', '100m', '12Mi']]);
    const containers = await api.kubectl(['top', 'pod', 'web', '--containers']);
    assert.deepEqual(rows(containers.stdout), [['POD', 'NAME', 'CPU(cores)', 'MEMORY(bytes)'], ['web', 'main', '99m', '10Mi'], ['web', 'side', '1m', '2Mi']]);
    const selected = await api.kubectl(['top', 'pod', '-l', 'app=db']);
    assert.deepEqual(rows(selected.stdout), [['NAME', 'CPU(cores)', 'MEMORY(bytes)'], ['db', '250m', '100Mi']]);
  });

  it('serves the objects as metrics-server does, and refuses writes', async () => {
    const metrics = (await api.request('GET', '/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/web')).json();
    assert.equal(metrics.kind, 'PodMetrics');
    assert.equal(metrics.window, '15s');
    assert.deepEqual(metrics.metadata.labels, { app: 'web' });
    assert.deepEqual(metrics.containers[0], { name: 'main', usage: { cpu: '99m', memory: '10Mi' } });
    assert.equal((await api.request('DELETE', '/apis/metrics.k8s.io/v1beta1/nodes/pi1')).status, 405);
    assert.equal((await api.request('GET', '/apis/metrics.k8s.io/v1beta1/nodes?watch=true')).status, 405);
  });

  it('lets whoever may view read metrics (system:aggregated-metrics-reader aggregated to view), and nobody else', async () => {
    const viewer = await api.kubectl(['top', 'pod', '--as=viewer']);
    assert.equal(viewer.code, 0, viewer.stderr);
    const stranger = await api.kubectl(['top', 'pod', '--as=stranger']);
    assert.match(stranger.stderr, /pods\.metrics\.k8s\.io is forbidden: User "stranger" cannot list resource "pods" in API group "metrics\.k8s\.io" in the namespace "default"/);
  });
});
