/**
 * Pod cgroups as the kubelet's cgroupfs driver lays them out, under the agent's cgroup root
 * (`--cgroup-root`, e.g. `/pikube-pi1`):
 *
 *   /pikube-pi1/pod<uid>                  Guaranteed pods, right under the root
 *   /pikube-pi1/burstable/pod<uid>        cpu.shares of the QoS parent = the burstable pods' requests
 *   /pikube-pi1/besteffort/pod<uid>       cpu.shares of the QoS parent = 2
 *
 * The pod cgroup holds the pod's total limits (pod-cgroup-config.ts) and is created before the
 * pod's first container, whose Docker CgroupParent it becomes; it is removed once the pod is
 * gone, only if empty. Nothing outside the root is ever created or removed (v2 aside: the
 * host's root may gain the cpu, memory and pids controllers, as Docker's runc would do).
 */
import path from 'node:path';
import type { Pod } from '../../api/core-v1';
import { qosClassOf, type QOSClass } from '../../api/qos';
import { milliCpuToShares } from '../pods/container-resources';
import { nodeCgroupFiles, type CgroupFiles } from './cgroup-files';
import { checkCgroupDriver, detectCgroupLayout, hierarchyRoots, type CgroupLayout } from './cgroup-layout';
import { CgroupWriter } from './cgroup-writer';
import { podCgroupConfig, podCpuRequestMilli } from './pod-cgroup-config';

export interface PodCgroupsOptions {
  /** The agent's cgroup root, an absolute cgroup path: `/pikube-pi1`. */
  root: string;
  layout: CgroupLayout;
  files?: CgroupFiles;
}

export interface PodCgroupEntry {
  uid: string;
  qos: QOSClass;
  /** The cgroup path, as Docker's CgroupParent takes it. */
  path: string;
}

const QOS_DIRS: Record<QOSClass, string | undefined> = { Guaranteed: undefined, Burstable: 'burstable', BestEffort: 'besteffort' };
/** A pod uid as it may name a directory (Kubernetes uids are UUIDs). */
const SAFE_UID = /^[A-Za-z0-9][A-Za-z0-9-]{0,127}$/;
const POD_DIR = /^pod([A-Za-z0-9][A-Za-z0-9-]{0,127})$/;

export class PodCgroups {
  private readonly files: CgroupFiles;
  private readonly writer: CgroupWriter;
  /** Cpu requests (millicores) of the burstable pods ensured since start, by uid. */
  private readonly burstable = new Map<string, bigint>();

  constructor(private readonly opts: PodCgroupsOptions) {
    if (!/^\/[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/.test(opts.root)) throw new Error(`cgroup root "${opts.root}" must be an absolute cgroup path`);
    this.files = opts.files ?? nodeCgroupFiles;
    this.writer = new CgroupWriter(this.files, opts.layout);
  }

  qosOf(pod: Pod): QOSClass {
    return qosClassOf(pod);
  }

  /** The pod's cgroup path: `<root>[/burstable|/besteffort]/pod<uid>`. */
  pathOf(uid: string, qos: QOSClass): string {
    if (!SAFE_UID.test(uid)) throw new Error(`pod uid "${uid}" cannot name a cgroup`);
    const parent = QOS_DIRS[qos];
    return path.posix.join(this.opts.root, ...(parent ? [parent] : []), `pod${uid}`);
  }

  /**
   * Creates (or updates) the pod's cgroup with its limits and returns the CgroupParent for
   * its containers. Idempotent; call it before creating any of the pod's containers.
   */
  ensure(pod: Pod): string {
    const uid = pod.metadata.uid ?? '';
    const qos = qosClassOf(pod);
    const podPath = this.pathOf(uid, qos);
    this.ensureQosParents();
    if (qos === 'Burstable') this.burstable.set(uid, podCpuRequestMilli(pod));
    else this.burstable.delete(uid);
    this.updateBurstableShares();
    const config = podCgroupConfig(pod, qos);
    this.writer.ensureDir(podPath);
    this.writer.write(podPath, {
      cpuShares: config.cpuShares,
      cpuQuotaUs: config.cpuQuotaUs ?? 'max',
      cpuPeriodUs: config.cpuPeriodUs,
      memoryBytes: config.memoryBytes ?? 'max',
    });
    return podPath;
  }

  /**
   * The node's active pods, all of them (the kubelet's QoS manager recomputes from its active
   * pods on every pod change and each minute): the burstable parent's shares become the sum of
   * the burstable pods' cpu requests. Call it with the desired set, e.g. after an agent restart
   * when adopted pods are not ensured again.
   */
  updateQos(pods: Pod[]): void {
    this.burstable.clear();
    for (const pod of pods) if (qosClassOf(pod) === 'Burstable' && SAFE_UID.test(pod.metadata.uid ?? '')) this.burstable.set(pod.metadata.uid as string, podCpuRequestMilli(pod));
    this.ensureQosParents();
    this.updateBurstableShares();
  }

  /**
   * Removes the pod's cgroup (and the empty container cgroups left in it) in every hierarchy.
   * True when nothing of it is left; false while a process still runs in it (try again later).
   */
  remove(uid: string): boolean {
    if (!SAFE_UID.test(uid)) return true;
    if (this.burstable.delete(uid)) this.updateBurstableShares();
    let gone = true;
    for (const qos of Object.keys(QOS_DIRS) as QOSClass[]) {
      for (const root of hierarchyRoots(this.opts.layout)) gone = this.removeTree(path.join(root, this.pathOf(uid, qos))) && gone;
    }
    return gone;
  }

  /** The pod cgroups under the root (any hierarchy), for removing those of pods no longer here. */
  listPodCgroups(): PodCgroupEntry[] {
    const found = new Map<string, PodCgroupEntry>();
    for (const root of hierarchyRoots(this.opts.layout)) {
      for (const qos of Object.keys(QOS_DIRS) as QOSClass[]) {
        const parent = path.join(root, this.opts.root, QOS_DIRS[qos] ?? '');
        for (const name of this.files.subdirs(parent)) {
          const uid = POD_DIR.exec(name)?.[1];
          if (uid) found.set(uid, { uid, qos, path: this.pathOf(uid, qos) });
        }
      }
    }
    return [...found.values()];
  }

  /** The root and the QoS parents: besteffort always at the minimum share, as the kubelet keeps it. */
  private ensureQosParents(): void {
    for (const qos of ['burstable', 'besteffort']) this.writer.ensureDir(path.posix.join(this.opts.root, qos));
    this.writer.write(path.posix.join(this.opts.root, 'besteffort'), { cpuShares: milliCpuToShares(0n) });
  }

  /**
   * The burstable parent's shares follow the sum of its pods' cpu requests (the kubelet's
   * qos_container_manager). Called only after ensure() created the parent.
   */
  private updateBurstableShares(): void {
    const total = [...this.burstable.values()].reduce((a, b) => a + b, 0n);
    this.writer.write(path.posix.join(this.opts.root, 'burstable'), { cpuShares: milliCpuToShares(total) });
  }

  /** rmdir bottom-up; false when something (a cgroup with processes) stayed. */
  private removeTree(dir: string): boolean {
    if (!this.files.exists(dir)) return true;
    let gone = true;
    for (const child of this.files.subdirs(dir)) gone = this.removeTree(path.join(dir, child)) && gone;
    if (!gone) return false;
    try {
      this.files.rmdir(dir);
      return true;
    } catch {
      return false;
    }
  }
}

export interface OpenPodCgroupsOptions {
  root: string;
  /** `docker info`'s CgroupDriver. */
  dockerCgroupDriver: string | undefined;
  mount?: string;
  files?: CgroupFiles;
}

/**
 * Detects the host's cgroup version and checks Docker's driver: the agent calls it once at
 * start. Throws UnsupportedCgroupDriverError (with the daemon.json fix) under Docker's systemd
 * driver, which pikube does not drive.
 */
export function openPodCgroups(opts: OpenPodCgroupsOptions): PodCgroups {
  checkCgroupDriver(opts.dockerCgroupDriver);
  const files = opts.files ?? nodeCgroupFiles;
  return new PodCgroups({ root: opts.root, layout: detectCgroupLayout(files, opts.mount), files });
}
