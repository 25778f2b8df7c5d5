/**
 * Real packets through the rendered host port rules: a "pod" namespace serving HTTP (busybox
 * httpd) and UDP, a "node" namespace that programs the rules and forwards, and a "lan"
 * namespace standing for another machine of the LAN. The node's pod side is 10.42.1.1, its
 * LAN side 192.168.77.1; the pod's default route and the LAN's route to nowhere else go
 * through the node, so replies come back un-DNATed the way they would on a Pi.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { netnsPath } from '../../../../scripts/cluster/netns';
import { until } from '../../../../scripts/cluster/wait-until';
import { detectBackend } from '../../../../agent/network/iptables-backend';
import type { HostPortMapping } from '../../../../agent/network/host-port-model';
import { renderRuleSet } from '../../../../agent/network/iptables-rules';
import { RuleApplier } from '../../../../agent/network/rule-applier';
import { aTestNetns, type TestNetns } from './netns-fixture';
import { UDP_ECHO_SERVER, udpAsk, wget } from './netns-http-client';

const POD_IP = '10.42.1.5';
const NODE_POD_SIDE = '10.42.1.1';
const NODE_LAN_SIDE = '192.168.77.1';
const LAN_IP = '192.168.77.2';
const OPTIONS = { clusterCIDR: '10.42.0.0/16' };
const HELLO = 'hello from the pod\n';

const mapping = (fields: Partial<HostPortMapping>): HostPortMapping => ({ pod: 'default/web', podIP: POD_IP, hostPort: 9080, containerPort: 8080, protocol: 'TCP', hostIP: '', ...fields });
const WEB = mapping({});
const WEB_ON_LAN_ONLY = mapping({ hostPort: 9081, hostIP: NODE_LAN_SIDE });
const DNS_LIKE = mapping({ hostPort: 9053, containerPort: 5353, protocol: 'UDP' });

async function veth(node: TestNetns, other: TestNetns, names: [string, string], nodeAddr: string, otherAddr: string, otherGateway: string): Promise<void> {
  await node.sh('ip', ['link', 'add', names[0], 'type', 'veth', 'peer', 'name', names[1], 'netns', other.name]);
  await node.sh('ip', ['addr', 'add', nodeAddr, 'dev', names[0]]);
  await node.sh('ip', ['link', 'set', names[0], 'up']);
  await other.sh('ip', ['addr', 'add', otherAddr, 'dev', names[1]]);
  await other.sh('ip', ['link', 'set', names[1], 'up']);
  await other.sh('ip', ['route', 'add', 'default', 'via', otherGateway]);
}

function inNetns(ns: TestNetns, cmd: string, args: string[]): ChildProcess {
  return spawn('nsenter', [`--net=${netnsPath(ns.name)}`, cmd, ...args], { stdio: 'ignore' });
}

async function stop(child: ChildProcess | undefined): Promise<void> {
  if (child?.pid === undefined || child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

describe('host port traffic through the rendered rules (node, pod and LAN namespaces)', function () {
  this.timeout(60_000);
  let node: TestNetns | undefined;
  let pod: TestNetns | undefined;
  let lan: TestNetns | undefined;
  let applier: RuleApplier | undefined;
  const servers: ChildProcess[] = [];
  const docroot = mkdtempSync(path.join(os.tmpdir(), 'pikube-httpd-'));
  const the = (ns: TestNetns | undefined): TestNetns => ns as TestNetns;

  before(async () => {
    node = await aTestNetns('node');
    pod = await aTestNetns('pod');
    lan = await aTestNetns('lan');
    await veth(node, pod, ['pkn0', 'pkp0'], `${NODE_POD_SIDE}/24`, `${POD_IP}/24`, NODE_POD_SIDE);
    await veth(node, lan, ['pkl0', 'pkw0'], `${NODE_LAN_SIDE}/24`, `${LAN_IP}/24`, NODE_LAN_SIDE);
    // Per namespace (the test node's own); the machine's sysctls are untouched.
    await node.sh('sh', ['-c', 'echo 1 > /proc/sys/net/ipv4/ip_forward && echo 1 > /proc/sys/net/ipv4/conf/all/route_localnet']);
    writeFileSync(path.join(docroot, 'index.html'), HELLO);
    servers.push(inNetns(pod, 'busybox', ['httpd', '-f', '-p', `${POD_IP}:8080`, '-h', docroot]));
    servers.push(inNetns(pod, process.execPath, ['-e', UDP_ECHO_SERVER, `${POD_IP}:5353`, 'udp from the pod']));
    const n = node;
    await until(async () => (await wget(n, `http://${POD_IP}:8080/`)).ok, { timeoutMs: 10_000, describe: () => 'pod not serving yet' });
    applier = new RuleApplier({ run: node.run, backend: await detectBackend(node.run), minSyncIntervalMs: 0 });
    await applier.apply(renderRuleSet([], OPTIONS, [WEB, WEB_ON_LAN_ONLY, DNS_LIKE]));
  });

  after(async () => {
    await applier?.cleanup().catch(() => undefined);
    applier?.dispose();
    await Promise.all(servers.map(stop));
    for (const ns of [node, pod, lan]) await ns?.dispose();
    rmSync(docroot, { recursive: true, force: true });
  });

  it('reaches the pod from another machine of the LAN on the node address', async () => {
    assert.deepEqual(await wget(the(lan), `http://${NODE_LAN_SIDE}:9080/`), { ok: true, out: HELLO });
  });

  it('reaches the pod from the node itself, on any of its addresses and on 127.0.0.1', async () => {
    for (const ip of [NODE_LAN_SIDE, NODE_POD_SIDE, '127.0.0.1']) assert.deepEqual(await wget(the(node), `http://${ip}:9080/`), { ok: true, out: HELLO }, ip);
  });

  it('lets the pod reach its own host port (hairpin, masqueraded)', async () => {
    assert.deepEqual(await wget(the(pod), `http://${NODE_LAN_SIDE}:9080/`), { ok: true, out: HELLO });
  });

  it('answers on the hostIP only when one is set', async () => {
    assert.deepEqual(await wget(the(lan), `http://${NODE_LAN_SIDE}:9081/`), { ok: true, out: HELLO });
    const other = await wget(the(node), `http://${NODE_POD_SIDE}:9081/`);
    assert.equal(other.ok, false);
    assert.match(other.out, /ECONNREFUSED/);
  });

  it('publishes UDP host ports', async () => {
    assert.deepEqual(await udpAsk(the(lan), `${NODE_LAN_SIDE}:9053`, 'ping'), { ok: true, out: 'udp from the pod' });
  });

  it('stops answering once the pod is gone, and its chains go with it', async () => {
    await (applier as RuleApplier).apply(renderRuleSet([], OPTIONS, [DNS_LIKE]));
    const r = await wget(the(lan), `http://${NODE_LAN_SIDE}:9080/`);
    assert.equal(r.ok, false);
    assert.match(r.out, /ECONNREFUSED/);
    const nat = await the(node).sh('iptables-save', ['-t', 'nat']);
    assert.equal(nat.match(/^:PIKUBE-HP-/gm)?.length, 1, nat);
  });
});
