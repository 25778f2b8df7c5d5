/**
 * Real packets through the rendered rules: a "pod" namespace serving HTTP with busybox httpd
 * on its veth address and a "node" namespace that programs a ClusterIP and a NodePort for it
 * and connects from its own processes (nat OUTPUT → PIKUBE-SERVICES → DNAT).
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { netnsPath } from '../../../../scripts/cluster/netns';
import { until } from '../../../../scripts/cluster/wait-until';
import { detectBackend } from '../../../../agent/network/iptables-backend';
import { renderRuleSet } from '../../../../agent/network/iptables-rules';
import { RuleApplier } from '../../../../agent/network/rule-applier';
import { aServicePort, anEndpoint } from '../../../unit/agent/network/service-port-builder';
import { aTestNetns, type TestNetns } from './netns-fixture';
import { wget } from './netns-http-client';

const POD_IP = '10.42.1.5';
/** Per network namespace: localhost NodePorts need it (kube-proxy sets it too). */
const ROUTE_LOCALNET = '/proc/sys/net/ipv4/conf/all/route_localnet';
const NODE_IP = '10.42.1.1';

async function wire(node: TestNetns, pod: TestNetns): Promise<void> {
  await node.sh('ip', ['link', 'add', 'pkn0', 'type', 'veth', 'peer', 'name', 'pkp0', 'netns', pod.name]);
  await node.sh('ip', ['addr', 'add', `${NODE_IP}/24`, 'dev', 'pkn0']);
  await node.sh('ip', ['link', 'set', 'pkn0', 'up']);
  // DESIGN.md: the service CIDR is routed on the node, so the first route lookup succeeds.
  await node.sh('ip', ['route', 'add', '10.43.0.0/16', 'dev', 'pkn0']);
  await pod.sh('ip', ['addr', 'add', `${POD_IP}/24`, 'dev', 'pkp0']);
  await pod.sh('ip', ['link', 'set', 'pkp0', 'up']);
}

describe('service traffic through the rendered rules (two network namespaces)', function () {
  this.timeout(60_000);
  let node: TestNetns | undefined;
  let pod: TestNetns | undefined;
  let httpd: ChildProcess | undefined;
  let applier: RuleApplier | undefined;
  const docroot = mkdtempSync(path.join(os.tmpdir(), 'pikube-httpd-'));

  before(async () => {
    node = await aTestNetns('node');
    pod = await aTestNetns('pod');
    await wire(node, pod);
    writeFileSync(path.join(docroot, 'index.html'), 'hello from the pod\n');
    httpd = spawn('nsenter', [`--net=${netnsPath(pod.name)}`, 'busybox', 'httpd', '-f', '-p', `${POD_IP}:8080`, '-h', docroot], { stdio: 'ignore' });
    const n = node;
    let last = '';
    await until(async () => ((await wget(n, `http://${POD_IP}:8080/`)).ok ? true : ((last = 'pod not serving yet'), false)), { timeoutMs: 10_000, describe: () => last });
    applier = new RuleApplier({ run: node.run, backend: await detectBackend(node.run), minSyncIntervalMs: 0 });
    const web = aServicePort('web').with({ clusterIP: '10.43.0.10', port: 80, nodePort: 30080 }).withEndpoints(anEndpoint(POD_IP, { port: 8080, local: true })).build();
    const empty = aServicePort('empty').with({ clusterIP: '10.43.0.11', port: 80 }).build();
    await applier.apply(renderRuleSet([web, empty], { clusterCIDR: '10.42.0.0/16' }));
  });

  after(async () => {
    await applier?.cleanup().catch(() => undefined);
    applier?.dispose();
    if (httpd?.pid !== undefined && httpd.exitCode === null) {
      const exited = new Promise((r) => httpd?.once('exit', r));
      httpd.kill('SIGTERM');
      await exited;
    }
    await node?.dispose();
    await pod?.dispose();
    rmSync(docroot, { recursive: true, force: true });
  });

  it('reaches the pod through its ClusterIP', async () => {
    const r = await wget(node as TestNetns, 'http://10.43.0.10/');
    assert.deepEqual(r, { ok: true, out: 'hello from the pod\n' });
  });

  it('reaches the pod through the NodePort on the node address', async () => {
    const r = await wget(node as TestNetns, `http://${NODE_IP}:30080/`);
    assert.deepEqual(r, { ok: true, out: 'hello from the pod\n' });
  });

  it('reaches the pod through the NodePort on 127.0.0.1 once route_localnet is set (in the node namespace only)', async () => {
    const host = readFileSync(ROUTE_LOCALNET, 'utf8');
    await (node as TestNetns).sh('sh', ['-c', `echo 1 > ${ROUTE_LOCALNET}`]);
    assert.equal(readFileSync(ROUTE_LOCALNET, 'utf8'), host, 'the machine\'s own sysctl must not change');
    const r = await wget(node as TestNetns, 'http://127.0.0.1:30080/');
    assert.deepEqual(r, { ok: true, out: 'hello from the pod\n' });
  });

  it('refuses connections to a service without endpoints at once (REJECT, not a timeout)', async () => {
    const started = Date.now();
    const r = await wget(node as TestNetns, 'http://10.43.0.11/');
    assert.equal(r.ok, false);
    assert.match(r.out, /ECONNREFUSED/);
    assert.ok(Date.now() - started < 1_500, `took ${Date.now() - started} ms`);
  });
});
