import assert from 'node:assert/strict';
import type { Node, Pod } from '../../../../api/core-v1';
import type { ValidUsageReport } from '../../../../control-plane/nodes/agent-message-validation';
import { nodeMetricsSource, podMetricsSource, usageList } from '../../../../control-plane/nodes/metrics-sources';
import { UsageReports } from '../../../../control-plane/nodes/usage-reports';

const NOW = new Date('2026-12-07T10:00:30Z');
const node: Node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'pi1', labels: { 'kubernetes.io/hostname': 'pi1' } }, spec: {} };
const pod: Pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default', uid: 'u1', labels: { app: 'web' } }, spec: { nodeName: 'pi1', containers: [] } };
const usage = (cpuNanoCores: number, memoryBytes: number, windowMs = 15_000) => ({ cpuNanoCores, memoryBytes, windowMs });
const report: ValidUsageReport = {
  timestampMs: Date.parse('2026-12-07T10:00:12.345Z'),
  node: usage(1_234_567_890, 512 * 1024 * 1024, 15_012),
  pods: [{ ref: { namespace: 'default', name: 'web', uid: 'u1' }, containers: [{ name: 'web', usage: usage(99_000_000, 10_240 * 1024) }] }],
};

function cache<T extends { metadata: { name?: string; namespace?: string } }>(...objects: T[]) {
  return { get: (key: string) => objects.find((o) => (o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name) === key) };
}

describe('Metrics API objects from usage reports', () => {
  const quantities: [number, number, string, string][] = [
    [123_456, 1000, '123456n', '1k'], // Go's rule: BinarySI below 1024 is printed as DecimalSI
    [1, 1_000_001, '1n', '1000001'],
    [12_000_000, 10_240 * 1024, '12m', '10Mi'],
    [2_000_000_000, 1024 * 1023, '2', '1023Ki'],
    [0, 0, '0', '0'],
  ];
  for (const [nanoCores, bytes, cpu, memory] of quantities) {
    it(`writes ${nanoCores} nanocores as ${cpu} and ${bytes} bytes as ${memory}`, () => {
      assert.deepEqual(usageList({ cpuNanoCores: nanoCores, memoryBytes: bytes }), { cpu, memory });
    });
  }

  it('serves a NodeMetrics per reporting node, as metrics-server does', async () => {
    const reports = new UsageReports();
    reports.record('pi1', {}, report);
    const [metrics] = await nodeMetricsSource(reports, cache(node), () => NOW).list(undefined);
    assert.deepEqual(metrics, {
      kind: 'NodeMetrics', apiVersion: 'metrics.k8s.io/v1beta1',
      metadata: { name: 'pi1', creationTimestamp: '2026-12-07T10:00:30Z', labels: { 'kubernetes.io/hostname': 'pi1' } },
      timestamp: '2026-12-07T10:00:12Z', window: '15.012s', usage: { cpu: '1234567890n', memory: '512Mi' },
    });
  });

  it('leaves out nodes without a report and reports of deleted nodes', async () => {
    const reports = new UsageReports();
    assert.deepEqual(await nodeMetricsSource(reports, cache(node)).list(undefined), []);
    reports.record('gone', {}, report);
    assert.deepEqual(await nodeMetricsSource(reports, cache(node)).list(undefined), []);
  });

  it('serves PodMetrics with the pod labels, only for the pod bound to that node under that uid', async () => {
    const reports = new UsageReports();
    reports.record('pi1', {}, report);
    const [metrics] = await podMetricsSource(reports, cache(pod), () => NOW).list('default');
    assert.deepEqual(metrics.metadata, { name: 'web', namespace: 'default', creationTimestamp: '2026-12-07T10:00:30Z', labels: { app: 'web' } });
    assert.deepEqual(metrics.containers, [{ name: 'web', usage: { cpu: '99m', memory: '10Mi' } }]);
    assert.equal(metrics.window, '15s');
    assert.deepEqual(await podMetricsSource(reports, cache(pod)).list('other'), []);
    const recreated = { ...pod, metadata: { ...pod.metadata, uid: 'u2' } };
    assert.deepEqual(await podMetricsSource(reports, cache(recreated)).list(undefined), []);
  });

  it('drops a node report when its session ends, but not a newer session\'s', () => {
    const reports = new UsageReports();
    const [older, newer] = [{}, {}];
    reports.record('pi1', older, report);
    reports.record('pi1', newer, report);
    reports.forget('pi1', older);
    assert.ok(reports.latest('pi1'));
    reports.forget('pi1', newer);
    assert.equal(reports.latest('pi1'), undefined);
  });
});
