import { strict as assert } from 'node:assert';
import type { Node, NodeCondition } from '../../../../../api/core-v1';
import { nodePrinter } from '../../../../../control-plane/apiserver/tables/node-printer';

const NOW = new Date('2024-05-01T12:00:00Z');

function aNode(opts: { ready?: NodeCondition['status']; unschedulable?: boolean; labels?: Record<string, string> } = {}): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'pi-1', creationTimestamp: '2024-04-29T09:00:00Z', labels: opts.labels ?? {} },
    spec: opts.unschedulable ? { unschedulable: true } : {},
    status: {
      conditions: opts.ready ? [{ type: 'MemoryPressure', status: 'False' }, { type: 'Ready', status: opts.ready }] : [],
      addresses: [{ type: 'Hostname', address: 'pi-1' }, { type: 'InternalIP', address: '192.168.1.21' }],
      nodeInfo: {
        machineID: '', systemUUID: '', bootID: '', kernelVersion: '6.6.31+rpt-rpi-v8', osImage: 'Debian GNU/Linux 12 (bookworm)',
        containerRuntimeVersion: 'docker://20.10.24', kubeletVersion: 'v1.32.0-pikube', kubeProxyVersion: '', operatingSystem: 'linux', architecture: 'arm64',
      },
    },
  };
}

describe('node table printer', () => {
  const statuses: [string, Node, string][] = [
    ['a ready node', aNode({ ready: 'True' }), 'Ready'],
    ['a node whose Ready condition is False', aNode({ ready: 'False' }), 'NotReady'],
    ['a node whose Ready condition is Unknown', aNode({ ready: 'Unknown' }), 'NotReady'],
    ['a node without a Ready condition', aNode(), 'Unknown'],
    ['a cordoned ready node', aNode({ ready: 'True', unschedulable: true }), 'Ready,SchedulingDisabled'],
    ['a cordoned node without conditions', aNode({ unschedulable: true }), 'Unknown,SchedulingDisabled'],
  ];
  for (const [name, node, expected] of statuses) {
    it(`shows ${expected} for ${name}`, () => assert.equal(nodePrinter.cells(node, NOW)[1], expected));
  }

  it('lists roles from node-role.kubernetes.io/* and kubernetes.io/role labels, sorted', () => {
    const node = aNode({ labels: { 'node-role.kubernetes.io/control-plane': '', 'node-role.kubernetes.io/etcd': 'true', 'kubernetes.io/role': 'master', 'node-role.kubernetes.io/': '' } });
    assert.equal(nodePrinter.cells(node, NOW)[2], 'control-plane,etcd,master');
    assert.equal(nodePrinter.cells(aNode(), NOW)[2], '<none>');
  });

  it('fills every column, wide ones included', () => {
    assert.deepEqual(nodePrinter.cells(aNode({ ready: 'True' }), NOW), [
      'pi-1', 'Ready', '<none>', '2d3h', 'v1.32.0-pikube', '192.168.1.21', '<none>',
      'Debian GNU/Linux 12 (bookworm)', '6.6.31+rpt-rpi-v8', 'docker://20.10.24',
    ]);
    assert.deepEqual(nodePrinter.columns.map((c) => `${c.name}:${c.priority}`), [
      'Name:0', 'Status:0', 'Roles:0', 'Age:0', 'Version:0', 'Internal-IP:1', 'External-IP:1', 'OS-Image:1', 'Kernel-Version:1', 'Container-Runtime:1',
    ]);
  });

  it('shows <unknown> for a node that has not reported its system info', () => {
    const node = aNode();
    delete node.status!.nodeInfo;
    assert.deepEqual(nodePrinter.cells(node, NOW).slice(7), ['<unknown>', '<unknown>', '<unknown>']);
  });
});
