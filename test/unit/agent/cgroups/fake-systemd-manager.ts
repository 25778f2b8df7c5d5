/**
 * systemd's manager as pod cgroups use it, on a fake cgroup v2 tree: a started slice gets its
 * cgroup directory (parents first, as systemd realizes them) and keeps its properties; setting
 * properties on an existing unit updates them; stopping removes the directory, and refuses
 * (as a test failure would show) to stop a slice something still runs in.
 */
import path from 'node:path';
import type { SystemdManager, UnitProperty } from '../../../../agent/cgroups/systemd-manager';
import { sliceCgroupPath } from '../../../../agent/cgroups/systemd-slice';
import type { FakeCgroupFiles } from './fake-cgroup-files';

export class FakeSystemdManager implements SystemdManager {
  /** Properties of each slice, by name, as last set. */
  readonly units = new Map<string, Map<string, string>>();
  readonly calls: string[] = [];
  failVersion: Error | undefined;

  constructor(private readonly fs: FakeCgroupFiles, private readonly mount = '/sys/fs/cgroup') {}

  async version(): Promise<string> {
    if (this.failVersion) throw this.failVersion;
    return '252.39-1~deb12u1';
  }

  async ensureSlice(name: string, properties: UnitProperty[]): Promise<void> {
    this.calls.push(`${this.units.has(name) ? 'set' : 'start'} ${name}`);
    const unit = this.units.get(name) ?? new Map<string, string>();
    for (const p of properties) unit.set(p.name, String(p.value));
    this.units.set(name, unit);
    let dir = this.mount;
    for (const level of sliceCgroupPath(name).split('/').filter(Boolean)) this.fs.mkdir((dir = path.join(dir, level)));
  }

  async stopUnit(name: string): Promise<void> {
    this.calls.push(`stop ${name}`);
    this.units.delete(name);
    this.fs.rmdir(path.join(this.mount, sliceCgroupPath(name)));
  }

  property(slice: string, name: string): string | undefined {
    return this.units.get(slice)?.get(name);
  }
}
