/** `pikube-agent`: runs on every Pi (systemd unit), or inside a simulated node's namespace. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { systemClock } from '../base/clock';
import type { NodeCredentials } from './join/node-join';
import { withConfigFile } from '../base/config/config-file';
import { createLogger, type Logger } from '../base/log/logger';
import { textLog } from '../base/log/text-log';
import { clockFloor } from '../host/clock-floor';
import { waitForPlausibleClock } from '../host/clock-wait';
import { hostFilesAt } from '../host/host-files';
import { logResults, printedReport, refusals } from '../host/preflight-outcome';
import { AGENT_CONFIG_FILE, AGENT_FLAGS, parseAgentSettings, readCredentialFiles, withCredentials, type AgentConfig, type CredentialSource, wantsCleanup } from './agent-config';
import { localCommandRunner } from './network/command-runner';
import { cleanupNode, describeCleanup } from './network/node-cleanup';
import { runAgentPreflight } from './preflight/agent-preflight';
import { dockerFacts } from './preflight/docker-facts';

/**
 * `--cleanup`: a command a person runs (or the uninstaller), so it prints plain lines, as
 * `preflight` does: what was removed on stdout, what could not be on stderr; exit 0 once
 * nothing of ours is left, 1 otherwise.
 */
async function cleanup(): Promise<number> {
  try {
    const report = await cleanupNode(localCommandRunner);
    for (const line of describeCleanup(report)) process.stdout.write(`pikube-agent --cleanup: ${line}\n`);
    return 0;
  } catch (err: unknown) {
    const errors: unknown[] = err instanceof AggregateError ? err.errors : [err];
    for (const e of errors) process.stderr.write(`pikube-agent --cleanup: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}

async function preflightInput(flags: { 'cluster-cidr'?: string; 'docker-host'?: string }): Promise<Parameters<typeof runAgentPreflight>[0]> {
  const socketPath = (flags['docker-host'] ?? 'unix:///var/run/docker.sock').replace(/^unix:\/\//, '');
  const { default: Docker } = await import('dockerode');
  return { files: hostFilesAt('/'), docker: dockerFacts(new Docker({ socketPath })), run: localCommandRunner, clusterCIDR: flags['cluster-cidr'] ?? '10.42.0.0/16', now: Date.now };
}

/** `pikube-agent preflight`: every check, printed with its fix; exit 1 on a failure. */
async function preflightCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: Object.fromEntries(AGENT_FLAGS.map((n) => [n, { type: 'string' as const }])), strict: false });
  const results = await runAgentPreflight(await preflightInput(values as Record<string, string | undefined>));
  const report = printedReport(results);
  process.stdout.write(report.text);
  return report.exitCode;
}

/** The certificates this node already holds (given files, or a join's under <state dir>/pki): none were issued in the future. */
function heldCertificates(source: CredentialSource, stateDir: string): { name: string; pem: string }[] {
  const files = source.kind === 'files' ? [source.ca, source.cert] : [path.join(stateDir, 'pki', 'ca.crt'), path.join(stateDir, 'pki', 'node.crt')];
  return files.flatMap((name) => {
    try {
      return [{ name, pem: readFileSync(name, 'utf8') }];
    } catch {
      return [];
    }
  });
}

/** The start's preflight: warnings logged, failures refuse the start, an unset clock is waited for. */
async function preflightAtStart(args: string[], logger: Logger, signal: AbortSignal): Promise<void> {
  const config = parseAgentSettings(args);
  // The memory cgroup is reported by the agent itself, as a Node condition.
  const results = (await runAgentPreflight(await preflightInput({ 'cluster-cidr': config.clusterCIDR, 'docker-host': `unix://${config.dockerSocket}` }))).filter((r) => r.name !== 'memory-cgroup');
  logResults(logger, results);
  const refused = refusals(results);
  if (refused.length > 0) throw new Error(`refusing to start: ${refused.map((r) => `${r.name}: ${r.message}${r.fix ? ` (fix: ${r.fix})` : ''}`).join('; ')}`);
  await waitForPlausibleClock({ clock: systemClock, floor: clockFloor(heldCertificates(config.credentials, config.stateDir)), signal, log: (m) => logger.warn(m) });
}

/** The settings with the node's certificates: read from the named files, or stored by a join, or joined for now. */
async function agentConfig(args: string[], log: (message: string) => void, signal: AbortSignal): Promise<AgentConfig> {
  const settings = parseAgentSettings(args);
  const source = settings.credentials;
  if (source.kind === 'files') {
    return withCredentials(settings, readCredentialFiles(source));
  }
  const { loadOrJoin } = await import('./join/node-credentials');
  return withCredentials(settings, await loadOrJoin({ stateDir: settings.stateDir, nodeName: settings.nodeName, join: source.join, signal, log }));
}

/** A node that joined renews its certificate before it expires (certificate-rotation.ts); one given certificate files does not. */
async function rotateIfJoined(args: string[], config: AgentConfig, agent: { useNodeCredentials(c: NodeCredentials): void }, log: (m: string) => void, signal: AbortSignal): Promise<void> {
  const source = parseAgentSettings(args).credentials;
  if (source.kind !== 'join') return;
  const { rotateNodeCertificate } = await import('./join/certificate-rotation');
  void rotateNodeCertificate({
    server: source.join.server, stateDir: config.stateDir, nodeName: config.nodeName, clock: systemClock, random: Math.random, signal,
    current: { caPem: config.caPem, certPem: config.certPem, keyPem: config.keyPem },
    log: (m) => log(`[certificate] ${m}`), onRenewed: (creds) => agent.useNodeCredentials(creds),
  });
}

async function runAgent(args: string[], logger: Logger): Promise<void> {
  const log = textLog(logger);
  const startup = new AbortController();
  process.once('SIGTERM', () => startup.abort());
  // The clock is waited for first: no TLS (a join included) while it reads 1970.
  await preflightAtStart(args, logger, startup.signal);
  const config = await agentConfig(args, log, startup.signal);
  // Loaded here, not at the top: `--cleanup` and `preflight` need none of it (gRPC).
  const { Agent } = await import('./agent');
  const agent = new Agent(config, log);
  agent.start().catch((err: unknown) => {
    logger.fatal(`${(err as Error).message}`);
    process.exit(1);
  });
  const rotation = new AbortController();
  await rotateIfJoined(args, config, { useNodeCredentials: (creds) => agent.useNodeCredentials(creds) }, log, rotation.signal);
  const stop = (signal: string): void => {
    rotation.abort();
    logger.info(`${signal}, stopping (containers keep running)`);
    void agent.stop().then(() => process.exit(0));
  };
  // A bug in one handler must not take every pod's DNS and proxy down with it: say it loudly, go on.
  process.on('unhandledRejection', (reason) => logger.error(`BUG: unhandled rejection: ${reason instanceof Error ? reason.stack ?? reason.message : String(reason)}`));
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

async function main(argv: string[]): Promise<number | undefined> {
  const logger = createLogger({ component: 'agent' });
  if (argv[0] === 'preflight') return preflightCommand(withConfigFile(argv.slice(1), AGENT_CONFIG_FILE, AGENT_FLAGS));
  const args = withConfigFile(argv, AGENT_CONFIG_FILE, AGENT_FLAGS);
  if (wantsCleanup(args)) return cleanup();
  try {
    await runAgent(args, logger);
  } catch (err: unknown) {
    logger.fatal((err as Error).message);
    return 2;
  }
  return undefined;
}

main(process.argv.slice(2)).then((code) => { if (code !== undefined) process.exit(code); }, (err: unknown) => {
  process.stderr.write(`pikube-agent: ${(err as Error).message}\n`);
  process.exit(2);
});
