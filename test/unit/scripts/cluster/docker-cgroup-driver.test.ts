import assert from 'node:assert/strict';
import { dockerCgroupDriverFromEnv } from '../../../../scripts/cluster/docker-cgroup-driver';

describe("simulated nodes' Docker cgroup driver", () => {
  it('is cgroupfs unless PIKUBE_CGROUP_DRIVER says systemd', () => {
    assert.equal(dockerCgroupDriverFromEnv({}), 'cgroupfs');
    assert.equal(dockerCgroupDriverFromEnv({ PIKUBE_CGROUP_DRIVER: '' }), 'cgroupfs');
    assert.equal(dockerCgroupDriverFromEnv({ PIKUBE_CGROUP_DRIVER: 'systemd' }), 'systemd');
  });

  it('refuses an unknown driver by name', () => {
    assert.throws(() => dockerCgroupDriverFromEnv({ PIKUBE_CGROUP_DRIVER: 'system' }), /PIKUBE_CGROUP_DRIVER="system": expected "cgroupfs" or "systemd"/);
  });
});
