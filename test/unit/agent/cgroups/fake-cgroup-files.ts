/**
 * An in-memory cgroup filesystem with cgroupfs' rules: mkdir needs the parent, rmdir fails on
 * a cgroup with children or processes; on a v2 tree a new cgroup's cgroup.controllers are
 * its parent's subtree_control, and writing `+cpu` to subtree_control enables it.
 */
import path from 'node:path';
import type { CgroupFiles } from '../../../../agent/cgroups/cgroup-files';

function fsError(code: string, p: string): Error {
  return Object.assign(new Error(`${code}: ${p}`), { code });
}

export class FakeCgroupFiles implements CgroupFiles {
  readonly dirs = new Set<string>();
  readonly files = new Map<string, string>();
  readonly busy = new Set<string>();
  readonly writes: [string, string][] = [];

  /** A v1 host: one hierarchy per controller group, as this machine mounts them. */
  static v1(mount = '/sys/fs/cgroup', hierarchies = ['memory', 'cpu,cpuacct', 'cpuset', 'pids']): FakeCgroupFiles {
    const fs = new FakeCgroupFiles();
    fs.dirs.add(mount);
    for (const h of hierarchies) fs.addCgroup(path.join(mount, h));
    return fs;
  }

  /** A v2 host whose root offers `controllers` and enables `enabled` for its children. */
  static v2(mount = '/sys/fs/cgroup', controllers = ['cpuset', 'cpu', 'io', 'memory', 'pids'], enabled = ['cpu', 'memory']): FakeCgroupFiles {
    const fs = new FakeCgroupFiles();
    fs.dirs.add(mount);
    fs.files.set(path.join(mount, 'cgroup.controllers'), controllers.join(' '));
    fs.files.set(path.join(mount, 'cgroup.subtree_control'), enabled.join(' '));
    return fs;
  }

  addCgroup(dir: string): void {
    this.dirs.add(dir);
    this.files.set(path.join(dir, 'cgroup.procs'), '');
  }

  value(p: string): string | undefined {
    return this.files.get(p);
  }

  exists(p: string): boolean {
    return this.dirs.has(p) || this.files.has(p);
  }

  read(p: string): string {
    const v = this.files.get(p);
    if (v === undefined) throw fsError('ENOENT', p);
    return v;
  }

  write(p: string, value: string): void {
    if (!this.dirs.has(path.dirname(p))) throw fsError('ENOENT', p);
    this.writes.push([p, value]);
    if (path.basename(p) !== 'cgroup.subtree_control') return void this.files.set(p, value);
    const enabled = new Set((this.files.get(p) ?? '').split(' ').filter(Boolean));
    for (const token of value.split(' ')) if (token.startsWith('+')) enabled.add(token.slice(1));
    this.files.set(p, [...enabled].join(' '));
  }

  mkdir(p: string): void {
    if (this.dirs.has(p)) return;
    const parent = path.dirname(p);
    if (!this.dirs.has(parent)) throw fsError('ENOENT', p);
    this.addCgroup(p);
    const parentControl = this.files.get(path.join(parent, 'cgroup.subtree_control'));
    if (parentControl !== undefined) {
      this.files.set(path.join(p, 'cgroup.controllers'), parentControl);
      this.files.set(path.join(p, 'cgroup.subtree_control'), '');
    }
  }

  rmdir(p: string): void {
    if (!this.dirs.has(p)) return;
    if (this.subdirs(p).length > 0 || this.busy.has(p)) throw fsError('EBUSY', p);
    this.dirs.delete(p);
    for (const f of [...this.files.keys()]) if (path.dirname(f) === p) this.files.delete(f);
  }

  subdirs(p: string): string[] {
    return [...this.dirs].filter((d) => path.dirname(d) === p && d !== p).map((d) => path.basename(d));
  }
}
