/**
 * `pikube-server`: the control plane (systemd unit on the master Pi).
 *   serve             run the API server, node service, scheduler and controllers; failover
 *                     timing: --node-monitor-grace-period (5s), --node-host-probe-after (1200ms: a
 *                     silent node whose host answers nothing is unreachable then; 0: off),
 *                     --default-not-ready-toleration-seconds (2) and
 *                     --default-unreachable-toleration-seconds (0; Kubernetes 300 each);
 *                     evictions held back when most nodes are down: --node-eviction-rate (1),
 *                     --secondary-node-eviction-rate (0.01), --unhealthy-zone-threshold (0.55),
 *                     --large-cluster-size-threshold (50), as kube-controller-manager's;
 *                     pods that must not run twice: --pod-fencing-period (6s, told to every agent)
 *                     and --pod-fencing-margin (5s) before they are force-deleted from a silent node;
 *                     --token-auth-file: static bearer tokens (Kubernetes' CSV token,user,uid,"g1,g2")
 *   issue-node-cert   write ca.crt, node.crt, node.key for an agent (--node, --out)
 *   kubeconfig        write an admin kubeconfig (--server, --out); with --user NAME [--group G1,G2]
 *                     a kubeconfig for that user instead (a client certificate with CN NAME and O
 *                     the groups, signed by the cluster CA, as `kubeadm kubeconfig user`), printed
 *                     to stdout unless --out is given
 *   token             create [--ttl 24h] [--description TEXT] [--print-join-command] | list | delete ID:
 *                     bootstrap tokens for joining agents, through the API with --kubeconfig
 *                     (default /etc/pikube/admin.kubeconfig), as `kubeadm token`
 *   secrets reencrypt rewrite every stored value of the resources --encryption-provider-config names
 *                     with its first provider and key (after a key rotation; prints the counts, exit 1
 *                     when a value no provider can read was met), beside etcd (--etcd-endpoints, --etcd-prefix)
 *   reset --force     delete every key of this cluster (--etcd-prefix) from etcd (--etcd-endpoints):
 *                     install.sh --uninstall runs it on a one-node control plane, as kubeadm reset
 *   preflight         check this machine (swap, clock, CIDRs against the LAN, 32/64-bit, etcd's
 *                     disk: --etcd-data-dir, default /var/lib/etcd), print the fixes, exit 1 on a failure
 * Every flag is also a key of /etc/pikube/server.yaml (or the file --config names); flags win.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { issueAdminCertificate, issueUserCertificate, loadOrCreateCertificateAuthority } from './auth/cluster-pki';
import { renderKubeconfig, writeKubeconfig } from './auth/kubeconfig';
import { issueNodeCertificate } from './auth/node-certificate';
import { tokenCommand } from './bootstrap-token-command';
import { parseFlags, parseServeConfig, SERVER_CONFIG_FILE, SERVER_FLAGS, type Flags } from './control-plane-config';
import { withConfigFile } from '../base/config/config-file';
import { createLogger, type Logger } from '../base/log/logger';
import { textLog } from '../base/log/text-log';
import { systemClock } from '../base/clock';
import { clockFloor } from '../host/clock-floor';
import { waitForPlausibleClock } from '../host/clock-wait';
import { hostFilesAt } from '../host/host-files';
import { logResults, printedReport, refusals } from '../host/preflight-outcome';
import { logText } from './log-text';
import { runServerPreflight } from './server-preflight';

const NODE_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function dataDir(flags: Flags): string {
  return flags['data-dir'] ?? '/var/lib/pikube';
}

function requireFlag(flags: Flags, name: keyof Flags): string {
  const value = flags[name];
  if (!value) throw new Error(`--${name} is required`);
  return value;
}

function issueNodeCert(flags: Flags): void {
  const node = requireFlag(flags, 'node');
  if (!NODE_NAME.test(node)) throw new Error(`--node "${node}" is not a DNS-1123 label`);
  const out = requireFlag(flags, 'out');
  const ca = loadOrCreateCertificateAuthority(dataDir(flags));
  const pair = issueNodeCertificate(ca, node);
  mkdirSync(out, { recursive: true, mode: 0o700 });
  writeFileSync(path.join(out, 'ca.crt'), ca.certPem, { mode: 0o644 });
  writeFileSync(path.join(out, 'node.crt'), pair.certPem, { mode: 0o644 });
  writeFileSync(path.join(out, 'node.key'), pair.keyPem, { mode: 0o600 });
}

function kubeconfig(flags: Flags): void {
  const server = requireFlag(flags, 'server');
  if (!/^https:\/\/[^/]+$/.test(server)) throw new Error(`--server must be https://host:port, got "${server}"`);
  const ca = loadOrCreateCertificateAuthority(dataDir(flags));
  const user = flags.user;
  if (user === undefined) return writeKubeconfig(requireFlag(flags, 'out'), { server, caCertPem: ca.certPem, client: issueAdminCertificate(ca) });
  const groups = (flags.group ?? '').split(',').filter((g) => g !== '');
  const options = { server, caCertPem: ca.certPem, client: issueUserCertificate(ca, user, groups), name: user };
  if (flags.out) writeKubeconfig(flags.out, options);
  else process.stdout.write(renderKubeconfig(options));
}

/**
 * The safety net, not the fix: a promise some library (etcd3, grpc-js, ws) rejects with nobody
 * listening is a bug to report, not a reason to stop serving the cluster. Node's default is to exit.
 */
function surviveUnhandledRejections(logger: Logger): void {
  process.on('unhandledRejection', (reason: unknown) => {
    const text = reason instanceof Error ? (reason.stack ?? reason.message) : String(reason);
    logger.error(`BUG: unhandled rejection (kept running): ${logText(text, 4096)}`);
  });
}

function preflight(flags: Flags): ReturnType<typeof runServerPreflight> {
  return runServerPreflight({
    files: hostFilesAt('/'), now: Date.now, etcdDataDir: flags['etcd-data-dir'] ?? '/var/lib/etcd',
    clusterCIDR: flags['cluster-cidr'] ?? '10.42.0.0/16', serviceCIDR: flags['service-cidr'] ?? '10.43.0.0/16',
  });
}

/** The cluster CA a previous start made, if any: the clock cannot be earlier than its notBefore. */
function heldCaCertificate(dir: string): { name: string; pem: string }[] {
  const name = path.join(dir, 'pki', 'ca.crt');
  try {
    return [{ name, pem: readFileSync(name, 'utf8') }];
  } catch {
    return [];
  }
}

/** Warnings logged; a failure refuses the start; an unset clock is waited for (no CA dated 1970). */
async function preflightAtStart(flags: Flags, logger: Logger): Promise<void> {
  const results = preflight(flags);
  logResults(logger, results);
  const refused = refusals(results);
  if (refused.length > 0) throw new Error(`refusing to start: ${refused.map((r) => `${r.name}: ${r.message}${r.fix ? ` (fix: ${r.fix})` : ''}`).join('; ')}`);
  const startup = new AbortController();
  const abort = (): void => startup.abort();
  process.once('SIGTERM', abort);
  const floor = clockFloor(heldCaCertificate(dataDir(flags)));
  await waitForPlausibleClock({ clock: systemClock, floor, signal: startup.signal, log: (m) => logger.warn(m) }).finally(() => process.off('SIGTERM', abort));
}

async function serve(flags: Flags, logger: Logger): Promise<void> {
  surviveUnhandledRejections(logger);
  const config = parseServeConfig(flags);
  await preflightAtStart(flags, logger);
  // Loaded here, not at the top: the other commands (kubeconfig, token, reset) start in a
  // fraction of the time without the API server, controllers and gRPC (seconds on a slow Pi).
  const { ControlPlane } = await import('./control-plane');
  const plane = await ControlPlane.start(config, textLog(logger));
  const stop = (signal: string): void => {
    logger.info(`${signal}, stopping`);
    void plane.stop().then(() => process.exit(0));
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

/** `token <sub> [ID] [flags]`: the positional words and the one boolean flag come out before the flags are parsed. */
async function token(rest: string[]): Promise<void> {
  const words = rest.filter((a, i) => !a.startsWith('--') && (i === 0 || !rest[i - 1]?.startsWith('--') || rest[i - 1] === '--print-join-command'));
  const flagArgs = rest.filter((a) => !words.includes(a) && a !== '--print-join-command');
  const flags = parseFlags(withConfigFile(flagArgs, SERVER_CONFIG_FILE, SERVER_FLAGS));
  const options = { kubeconfig: flags.kubeconfig, ttl: flags.ttl, description: flags.description, printJoinCommand: rest.includes('--print-join-command') };
  process.stdout.write(await tokenCommand(words[0], words[1], options));
}

/** `secrets reencrypt [flags]`: the one `secrets` subcommand. */
async function secrets(rest: string[]): Promise<void> {
  const [sub, ...flagArgs] = rest;
  if (sub !== 'reencrypt') throw new Error(`unknown command "secrets ${sub ?? ''}"; expected secrets reencrypt`);
  const { reencryptCommand } = await import('./secrets-reencrypt-command');
  const output = await reencryptCommand(parseFlags(withConfigFile(flagArgs, SERVER_CONFIG_FILE, SERVER_FLAGS)));
  process.stdout.write(output.text);
  process.exitCode = output.exitCode;
}

/** `reset --force [flags]`: the one boolean flag comes out before the flags are parsed. */
async function reset(rest: string[]): Promise<void> {
  const flags = parseFlags(withConfigFile(rest.filter((a) => a !== '--force'), SERVER_CONFIG_FILE, SERVER_FLAGS));
  const { resetCommand } = await import('./reset-command');
  process.stdout.write(await resetCommand(flags, rest.includes('--force')));
}

async function main(argv: string[], logger: Logger): Promise<void> {
  const [command, ...rest] = argv;
  if (command === 'token') return token(rest);
  if (command === 'secrets') return secrets(rest);
  if (command === 'reset') return reset(rest);
  const flags = parseFlags(withConfigFile(rest, SERVER_CONFIG_FILE, SERVER_FLAGS));
  if (command === 'serve') return serve(flags, logger);
  if (command === 'issue-node-cert') return issueNodeCert(flags);
  if (command === 'kubeconfig') return kubeconfig(flags);
  if (command === 'preflight') {
    const report = printedReport(preflight(flags));
    process.stdout.write(report.text);
    process.exitCode = report.exitCode;
    return;
  }
  throw new Error(`unknown command "${command ?? ''}"; expected serve, preflight, token, secrets, reset, issue-node-cert or kubeconfig`);
}

const logger = createLogger({ component: 'control-plane' });
main(process.argv.slice(2), logger).catch((err: unknown) => {
  logger.fatal((err as Error).message);
  process.exit(2);
});
