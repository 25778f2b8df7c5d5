import assert from 'node:assert/strict';
import { PodCgroups } from '../../../../agent/cgroups/pod-cgroups';
import type { PodCgroupTree } from '../../../../agent/cgroups/pod-cgroup-tree';
import { CgroupHook } from '../../../../agent/pods/cgroup-hook';
import { contextFor, plans } from './hook-fixtures';
import { aPod } from './pod-builder';

class RecordingTree implements PodCgroupTree {
  readonly ensured: string[] = [];
  removeFails = false;
  parentOf(levels: string[]): string {
    return `/pikube/${levels.join('/')}`;
  }
  async ensure(levels: string[]): Promise<string> {
    this.ensured.push(levels.join('/'));
    return this.parentOf(levels);
  }
  async remove(): Promise<boolean> {
    if (this.removeFails) throw new Error('EBUSY');
    return true;
  }
  async children(): Promise<string[]> {
    return [];
  }
}

describe('cgroup hook', () => {
  const pod = aPod('web', 'uid-c').withContainer({ name: 'app' }).build();
  let tree: RecordingTree;
  let logs: string[];
  const hook = (): CgroupHook => new CgroupHook(new PodCgroups(tree), '/pikube', (m) => logs.push(m), () => 'default/web');

  beforeEach(() => {
    tree = new RecordingTree();
    logs = [];
  });

  it('makes the pod cgroup once, before the first sandbox, and gives it as CgroupParent from then on', async () => {
    const h = hook();
    const first = contextFor(plans.newSandbox);
    await h.setUp(pod, first);
    const later = contextFor(plans.steady);
    await h.setUp(pod, later);
    assert.deepEqual([first.resources.cgroupParent, later.resources.cgroupParent], ['/pikube/besteffort/poduid-c', '/pikube/besteffort/poduid-c']);
    assert.deepEqual(tree.ensured.filter((l) => l.includes('/pod')), ['besteffort/poduid-c']);
  });

  it('leaves the cgroup of a pod it has nothing to make for (an adopted pod) as it is', async () => {
    const ctx = contextFor(plans.steady);
    assert.deepEqual(await hook().setUp(pod, ctx), { ok: true });
    assert.deepEqual([tree.ensured, ctx.resources.cgroupParent], [[], undefined]);
    await hook().setUp(pod, contextFor(plans.startApp));
    assert.deepEqual(tree.ensured.filter((l) => l.includes('/pod')), ['besteffort/poduid-c']);
  });

  it('without pod cgroups, puts the containers right under the node cgroup root', async () => {
    const ctx = contextFor(plans.steady);
    await new CgroupHook(undefined, '/pikube', () => undefined, () => '').setUp(pod, ctx);
    assert.equal(ctx.resources.cgroupParent, '/pikube');
  });

  it('never fails the teardown: a cgroup that cannot go is logged and left to the manager resync', async () => {
    tree.removeFails = true;
    await hook().tearDown('uid-c');
    assert.deepEqual(logs, ['pod cgroup of default/web: EBUSY']);
  });
});
