import assert from 'node:assert/strict';
import { checkSwap } from '../../../host/swap-check';
import { fakeHostTree, type FakeHostTree } from '../../support/fake-host-tree';

const HEADER = 'Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n';

describe('swap preflight', () => {
  let tree: FakeHostTree;
  beforeEach(() => { tree = fakeHostTree(); });
  afterEach(() => tree.remove());

  it('passes when /proc/swaps lists no area', () => {
    tree.write({ '/proc/swaps': HEADER });
    assert.equal(checkSwap(tree.files).status, 'pass');
  });

  it("warns about Raspberry Pi OS's dphys-swapfile and names how to turn it off", () => {
    tree.write({ '/proc/swaps': `${HEADER}/var/swap                               file\t\t102396\t\t0\t\t-2\n` });
    const r = checkSwap(tree.files);
    assert.equal(r.status, 'warn');
    assert.match(r.message, /\/var\/swap \(100 MiB\)/);
    assert.match(r.fix ?? '', /swapoff -a.*dphys-swapfile/);
  });

  it('counts a zram device as swap too', () => {
    tree.write({ '/proc/swaps': `${HEADER}/dev/zram0 partition 524284 0 100\n` });
    assert.match(checkSwap(tree.files).message, /\/dev\/zram0 \(512 MiB\)/);
  });
});
