import assert from 'node:assert/strict';
import { goArch, nodeStatusFrom, type NodeFacts } from '../../../../agent/stats/node-info';

const facts: NodeFacts = {
  cpuCores: 4, memoryBytes: 8_241_442_816, storageBytes: 62_671_097_856, maxPods: 110, nodeName: 'pi1', nodeIP: '192.168.1.11',
  nodeInfo: {
    machineID: 'm', systemUUID: '', bootID: 'b', kernelVersion: '6.6.31+rpt-rpi-v8', osImage: 'Debian GNU/Linux 12 (bookworm)',
    containerRuntimeVersion: 'docker://20.10.24', kubeletVersion: 'v1.32.0-pikube', kubeProxyVersion: 'v1.32.0-pikube', operatingSystem: 'linux', architecture: 'arm64',
  },
};

describe('node info', () => {
  it('reports capacity as the kubelet spells it: cores, Ki of memory and storage, 110 pods', () => {
    assert.deepEqual(nodeStatusFrom(facts).capacity, { cpu: '4', memory: '8048284Ki', pods: '110', 'ephemeral-storage': '61202244Ki' });
  });

  it('subtracts the default hard eviction thresholds from allocatable (100Mi memory, 10% storage)', () => {
    const allocatable = nodeStatusFrom(facts).allocatable;
    assert.equal(allocatable?.memory, '7945884Ki');
    assert.equal(allocatable?.['ephemeral-storage'], String(62_671_097_856 - 6_267_109_785));
    assert.equal(allocatable?.cpu, '4');
  });

  it('subtracts the --eviction-hard thresholds instead when given, nothing for a signal without one', () => {
    const allocatable = nodeStatusFrom({ ...facts, evictionHard: [{ signal: 'memory.available', value: { bytes: 500 * 1024 * 1024 } }] }).allocatable;
    assert.equal(allocatable?.memory, '7536284Ki');
    assert.equal(allocatable?.['ephemeral-storage'], '61202244Ki');
  });

  it('lists the InternalIP and the node name as the Hostname (the kubelet with --hostname-override)', () => {
    assert.deepEqual(nodeStatusFrom(facts).addresses, [{ type: 'InternalIP', address: '192.168.1.11' }, { type: 'Hostname', address: 'pi1' }]);
  });

  const arches: [string, string][] = [['arm64', 'arm64'], ['arm', 'arm'], ['x64', 'amd64'], ['ia32', '386']];
  for (const [node, go] of arches) it(`spells Node's ${node} as GOARCH ${go}`, () => assert.equal(goArch(node), go));
});
