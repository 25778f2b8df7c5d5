/**
 * Pod cgroups as directories, the kubelet's cgroupfs driver's way: `<root>/burstable/pod<uid>`
 * in each hierarchy pikube sets limits in (v1) or in the unified tree (v2), limits written to
 * the control files (cgroup-writer.ts), removed bottom-up with rmdir once empty.
 */
import path from 'node:path';
import { removeCgroupTree, type CgroupFiles } from './cgroup-files';
import { hierarchyRoots, type CgroupLayout } from './cgroup-layout';
import { CgroupWriter, type CgroupValues } from './cgroup-writer';
import type { PodCgroupTree } from './pod-cgroup-tree';

export class CgroupfsPodCgroupTree implements PodCgroupTree {
  private readonly writer: CgroupWriter;

  constructor(private readonly root: string, private readonly layout: CgroupLayout, private readonly files: CgroupFiles) {
    this.writer = new CgroupWriter(files, layout);
  }

  parentOf(levels: string[]): string {
    return path.posix.join(this.root, ...levels);
  }

  async ensure(levels: string[], values: CgroupValues): Promise<string> {
    const cgroup = this.parentOf(levels);
    this.writer.ensureDir(cgroup);
    this.writer.write(cgroup, values);
    return cgroup;
  }

  async remove(levels: string[]): Promise<boolean> {
    let gone = true;
    for (const hierarchy of hierarchyRoots(this.layout)) gone = removeCgroupTree(this.files, path.join(hierarchy, this.parentOf(levels))) && gone;
    return gone;
  }

  async children(levels: string[]): Promise<string[]> {
    const names = hierarchyRoots(this.layout).flatMap((hierarchy) => this.files.subdirs(path.join(hierarchy, this.parentOf(levels))));
    return [...new Set(names)];
  }
}
