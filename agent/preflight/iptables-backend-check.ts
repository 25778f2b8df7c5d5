/**
 * Docker and pikube must program the same iptables backend. Docker uses whatever the
 * `iptables` alternative was when it started; if the alternative changed since (or a reboot
 * left Docker's chains in both), Docker's rules and ours run in two tables nobody orders. The
 * agent follows the backend holding Docker's chains (agent/network/iptables-backend.ts); this
 * check says when the system's `iptables` disagrees with it. Read-only: `iptables --version`
 * and the two `-save` commands.
 */
import type { CheckResult } from '../../host/check-result';
import { BACKENDS, holdsDockerChains } from '../network/iptables-backend';
import type { CommandRunner } from '../network/command-runner';

export type Backend = 'nft' | 'legacy';

/** `iptables v1.8.9 (nf_tables)` → nft; `(legacy)` → legacy. */
export function alternativeOf(versionOutput: string): Backend | undefined {
  if (/\(nf_tables\)/.test(versionOutput)) return 'nft';
  if (/\(legacy\)/.test(versionOutput)) return 'legacy';
  return undefined;
}

export interface BackendFacts {
  alternative: Backend | undefined;
  dockerChainsIn: Backend[];
}

const SWITCH = (b: Backend): string => `sudo update-alternatives --set iptables /usr/sbin/iptables-${b} && sudo systemctl restart docker`;

export function checkIptablesBackend(facts: BackendFacts): CheckResult {
  const name = 'iptables-backend';
  const alt = facts.alternative ?? 'unknown';
  if (facts.dockerChainsIn.length === 2) {
    return { name, status: 'warn', message: `Docker's chains are in both legacy and nft iptables (the system's iptables is ${alt}): stale rules from a Docker started under the other backend`, fix: 'reboot, so that only the current backend holds Docker\'s chains' };
  }
  const [docker] = facts.dockerChainsIn;
  if (docker === undefined) return { name, status: 'warn', message: `no Docker chains in either iptables backend (the system's iptables is ${alt}): is Docker running?`, fix: 'sudo systemctl start docker' };
  if (facts.alternative !== undefined && docker !== facts.alternative) {
    return { name, status: 'warn', message: `Docker's chains are in ${docker} iptables but the system's iptables is ${facts.alternative}: pikube follows Docker (${docker}), other tools will not`, fix: SWITCH(docker) };
  }
  return { name, status: 'pass', message: `iptables ${docker}, the same as Docker's` };
}

async function output(run: CommandRunner, cmd: string, args: string[]): Promise<string> {
  try {
    const r = await run(cmd, args);
    return r.code === 0 ? r.stdout : '';
  } catch {
    return '';
  }
}

export async function gatherBackendFacts(run: CommandRunner): Promise<BackendFacts> {
  const [version, nft, legacy] = await Promise.all([output(run, 'iptables', ['--version']), output(run, BACKENDS.nft.save, []), output(run, BACKENDS.legacy.save, [])]);
  const dockerChainsIn = ([['nft', nft], ['legacy', legacy]] as const).filter(([, save]) => holdsDockerChains(save)).map(([b]) => b);
  return { alternative: alternativeOf(version), dockerChainsIn };
}
