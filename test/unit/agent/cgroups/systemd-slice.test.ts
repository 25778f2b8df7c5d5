import assert from 'node:assert/strict';
import { childComponent, sliceCgroupPath, sliceNameOf } from '../../../../agent/cgroups/systemd-slice';

describe('systemd slice names for cgroup paths', () => {
  const names: [string, string][] = [
    ['/pikube', 'pikube.slice'],
    ['/pikube-pi1', 'pikube_pi1.slice'],
    ['/pikube/pi1', 'pikube-pi1.slice'],
    ['/pikube/burstable/pod1b2c-33', 'pikube-burstable-pod1b2c_33.slice'],
    ['pikube.slice', 'pikube.slice'],
  ];
  for (const [path, slice] of names) it(`names ${path} ${slice}, escaping dashes as the kubelet does`, () => assert.equal(sliceNameOf(path), slice));

  it('refuses a path that names nothing', () => assert.throws(() => sliceNameOf('/'), /names no slice/));

  it("places a slice's cgroup under its parents' cgroups", () => {
    assert.equal(sliceCgroupPath('pikube.slice'), '/pikube.slice');
    assert.equal(sliceCgroupPath('pikube_pi1-burstable-podx.slice'), '/pikube_pi1.slice/pikube_pi1-burstable.slice/pikube_pi1-burstable-podx.slice');
    assert.throws(() => sliceCgroupPath('docker-1.scope'), /not a slice/);
  });

  it('reads the child component of a direct child slice only', () => {
    assert.equal(childComponent('a-b.slice', 'a-b-pod1b2c_33.slice'), 'pod1b2c-33');
    assert.equal(childComponent('a-b.slice', 'a-b-x-y.slice'), undefined);
    assert.equal(childComponent('a-b.slice', 'a-c-x.slice'), undefined);
    assert.equal(childComponent('a-b.slice', 'a-b-x.scope'), undefined);
  });
});
