/**
 * The only rules pikube puts in built-in chains: one jump each into a chain of ours (kube-proxy's
 * iptablesJumpChains, plus the INPUT/OUTPUT jumps kubelet makes to its firewall chain). They are
 * not part of the restore input (that would rewrite the built-in chains, Docker's rules
 * included); they are checked with `-C` and prepended with `-I` only when missing.
 */
import * as names from './chain-names';
import type { CommandRunner } from './command-runner';
import { runChecked } from './command-runner';
import type { IptablesBackend } from './iptables-backend';
import type { TableName } from './rule-tables';

export interface JumpRule {
  table: TableName;
  from: 'PREROUTING' | 'INPUT' | 'FORWARD' | 'OUTPUT' | 'POSTROUTING';
  to: string;
  /** Match arguments before `-j`, as argv (comments without shell quotes). */
  match: string[];
}

const NEW = ['-m', 'conntrack', '--ctstate', 'NEW'];
const comment = (text: string) => ['-m', 'comment', '--comment', text];

export const JUMP_RULES: readonly JumpRule[] = [
  { table: 'filter', from: 'INPUT', to: names.EXTERNAL_SERVICES_CHAIN, match: [...NEW, ...comment('pikube externally-visible service portals')] },
  { table: 'filter', from: 'FORWARD', to: names.EXTERNAL_SERVICES_CHAIN, match: [...NEW, ...comment('pikube externally-visible service portals')] },
  { table: 'filter', from: 'INPUT', to: names.SERVICES_CHAIN, match: [...NEW, ...comment('pikube service portals')] },
  { table: 'filter', from: 'FORWARD', to: names.SERVICES_CHAIN, match: [...NEW, ...comment('pikube service portals')] },
  { table: 'filter', from: 'OUTPUT', to: names.SERVICES_CHAIN, match: [...NEW, ...comment('pikube service portals')] },
  { table: 'filter', from: 'FORWARD', to: names.FORWARD_CHAIN, match: comment('pikube forwarding rules') },
  { table: 'filter', from: 'INPUT', to: names.FIREWALL_CHAIN, match: comment('pikube firewall') },
  { table: 'filter', from: 'OUTPUT', to: names.FIREWALL_CHAIN, match: comment('pikube firewall') },
  { table: 'nat', from: 'PREROUTING', to: names.SERVICES_CHAIN, match: comment('pikube service portals') },
  { table: 'nat', from: 'OUTPUT', to: names.SERVICES_CHAIN, match: comment('pikube service portals') },
  // The kubelet's hostport manager hooks KUBE-HOSTPORTS the same way, for local destinations only.
  { table: 'nat', from: 'PREROUTING', to: names.HOSTPORTS_CHAIN, match: [...comment('pikube hostport portals'), '-m', 'addrtype', '--dst-type', 'LOCAL'] },
  { table: 'nat', from: 'OUTPUT', to: names.HOSTPORTS_CHAIN, match: [...comment('pikube hostport portals'), '-m', 'addrtype', '--dst-type', 'LOCAL'] },
  { table: 'nat', from: 'POSTROUTING', to: names.POSTROUTING_CHAIN, match: comment('pikube postrouting rules') },
];

const argv = (j: JumpRule, op: '-C' | '-I' | '-D') => ['-w', '5', '-t', j.table, op, j.from, ...j.match, '-j', j.to];

async function exists(run: CommandRunner, backend: IptablesBackend, j: JumpRule): Promise<boolean> {
  return (await run(backend.iptables, argv(j, '-C'))).code === 0;
}

/** Adds each missing jump at the top of its built-in chain. The target chains must exist. */
export async function ensureJumpRules(run: CommandRunner, backend: IptablesBackend): Promise<number> {
  let added = 0;
  for (const j of JUMP_RULES) {
    if (await exists(run, backend, j)) continue;
    await runChecked(run, backend.iptables, argv(j, '-I'));
    added++;
  }
  return added;
}

/** Deletes every copy of our jumps (bounded: a chain cannot hold more copies than we could add). */
export async function removeJumpRules(run: CommandRunner, backend: IptablesBackend): Promise<void> {
  for (const j of JUMP_RULES) {
    for (let i = 0; i < 100 && (await exists(run, backend, j)); i++) await runChecked(run, backend.iptables, argv(j, '-D'));
  }
}
