import assert from 'node:assert/strict';
import { sliceNameOf } from '../../../../agent/cgroups/systemd-slice';
import {
  cgroupName, checkNodeName, hostInterfaceName, lanNetnsName, newClusterId, nodeNetnsName, OWN_CGROUP, OWN_NAME, switchPortName,
} from '../../../../scripts/cluster/cluster-names';

describe('simulated cluster names', () => {
  it('makes interface names within the kernel limit of 15 characters', () => {
    const id = newClusterId();
    for (const name of [hostInterfaceName(id), switchPortName('abcdefghij')]) assert.ok(name.length <= 15, name);
  });

  it('traces every namespace, interface and cgroup back to its cluster id', () => {
    const id = newClusterId();
    for (const name of [lanNetnsName(id), nodeNetnsName(id, 'pi1'), hostInterfaceName(id)]) assert.equal(OWN_NAME.exec(name)?.[1], id);
    assert.equal(OWN_CGROUP.exec(cgroupName(id, 'pi2'))?.[1], id);
    assert.equal(OWN_CGROUP.exec(sliceNameOf(`/${cgroupName(id, 'pi2')}`))?.[2], id, 'the slice under the systemd driver');
  });

  it('does not claim names without our prefix', () => {
    for (const name of ['pkexp1', 'pks-abc-lan', 'docker0', 'pikube-exp', 'pikube-abcdef', 'pikube.slice', 'pikube_abcdef.slice']) {
      assert.equal(OWN_NAME.test(name) || OWN_CGROUP.test(name), false, name);
    }
  });

  it('refuses node names that could escape a namespace, interface or cgroup name', () => {
    for (const bad of ['', 'Pi1', '1pi', 'pi-1', 'pi/1', '../x', 'abcdefghijk']) assert.throws(() => checkNodeName(bad), bad);
  });
});
