/**
 * Every check the agent runs at start and as `pikube-agent preflight`. A `fail` refuses the
 * start (the clock's excepted: the agent waits for it, host/clock-wait.ts); a `warn` is logged
 * and the agent runs.
 */
import os from 'node:os';
import type { CheckResult } from '../../host/check-result';
import { checkClock } from '../../host/clock-check';
import type { HostFiles } from '../../host/host-files';
import { checkLanCidrs } from '../../host/lan-cidr-check';
import { checkSwap } from '../../host/swap-check';
import { checkWordSize } from '../../host/word-size-check';
import { checkMemoryCgroup, DEFAULT_PREFLIGHT_PATHS, type PreflightPaths } from '../cgroups/preflight';
import type { CommandRunner } from '../network/command-runner';
import { checkCgroupDriver } from './cgroup-driver-check';
import type { DockerFacts } from './docker-facts';
import { checkImagePlatforms, nodePlatform } from './image-platform-check';
import { checkIptablesBackend, gatherBackendFacts } from './iptables-backend-check';

export interface AgentPreflightInput {
  files: HostFiles;
  /** The memory cgroup check's paths (agent/cgroups/preflight.ts), in the same tree as `files`. */
  cgroupPaths?: PreflightPaths;
  docker: DockerFacts;
  run: CommandRunner;
  clusterCIDR: string;
  now: () => number;
  nodeArch?: string;
  unameMachine?: string;
}

export function memoryCgroupResult(paths: PreflightPaths): CheckResult {
  const check = checkMemoryCgroup(paths);
  if (check.available) return { name: 'memory-cgroup', status: 'pass', message: `memory cgroup controller enabled (cgroup v${check.cgroupVersion})` };
  return { name: 'memory-cgroup', status: 'warn', message: 'the memory cgroup controller is disabled: pod memory limits cannot be enforced (the Node says so in its MemoryCgroupAvailable condition)', fix: check.fix };
}

export async function runAgentPreflight(input: AgentPreflightInput): Promise<CheckResult[]> {
  const arch = input.nodeArch ?? process.arch;
  const machine = input.unameMachine ?? os.machine();
  const [driver, images, backend] = await Promise.all([input.docker.cgroupDriver(), input.docker.images(), gatherBackendFacts(input.run)]);
  return [
    memoryCgroupResult(input.cgroupPaths ?? DEFAULT_PREFLIGHT_PATHS),
    checkCgroupDriver(input.files, driver),
    checkIptablesBackend(backend),
    checkSwap(input.files),
    checkClock(input.files, input.now()),
    checkLanCidrs(input.files, { clusterCIDR: input.clusterCIDR }),
    checkWordSize(input.files, { unameMachine: machine, nodeArch: arch }),
    checkImagePlatforms(images, nodePlatform(arch, machine)),
  ];
}
