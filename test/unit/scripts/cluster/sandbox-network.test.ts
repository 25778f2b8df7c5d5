import assert from 'node:assert/strict';
import { sandboxNetworkFromEnv } from '../../../../scripts/cluster/sandbox-network';

describe('simulated agents\' sandbox network from the environment', () => {
  it('leaves the agent\'s default when PIKUBE_SANDBOX_NETWORK is unset or empty', () => {
    assert.equal(sandboxNetworkFromEnv({}), undefined);
    assert.equal(sandboxNetworkFromEnv({ PIKUBE_SANDBOX_NETWORK: '' }), undefined);
  });

  it('takes docker or veth', () => {
    assert.equal(sandboxNetworkFromEnv({ PIKUBE_SANDBOX_NETWORK: 'veth' }), 'veth');
    assert.equal(sandboxNetworkFromEnv({ PIKUBE_SANDBOX_NETWORK: 'docker' }), 'docker');
  });

  it('refuses anything else, naming what it expects', () => {
    assert.throws(() => sandboxNetworkFromEnv({ PIKUBE_SANDBOX_NETWORK: 'cni' }), /PIKUBE_SANDBOX_NETWORK="cni": expected "docker" or "veth"/);
  });
});
