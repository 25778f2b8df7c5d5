/**
 * Creates cgroup directories and writes their limits on either hierarchy version:
 *
 *   v1  memory/<path>/memory.limit_in_bytes   cpu/<path>/cpu.shares, cpu.cfs_period_us, cpu.cfs_quota_us
 *   v2  <path>/memory.max   <path>/cpu.weight   <path>/cpu.max ("<quota> <period>", "max <period>")
 *
 * On v2 every level enables its available controllers in cgroup.subtree_control, so children
 * (the pod, then Docker's container cgroups) get them; the host's root only gains the
 * controllers pikube needs, and only when they are missing.
 */
import path from 'node:path';
import type { CgroupFiles } from './cgroup-files';
import type { CgroupLayout } from './cgroup-layout';

/** `undefined` leaves a setting as it is; `'max'` means no limit. */
export interface CgroupValues {
  cpuShares?: number;
  cpuQuotaUs?: number | 'max';
  cpuPeriodUs?: number;
  memoryBytes?: number | 'max';
}

const NEEDED_AT_ROOT = ['cpu', 'memory', 'pids'];
const DEFAULT_PERIOD_US = 100_000;

/** The cgroup v2 weight for v1 shares, as runc converts them for Kubernetes 1.32: [2, 262144] → [1, 10000]. */
export function cpuSharesToWeight(shares: number): number {
  if (shares <= 0) return 0;
  return 1 + Math.floor(((shares - 2) * 9999) / 262142);
}

function words(text: string): string[] {
  return text.split(/\s+/).filter(Boolean);
}

export class CgroupWriter {
  constructor(private readonly files: CgroupFiles, readonly layout: CgroupLayout) {}

  /**
   * Creates `relPath` (e.g. `/pikube-pi1/burstable/pod<uid>`) level by level in the
   * hierarchies pikube sets limits in (v1: memory and cpu; v2: the unified tree).
   */
  ensureDir(relPath: string): void {
    const levels = relPath.split('/').filter(Boolean);
    if (this.layout.version === 2) return this.ensureV2(levels);
    for (const root of this.v1Roots()) {
      let dir = root;
      for (const level of levels) this.files.mkdir((dir = path.join(dir, level)));
    }
  }

  write(relPath: string, values: CgroupValues): void {
    if (this.layout.version === 2) this.writeV2(path.join(this.layout.mount, relPath), values);
    else this.writeV1(relPath, values);
  }

  private v1Roots(): string[] {
    const layout = this.layout;
    if (layout.version !== 1) return [];
    const roots = ['memory', 'cpu'].map((c) => layout.hierarchies.get(c));
    return [...new Set(roots.filter((r): r is string => r !== undefined))];
  }

  private writeV1(relPath: string, values: CgroupValues): void {
    if (this.layout.version !== 1) return;
    const memory = this.layout.hierarchies.get('memory');
    const cpu = this.layout.hierarchies.get('cpu');
    const put = (root: string | undefined, file: string, value: number | 'max' | undefined): void => {
      if (root !== undefined && value !== undefined) this.files.write(path.join(root, relPath, file), value === 'max' ? '-1' : String(value));
    };
    put(memory, 'memory.limit_in_bytes', values.memoryBytes);
    put(cpu, 'cpu.shares', values.cpuShares);
    // The period first: the quota is checked against it.
    put(cpu, 'cpu.cfs_period_us', values.cpuQuotaUs === undefined ? undefined : (values.cpuPeriodUs ?? DEFAULT_PERIOD_US));
    put(cpu, 'cpu.cfs_quota_us', values.cpuQuotaUs);
  }

  /** Only the controllers the cgroup has (a Pi booted without the memory controller has no memory.max). */
  private writeV2(dir: string, values: CgroupValues): void {
    const controllers = new Set(words(this.files.read(path.join(dir, 'cgroup.controllers'))));
    const put = (file: string, value: string | undefined): void => {
      if (value !== undefined && controllers.has(file.split('.')[0])) this.files.write(path.join(dir, file), value);
    };
    put('memory.max', values.memoryBytes === undefined ? undefined : String(values.memoryBytes));
    put('cpu.weight', values.cpuShares === undefined ? undefined : String(cpuSharesToWeight(values.cpuShares)));
    put('cpu.max', values.cpuQuotaUs === undefined ? undefined : `${values.cpuQuotaUs} ${values.cpuPeriodUs ?? DEFAULT_PERIOD_US}`);
  }

  private ensureV2(levels: string[]): void {
    let dir = this.layout.mount;
    this.enableAtHostRoot();
    for (const level of levels) {
      dir = path.join(dir, level);
      this.files.mkdir(dir);
      this.enableSubtree(dir);
    }
  }

  /** Enables the controllers a cgroup has for its children (cgroup.subtree_control), those missing only. */
  private enableSubtree(dir: string, only?: string[]): void {
    const available = words(this.files.read(path.join(dir, 'cgroup.controllers')));
    const enabled = new Set(words(this.files.read(path.join(dir, 'cgroup.subtree_control'))));
    const wanted = available.filter((c) => !enabled.has(c) && (only === undefined || only.includes(c)));
    if (wanted.length > 0) this.files.write(path.join(dir, 'cgroup.subtree_control'), wanted.map((c) => `+${c}`).join(' '));
  }

  private enableAtHostRoot(): void {
    this.enableSubtree(this.layout.mount, NEEDED_AT_ROOT);
  }
}
