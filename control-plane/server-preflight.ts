/**
 * Every check the control plane runs at start and as `pikube-server preflight`. A `fail`
 * refuses the start (the clock's excepted: the server waits for it, host/clock-wait.ts).
 * etcd's disk is measured only when etcd runs on this machine (its data directory exists here).
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import { deviceOf } from '../host/block-device';
import type { CheckResult } from '../host/check-result';
import { checkClock } from '../host/clock-check';
import { checkEtcdDisk } from '../host/etcd-disk-check';
import { measureFsyncLatency } from '../host/fsync-latency';
import type { HostFiles } from '../host/host-files';
import { checkLanCidrs } from '../host/lan-cidr-check';
import { checkSwap } from '../host/swap-check';
import { checkWordSize } from '../host/word-size-check';

export interface ServerPreflightInput {
  files: HostFiles;
  clusterCIDR: string;
  serviceCIDR: string;
  /** etcd's data directory on this machine (Debian's etcd-server: /var/lib/etcd). */
  etcdDataDir: string;
  now: () => number;
}

function etcdDisk(input: ServerPreflightInput): CheckResult {
  if (!existsSync(input.etcdDataDir)) return { name: 'etcd-disk', status: 'pass', message: `${input.etcdDataDir} does not exist here: etcd runs elsewhere, its disk is not measured` };
  return checkEtcdDisk(input.files, { dataDir: input.etcdDataDir, ...deviceOf(input.etcdDataDir), latency: measureFsyncLatency(input.etcdDataDir) });
}

export function runServerPreflight(input: ServerPreflightInput): CheckResult[] {
  return [
    checkSwap(input.files),
    checkClock(input.files, input.now()),
    checkLanCidrs(input.files, { clusterCIDR: input.clusterCIDR, serviceCIDR: input.serviceCIDR }),
    checkWordSize(input.files, { unameMachine: os.machine(), nodeArch: process.arch }),
    etcdDisk(input),
  ];
}
