import assert from 'node:assert/strict';
import { agentOptionsOf } from '../../../../scripts/cluster/cluster';
import { lanLayout } from '../../../../scripts/cluster/lan';
import { processRef } from '../../../../scripts/cluster/process-ref';
import type { ClusterState } from '../../../../scripts/cluster/cluster-state';

function stateWith(iptablesSyncPeriod?: string): ClusterState {
  return {
    version: 1, id: 'abc123', owner: { kind: 'process', process: processRef(process.pid) },
    baseDir: '/tmp/b', stateFile: '/tmp/b/cluster.json', registryDir: '/run/pikube-sim/abc123', logDir: '/tmp/b/logs',
    dataDir: '/tmp/b/data', kubeconfig: '/tmp/b/kubeconfig', removeBaseDir: true,
    controlPlaneJs: '/dist/control-plane/main.js', agentJs: '/dist/agent/main.js', iptablesSyncPeriod,
    lan: lanLayout('abc123', '10.210.1'), controlPlane: { dataDir: '/tmp/b/data/cp', securePort: 6443, nodePort: 7444, apiUrl: 'https://10.210.1.1:6443' },
    nodes: [],
  };
}

describe('simulated cluster agent options', () => {
  it('gives a restarted agent the sync period the cluster was brought up with, also after a reread of the state file', () => {
    const reread = JSON.parse(JSON.stringify(stateWith('30s'))) as ClusterState;
    assert.equal(agentOptionsOf(reread).iptablesSyncPeriod, '30s');
  });

  it('leaves the sync period to the default when the cluster was given none', () => {
    assert.equal(agentOptionsOf(stateWith()).iptablesSyncPeriod, undefined);
  });

  it('points agents at the control plane node service on the LAN', () => {
    assert.deepEqual(agentOptionsOf(stateWith()).servers, ['10.210.1.1:7444']);
  });
});
