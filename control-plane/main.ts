/**
 * `pikube-server`: the control plane (systemd unit on the master Pi).
 *   serve             run the API server, node service, scheduler and controllers; failover
 *                     timing: --node-monitor-grace-period (5s), --default-not-ready-toleration-seconds
 *                     and --default-unreachable-toleration-seconds (2 each; Kubernetes 300);
 *                     pods that must not run twice: --pod-fencing-period (6s, told to every agent)
 *                     and --pod-fencing-margin (5s) before they are force-deleted from a silent node;
 *                     --token-auth-file: static bearer tokens (Kubernetes' CSV token,user,uid,"g1,g2")
 *   issue-node-cert   write ca.crt, node.crt, node.key for an agent (--node, --out)
 *   kubeconfig        write an admin kubeconfig (--server, --out); with --user NAME [--group G1,G2]
 *                     a kubeconfig for that user instead (a client certificate with CN NAME and O
 *                     the groups, signed by the cluster CA, as `kubeadm kubeconfig user`), printed
 *                     to stdout unless --out is given
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { issueAdminCertificate, issueUserCertificate, loadOrCreateCertificateAuthority } from './auth/cluster-pki';
import { renderKubeconfig, writeKubeconfig } from './auth/kubeconfig';
import { issueNodeCertificate } from './auth/node-certificate';
import { ControlPlane } from './control-plane';
import { parseFlags, parseServeConfig, type Flags } from './control-plane-config';
import { logText } from './log-text';

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
function surviveUnhandledRejections(): void {
  process.on('unhandledRejection', (reason: unknown) => {
    const text = reason instanceof Error ? (reason.stack ?? reason.message) : String(reason);
    console.error(`pikube-server: BUG: unhandled rejection (kept running): ${logText(text, 4096)}`);
  });
}

async function serve(flags: Flags): Promise<void> {
  surviveUnhandledRejections();
  const plane = await ControlPlane.start(parseServeConfig(flags));
  const stop = (signal: string): void => {
    console.log(`pikube-server: ${signal}, stopping`);
    void plane.stop().then(() => process.exit(0));
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  const flags = parseFlags(rest);
  if (command === 'serve') return serve(flags);
  if (command === 'issue-node-cert') return issueNodeCert(flags);
  if (command === 'kubeconfig') return kubeconfig(flags);
  throw new Error(`unknown command "${command ?? ''}"; expected serve, issue-node-cert or kubeconfig`);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  console.error(`pikube-server: ${(err as Error).message}`);
  process.exit(2);
});
