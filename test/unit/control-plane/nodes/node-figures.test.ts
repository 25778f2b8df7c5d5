import assert from 'node:assert/strict';
import { nodeProto } from '../../../../proto/node-proto';
import type { ValidUsageReport } from '../../../../control-plane/nodes/agent-message-validation';
import { figuresFromWire, figuresToWire, localNodeFigures, mergeNodeFigures } from '../../../../control-plane/nodes/node-figures';
import { relayedRequest } from '../../../../control-plane/nodes/replica-relay-service';
import type { NodeFigures__Output } from '../../../../proto/generated/pikube/node/v1/NodeFigures';

const report = (timestampMs: number, cpu: number): ValidUsageReport => ({
  timestampMs, node: { cpuNanoCores: cpu, memoryBytes: 1024, windowMs: 10_000 },
  pods: [{ ref: { namespace: 'default', name: 'web', uid: '0f3c5b1e-8d4a-4c2b-9e7f-1a2b3c4d5e6f' }, containers: [{ name: 'main', usage: { cpuNanoCores: 5, memoryBytes: 7, windowMs: 10_000 } }] }],
});

/** What the other side reads: the wire message encoded and decoded by the real proto. */
function overTheWire(figures: ReturnType<typeof figuresToWire>): NodeFigures__Output[] {
  const { responseSerialize, responseDeserialize } = nodeProto().pikube.node.v1.ReplicaService.service.NodeFigures;
  return (responseDeserialize(responseSerialize({ nodes: figures })) as { nodes: NodeFigures__Output[] }).nodes;
}

describe('node figures between replicas', () => {
  it('gathers every node this replica heard, with the reports of those connected', () => {
    const local = localNodeFigures({ lastSeenTimes: () => new Map([['pi1', 100], ['pi2', 200]]) }, { entries: () => [['pi1', report(90, 1)]] });
    assert.deepEqual(local, [{ nodeName: 'pi1', lastSeenMs: 100, usage: report(90, 1) }, { nodeName: 'pi2', lastSeenMs: 200 }]);
  });

  it('survives the wire unchanged, and drops an entry that is not a valid report', () => {
    const figures = [{ nodeName: 'pi1', lastSeenMs: 100, usage: report(90, 1) }, { nodeName: 'pi2', lastSeenMs: 200 }];
    assert.deepEqual(figuresFromWire(overTheWire(figuresToWire(figures))), figures);
    const bad = overTheWire(figuresToWire([{ nodeName: 'pi3', usage: { ...report(90, 1), timestampMs: 0 } }]));
    const problems: string[] = [];
    assert.deepEqual(figuresFromWire(bad, (p) => problems.push(p)), []);
    assert.match(problems[0] ?? '', /pi3/);
  });

  it('keeps per node the latest time heard and the newest report, whichever replica had them', () => {
    const merged = mergeNodeFigures([
      { nodeName: 'pi1', lastSeenMs: 100, usage: report(90, 1) },
      { nodeName: 'pi1', lastSeenMs: 300, usage: report(80, 2) },
      { nodeName: 'pi2', lastSeenMs: 50 },
      { nodeName: 'pi2', usage: report(10, 3) },
    ]);
    assert.deepEqual(merged.get('pi1'), { nodeName: 'pi1', lastSeenMs: 300, usage: report(90, 1) });
    assert.deepEqual(merged.get('pi2'), { nodeName: 'pi2', lastSeenMs: 50, usage: report(10, 3) });
  });
});

describe('relayed stream requests', () => {
  it('takes the one kind of stream the open frame names', () => {
    const logs = { pod: { namespace: 'default', name: 'web', uid: 'u' }, container: 'main', follow: true, previous: false, timestamps: false, tail_lines: -1, since_seconds: 0, since_unix_ms: 0, limit_bytes: 0 };
    assert.deepEqual(relayedRequest({ node_name: 'pi1', request: { stream_id: '', kind: 'logs', logs } }), { nodeName: 'pi1', kind: { logs } });
  });

  it('refuses an open frame without a node or a kind', () => {
    assert.throws(() => relayedRequest(undefined), /first relay frame must be `open`/);
    assert.throws(() => relayedRequest({ node_name: '', request: null }), /node name/);
    assert.throws(() => relayedRequest({ node_name: 'pi1', request: { stream_id: '' } }), /names no kind/);
  });
});
