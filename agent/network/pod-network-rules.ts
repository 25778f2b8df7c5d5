/**
 * The pod network's iptables rules, in chains of ours that the service proxy never touches:
 * - filter `PIKUBE-POD-FORWARD`, jumped to from `DOCKER-USER`: accepts forwarding to and from
 *   the cluster CIDR (Docker's FORWARD policy is DROP and its isolation rules would drop
 *   traffic between our bridge and the LAN);
 * - nat `PIKUBE-POD-POSTROUTING`, jumped to from `POSTROUTING`: masquerades pod traffic that
 *   leaves the cluster CIDR (pod-to-pod traffic keeps its source address). The bridge network
 *   is created with Docker's own masquerade off.
 * Applied with `iptables-restore --noflush` (only our chains are declared, hence rewritten);
 * the two jumps are checked with `-C` and inserted only when missing.
 */
import { runChecked, type CommandRunner } from './command-runner';
import type { IptablesBackend } from './iptables-backend';
import { RuleTable, type TableName } from './rule-tables';

export const POD_FORWARD_CHAIN = 'PIKUBE-POD-FORWARD';
export const POD_POSTROUTING_CHAIN = 'PIKUBE-POD-POSTROUTING';

export interface PodNetworkCidrs {
  /** Normalised, e.g. 10.42.0.0/16. */
  clusterCIDR: string;
  /** This node's, normalised, e.g. 10.42.1.0/24. */
  podCIDR: string;
}

interface PodJump {
  table: TableName;
  from: string;
  to: string;
}

export const POD_NETWORK_JUMPS: readonly PodJump[] = [
  { table: 'filter', from: 'DOCKER-USER', to: POD_FORWARD_CHAIN },
  { table: 'nat', from: 'POSTROUTING', to: POD_POSTROUTING_CHAIN },
];

/** The restore input for both tables. */
export function renderPodNetworkRules(cidrs: PodNetworkCidrs): string {
  const filter = new RuleTable('filter');
  filter.append(POD_FORWARD_CHAIN, '-s', cidrs.clusterCIDR, '-j', 'ACCEPT');
  filter.append(POD_FORWARD_CHAIN, '-d', cidrs.clusterCIDR, '-j', 'ACCEPT');
  const nat = new RuleTable('nat');
  nat.append(POD_POSTROUTING_CHAIN, '-s', cidrs.podCIDR, '!', '-d', cidrs.clusterCIDR, '-j', 'MASQUERADE');
  return filter.render() + nat.render();
}

const jumpArgv = (j: PodJump, op: '-C' | '-I') => ['-w', '5', '-t', j.table, op, j.from, '-j', j.to];

/** Rewrites our two chains and makes sure both jumps exist (idempotent). */
export async function applyPodNetworkRules(run: CommandRunner, backend: IptablesBackend, cidrs: PodNetworkCidrs): Promise<void> {
  await runChecked(run, backend.restore, ['-w', '5', '--noflush'], renderPodNetworkRules(cidrs));
  for (const j of POD_NETWORK_JUMPS) {
    if ((await run(backend.iptables, jumpArgv(j, '-C'))).code === 0) continue;
    await runChecked(run, backend.iptables, jumpArgv(j, '-I'));
  }
}
