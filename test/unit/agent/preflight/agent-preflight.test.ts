import assert from 'node:assert/strict';
import path from 'node:path';
import type { CommandRunner } from '../../../../agent/network/command-runner';
import { runAgentPreflight } from '../../../../agent/preflight/agent-preflight';
import type { DockerFacts } from '../../../../agent/preflight/docker-facts';
import { refusals } from '../../../../host/preflight-outcome';
import { elfHeader, fakeHostTree, type FakeHostTree } from '../../../support/fake-host-tree';

const NFT: CommandRunner = async (cmd) => ({ stdout: cmd === 'iptables' ? 'iptables v1.8.9 (nf_tables)' : cmd === 'iptables-nft-save' ? '*filter\n:DOCKER - [0:0]\nCOMMIT\n' : '', stderr: '', code: 0 });
const DOCKER: DockerFacts = { cgroupDriver: async () => 'systemd', images: async () => [{ name: 'pikube/pause:latest', os: 'linux', architecture: 'arm64' }] };
const NOW = Date.UTC(2026, 11, 7);

/** Raspberry Pi OS bookworm, 64-bit, on a Pi 4 booted without the cmdline.txt fix, on a 192.168.1.0/24 LAN. */
function bookwormPi(tree: FakeHostTree): void {
  tree.write({
    '/sys/fs/cgroup/cgroup.controllers': 'cpuset cpu io pids\n',
    '/proc/1/comm': 'systemd\n',
    '/proc/swaps': 'Filename Type Size Used Priority\n/var/swap file 102396 0 -2\n',
    '/proc/net/route': 'Iface\tDestination\tGateway\tFlags\tRefCnt\tUse\tMetric\tMask\nwlan0\t0001A8C0\t00000000\t0001\t0\t0\t600\t00FFFFFF\n',
    '/proc/sys/kernel/arch': 'aarch64\n',
    '/bin/sh': elfHeader(64),
    '/run/systemd/timesync/synchronized': '',
    '/boot/firmware/cmdline.txt': 'console=serial0,115200 root=PARTUUID=1-02 rootwait\n',
  });
}

describe('the agent preflight on a whole (fake) Pi', () => {
  let tree: FakeHostTree;
  beforeEach(() => { tree = fakeHostTree(); bookwormPi(tree); });
  afterEach(() => tree.remove());

  const run = (clusterCIDR = '10.42.0.0/16'): ReturnType<typeof runAgentPreflight> => runAgentPreflight({
    files: tree.files, docker: DOCKER, run: NFT, clusterCIDR, now: () => NOW, nodeArch: 'arm64', unameMachine: 'aarch64',
    cgroupPaths: { procCgroups: path.join(tree.root, 'proc/cgroups'), cgroupMount: path.join(tree.root, 'sys/fs/cgroup'), bootCmdlines: [path.join(tree.root, 'boot/firmware/cmdline.txt'), path.join(tree.root, 'boot/cmdline.txt')] },
  });

  it('warns about the memory cgroup (with the cmdline.txt line) and swap, passes the rest, refuses nothing', async () => {
    const results = await run();
    assert.deepEqual(results.map((r) => `${r.name}:${r.status}`), ['memory-cgroup:warn', 'cgroup-driver:pass', 'iptables-backend:pass', 'swap:warn', 'clock:pass', 'lan-cidrs:pass', 'word-size:pass', 'image-platforms:pass']);
    assert.match(results[0].fix ?? '', /append "cgroup_enable=memory cgroup_memory=1" to the single line of .*\/boot\/firmware\/cmdline\.txt and reboot/);
    assert.deepEqual(refusals(results), []);
  });

  it('refuses a cluster CIDR that the LAN uses', async () => {
    const refused = refusals(await run('192.168.0.0/16'));
    assert.deepEqual(refused.map((r) => r.name), ['lan-cidrs']);
  });
});
