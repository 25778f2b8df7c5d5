import { strict as assert } from 'node:assert';
import type { Event, Pod } from '../../../../api/core-v1';
import { podGcController } from '../../../../control-plane/controllers/pod-gc-controller';
import { taintEvictionController } from '../../../../control-plane/controllers/taint-eviction-controller';
import { until } from '../../../../scripts/cluster/wait-until';
import type { ApiServerFixture } from '../../../support/api-server-fixture';
import { withApiAndControllers } from '../../../support/controllers-fixture';

const NODE = `apiVersion: v1
kind: Node
metadata:
  name: pi1
`;

/** A pod bound to pi1, with its own tolerations (the admission adds the defaults it lacks). */
function podYaml(name: string, tolerations = '[]'): string {
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
  nodeName: pi1
  tolerations: ${tolerations}
  containers:
  - name: web
    image: pikube/busybox:latest
`;
}

describe('taint eviction and pod garbage collection through the real kubectl (real etcd, API server, controllers)', function () {
  this.timeout(60_000);
  const fixture = withApiAndControllers([taintEvictionController, podGcController]);
  const api = (): ApiServerFixture => fixture.get().api;
  const kubectl = (args: string[], input?: string): Promise<string> => fixture.get().ok(args, input);

  const pod = async (name: string): Promise<Pod | undefined> => {
    const result = await api().kubectl(['get', 'pod', name, '-o', 'json'], { timeoutMs: 20_000 });
    return result.code === 0 ? (JSON.parse(result.stdout) as Pod) : undefined;
  };

  it('evicts by the taint and tolerations: the default 0 s, a user\'s own seconds, forever; a deleted node frees its pods at once', async () => {
    await kubectl(['apply', '-f', '-'], NODE);
    await kubectl(['apply', '-f', '-'], podYaml('plain'));
    await kubectl(['apply', '-f', '-'], podYaml('brief', '[{key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 2}]'));
    await kubectl(['apply', '-f', '-'], podYaml('patient', '[{key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 3600}]'));
    await kubectl(['apply', '-f', '-'], podYaml('daemon', '[{key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute}]'));
    assert.equal(await kubectl(['get', 'pod', 'plain', '-o', 'jsonpath={.spec.tolerations[?(@.key=="node.kubernetes.io/unreachable")].tolerationSeconds}']), '0');

    const tainted = Date.now();
    await kubectl(['taint', 'node', 'pi1', 'node.kubernetes.io/unreachable:NoExecute']);
    await until(async () => Boolean((await pod('plain'))?.metadata.deletionTimestamp), { timeoutMs: 10_000, intervalMs: 100 });
    const evictedAfterMs = Date.now() - tainted;
    await until(async () => Boolean((await pod('brief'))?.metadata.deletionTimestamp), { timeoutMs: 10_000, intervalMs: 100 });
    const briefAfterMs = Date.now() - tainted;
    assert.ok(briefAfterMs >= 1_900, `brief evicted after ${briefAfterMs} ms, before its own 2 s toleration ran out`);
    assert.ok(evictedAfterMs < briefAfterMs, `plain (default 0 s) evicted after ${evictedAfterMs} ms, brief (2 s) after ${briefAfterMs} ms`);
    const plain = await pod('plain');
    assert.ok(plain?.status?.conditions?.some((c) => c.type === 'DisruptionTarget' && c.status === 'True' && c.reason === 'DeletionByTaintManager'));
    const events = JSON.parse(await kubectl(['get', 'events', '-o', 'json'])) as { items: Event[] };
    const eviction = events.items.find((e) => e.reason === 'TaintManagerEviction' && e.involvedObject.name === 'plain');
    assert.equal(eviction?.message, 'Marking for deletion Pod default/plain');
    assert.equal(eviction?.source?.component, 'taint-eviction-controller');
    assert.match(await kubectl(['get', 'events', '--field-selector', 'reason=TaintManagerEviction']), /TaintManagerEviction\s+pod\/plain\s+Marking for deletion Pod default\/plain/);
    assert.equal((await pod('patient'))?.metadata.deletionTimestamp, undefined, 'tolerationSeconds 3600 is honoured');
    assert.equal((await pod('daemon'))?.metadata.deletionTimestamp, undefined, 'tolerated forever');

    const deleted = Date.now();
    await kubectl(['delete', 'node', 'pi1']);
    await until(async () => !(await pod('plain')) && !(await pod('brief')) && !(await pod('patient')) && !(await pod('daemon')), { timeoutMs: 10_000, intervalMs: 100 });
    console.log(`      evicted ${evictedAfterMs} ms after the taint (default toleration 0 s), ${briefAfterMs} ms with its own 2 s; every pod of the deleted node gone ${Date.now() - deleted} ms after kubectl delete node was started`);
  });
});
