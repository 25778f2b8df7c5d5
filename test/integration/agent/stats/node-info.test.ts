import assert from 'node:assert/strict';
import os from 'node:os';
import { collectNodeStatus, goArch } from '../../../../agent/stats/node-info';
import { startNodeDocker, type NodeDockerFixture } from '../node-docker-fixture';

describe('node info from this machine and a real dockerd', function () {
  this.timeout(60_000);
  let node: NodeDockerFixture | undefined;

  before(async function () {
    this.timeout(120_000);
    node = await startNodeDocker();
  });

  after(async () => {
    await node?.stop();
  });

  it('reports capacity, nodeInfo and addresses as a kubelet would', async () => {
    if (!node) throw new Error('no dockerd');
    const status = await collectNodeStatus(node.docker, { nodeName: 'pi1', nodeIP: '192.168.77.11', memoryCapacityBytes: 1024 ** 3 }, AbortSignal.timeout(20_000));
    assert.deepEqual(status.capacity?.cpu, String(os.cpus().length));
    assert.equal(status.capacity?.memory, '1Gi', 'the override wins');
    assert.equal(status.allocatable?.memory, '924Mi');
    assert.equal(status.capacity?.pods, '110');
    assert.match(status.capacity?.['ephemeral-storage'] ?? '', /^\d+(Ki|Mi|Gi)?$/);
    assert.match(status.nodeInfo?.containerRuntimeVersion ?? '', /^docker:\/\/\d+\.\d+\.\d+/);
    assert.equal(status.nodeInfo?.kubeletVersion, 'v1.32.0-pikube');
    assert.equal(status.nodeInfo?.architecture, goArch());
    assert.equal(status.nodeInfo?.operatingSystem, 'linux');
    assert.equal(status.nodeInfo?.kernelVersion, os.release());
    assert.match(status.nodeInfo?.bootID ?? '', /^[0-9a-f-]{36}$/);
    assert.ok(status.nodeInfo?.machineID, 'machineID');
    assert.ok(status.nodeInfo?.osImage, 'osImage');
    assert.deepEqual(status.addresses, [{ type: 'InternalIP', address: '192.168.77.11' }, { type: 'Hostname', address: 'pi1' }]);
  });
});
