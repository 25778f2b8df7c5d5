/**
 * Pod cgroups as the kubelet lays them out, under the agent's cgroup root (`--cgroup-root`,
 * e.g. `/pikube-pi1`):
 *
 *   /pikube-pi1/pod<uid>                  Guaranteed pods, right under the root
 *   /pikube-pi1/burstable/pod<uid>        cpu shares of the QoS parent = the burstable pods' requests
 *   /pikube-pi1/besteffort/pod<uid>       cpu shares of the QoS parent = 2
 *
 * as directories under Docker's cgroupfs driver, as slices (`pikube_pi1-burstable-pod<uid>.slice`)
 * under its systemd driver: the PodCgroupTree decides. The pod cgroup holds the pod's total
 * limits (pod-cgroup-config.ts) and is made before the pod's first container, whose Docker
 * CgroupParent it becomes; it is removed once the pod is gone, only if empty. Nothing outside
 * the root is ever created or removed (v2 cgroupfs aside: the host's root may gain the cpu,
 * memory and pids controllers, as Docker's runc would do).
 */
import type { Pod } from '../../api/core-v1';
import { qosClassOf, type QOSClass } from '../../api/qos';
import { milliCpuToShares } from '../pods/container-resources';
import type { PodCgroupTree } from './pod-cgroup-tree';
import { podCgroupConfig, podCpuRequestMilli } from './pod-cgroup-config';

export interface PodCgroupEntry {
  uid: string;
  qos: QOSClass;
  /** The pod cgroup as Docker's CgroupParent takes it (a path, or a slice name). */
  path: string;
}

const QOS_DIRS: Record<QOSClass, string | undefined> = { Guaranteed: undefined, Burstable: 'burstable', BestEffort: 'besteffort' };
/** A pod uid as it may name a directory (Kubernetes uids are UUIDs). */
const SAFE_UID = /^[A-Za-z0-9][A-Za-z0-9-]{0,127}$/;
const POD_DIR = /^pod([A-Za-z0-9][A-Za-z0-9-]{0,127})$/;
const CGROUP_ROOT = /^\/[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;

/** Checks an agent cgroup root (`/pikube-pi1`): an absolute cgroup path of plain names. */
export function checkCgroupRoot(root: string): void {
  if (!CGROUP_ROOT.test(root)) throw new Error(`cgroup root "${root}" must be an absolute cgroup path`);
}

function levelsOf(uid: string, qos: QOSClass): string[] {
  if (!SAFE_UID.test(uid)) throw new Error(`pod uid "${uid}" cannot name a cgroup`);
  const parent = QOS_DIRS[qos];
  return [...(parent ? [parent] : []), `pod${uid}`];
}

export class PodCgroups {
  /** Cpu requests (millicores) of the burstable pods ensured since start, by uid. */
  private readonly burstable = new Map<string, bigint>();
  /** QoS parent writes, one at a time, each with the sums current when it runs. */
  private qosWrites: Promise<unknown> = Promise.resolve();
  /** The shares each QoS parent last got: unchanged ones are not written again (a D-Bus call each under systemd). */
  private readonly qosShares = new Map<string, number>();

  constructor(private readonly tree: PodCgroupTree) {}

  qosOf(pod: Pod): QOSClass {
    return qosClassOf(pod);
  }

  /** The pod's cgroup as Docker's CgroupParent takes it: `<root>[/burstable|/besteffort]/pod<uid>` or its slice. */
  pathOf(uid: string, qos: QOSClass): string {
    return this.tree.parentOf(levelsOf(uid, qos));
  }

  /**
   * Creates (or updates) the pod's cgroup with its limits and returns the CgroupParent for
   * its containers. Idempotent; call it before creating any of the pod's containers.
   */
  async ensure(pod: Pod): Promise<string> {
    const uid = pod.metadata.uid ?? '';
    const qos = qosClassOf(pod);
    const levels = levelsOf(uid, qos);
    if (qos === 'Burstable') this.burstable.set(uid, podCpuRequestMilli(pod));
    else this.burstable.delete(uid);
    await this.writeQosParents();
    const config = podCgroupConfig(pod, qos);
    return this.tree.ensure(levels, {
      cpuShares: config.cpuShares,
      cpuQuotaUs: config.cpuQuotaUs ?? 'max',
      cpuPeriodUs: config.cpuPeriodUs,
      memoryBytes: config.memoryBytes ?? 'max',
    });
  }

  /**
   * The node's active pods, all of them (the kubelet's QoS manager recomputes from its active
   * pods on every pod change and each minute): the burstable parent's shares become the sum of
   * the burstable pods' cpu requests. Call it with the desired set, e.g. after an agent restart
   * when adopted pods are not ensured again.
   */
  async updateQos(pods: Pod[]): Promise<void> {
    this.burstable.clear();
    for (const pod of pods) if (qosClassOf(pod) === 'Burstable' && SAFE_UID.test(pod.metadata.uid ?? '')) this.burstable.set(pod.metadata.uid as string, podCpuRequestMilli(pod));
    await this.writeQosParents();
  }

  /**
   * Removes the pod's cgroup (and the empty container cgroups left in it) in every hierarchy.
   * True when nothing of it is left; false while a process still runs in it (try again later).
   */
  async remove(uid: string): Promise<boolean> {
    if (!SAFE_UID.test(uid)) return true;
    if (this.burstable.delete(uid)) await this.writeQosParents();
    let gone = true;
    for (const qos of Object.keys(QOS_DIRS) as QOSClass[]) gone = (await this.tree.remove(levelsOf(uid, qos))) && gone;
    return gone;
  }

  /** The pod cgroups under the root (any hierarchy), for removing those of pods no longer here. */
  async listPodCgroups(): Promise<PodCgroupEntry[]> {
    const found = new Map<string, PodCgroupEntry>();
    for (const qos of Object.keys(QOS_DIRS) as QOSClass[]) {
      const parent = QOS_DIRS[qos];
      for (const name of await this.tree.children(parent ? [parent] : [])) {
        const uid = POD_DIR.exec(name)?.[1];
        if (uid) found.set(uid, { uid, qos, path: this.pathOf(uid, qos) });
      }
    }
    return [...found.values()];
  }

  /**
   * The QoS parents: besteffort always at the minimum share, burstable at the sum of its pods'
   * cpu requests (the kubelet's qos_container_manager).
   */
  private writeQosParents(): Promise<void> {
    const write = async (): Promise<void> => {
      const total = [...this.burstable.values()].reduce((a, b) => a + b, 0n);
      await this.ensureQosParent('burstable', milliCpuToShares(total));
      await this.ensureQosParent('besteffort', milliCpuToShares(0n));
    };
    const next = this.qosWrites.then(write, write);
    this.qosWrites = next.catch(() => undefined);
    return next;
  }

  private async ensureQosParent(name: string, cpuShares: number): Promise<void> {
    if (this.qosShares.get(name) === cpuShares) return;
    await this.tree.ensure([name], { cpuShares });
    this.qosShares.set(name, cpuShares);
  }
}
