import assert from 'node:assert/strict';
import { ensurePodBridge, PodBridgeConflictError } from '../../../../agent/network/pod-bridge';
import { FakeBridgeNetworks } from './fake-bridge-networks';

describe('pod bridge network', () => {
  it('creates the pikube network with the pod CIDR and its gateway', async () => {
    const docker = new FakeBridgeNetworks();
    assert.equal(await ensurePodBridge(docker, '10.42.1.0/24', '10.42.1.1'), 'created');
    assert.deepEqual(docker.log, ['create pikube 10.42.1.0/24 10.42.1.1']);
  });

  it('leaves a network with the right subnet alone', async () => {
    const docker = new FakeBridgeNetworks();
    docker.networks.set('pikube', { subnet: '10.42.1.0/24', gateway: '10.42.1.1', containerCount: 3 });
    assert.equal(await ensurePodBridge(docker, '10.42.1.0/24', '10.42.1.1'), 'present');
    assert.deepEqual(docker.log, []);
  });

  it('recreates an unused network whose subnet differs', async () => {
    const docker = new FakeBridgeNetworks();
    docker.networks.set('pikube', { subnet: '10.42.7.0/24', gateway: '10.42.7.1', containerCount: 0 });
    assert.equal(await ensurePodBridge(docker, '10.42.1.0/24', '10.42.1.1'), 'recreated');
    assert.deepEqual(docker.log, ['remove pikube', 'create pikube 10.42.1.0/24 10.42.1.1']);
  });

  it('refuses, with a clear error, to recreate a network pods still use', async () => {
    const docker = new FakeBridgeNetworks();
    docker.networks.set('pikube', { subnet: '10.42.7.0/24', gateway: '10.42.7.1', containerCount: 2 });
    await assert.rejects(ensurePodBridge(docker, '10.42.1.0/24', '10.42.1.1'), (err: Error) => err instanceof PodBridgeConflictError && /10\.42\.7\.0\/24.*10\.42\.1\.0\/24.*2 container/.test(err.message));
    assert.deepEqual(docker.log, []);
  });
});
