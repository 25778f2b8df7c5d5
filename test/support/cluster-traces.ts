/** What a simulated cluster left on the machine: tests assert it is nothing after teardown. */
import { existsSync } from 'node:fs';
import { listNetns } from '../../scripts/cluster/netns';
import { hostInterfaceExists } from '../../scripts/cluster/lan';
import { cgroupDirs } from '../../scripts/cluster/cgroup-dirs';
import { refAlive, type ProcessRef } from '../../scripts/cluster/process-ref';
import { subnetClaims } from '../../scripts/cluster/lan-subnet';
import { mountsUnder } from '../../scripts/cluster/mounts';
import type { ClusterState } from '../../scripts/cluster/cluster-state';

function liveProcesses(state: ClusterState): string[] {
  const refs: [string, ProcessRef | undefined][] = [
    ['etcd', state.etcd?.process], ['control plane', state.controlPlane?.process],
    ...state.nodes.flatMap((n): [string, ProcessRef | undefined][] => [[`${n.name} dockerd`, n.dockerd], [`${n.name} agent`, n.agent]]),
  ];
  return refs.filter(([, ref]) => ref !== undefined && refAlive(ref)).map(([name]) => `process ${name}`);
}

export async function clusterTraces(state: ClusterState): Promise<string[]> {
  const namespaces = new Set(await listNetns());
  const ours = [state.lan.netns, ...state.nodes.map((n) => n.netns)].filter((ns) => namespaces.has(ns));
  const cgroups = state.nodes.flatMap((n) => cgroupDirs(n.cgroupRoot.slice(1)));
  const dirs = [state.dataDir, state.registryDir, state.stateFile, ...state.nodes.map((n) => n.runDir)].filter((d) => existsSync(d));
  return [
    ...ours.map((ns) => `namespace ${ns}`),
    ...((await hostInterfaceExists(state.lan.hostInterface)) ? [`interface ${state.lan.hostInterface}`] : []),
    ...cgroups.map((c) => `cgroup ${c}`),
    ...dirs.map((d) => `path ${d}`),
    ...mountsUnder(state.baseDir).map((m) => `mount ${m}`),
    ...(subnetClaims().get(state.lan.subnet) === state.id ? [`subnet claim ${state.lan.subnet}`] : []),
    ...liveProcesses(state),
  ];
}
