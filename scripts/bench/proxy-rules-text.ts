/**
 * Reading the service proxy's rules back from `iptables -S <chain>` / `iptables-save` text, for
 * the network-programming benchmark. Only `-A` lines are read; argument order does not matter
 * (iptables prints matches in its own order, not the order the agent wrote them). Comments are
 * the agent's (kube-proxy's): `"<ns>/<svc>:<port> cluster IP"` on the PIKUBE-SERVICES entry
 * rule, `"<ns>/<svc>:<port> -> <ip>:<port>"` on each SVC-chain jump to an endpoint, and the
 * bare `<ns>/<svc>:<port>` on an endpoint's DNAT rule.
 */

export interface RuleLine {
  chain: string;
  comment?: string;
  /** The `-j` target. */
  target?: string;
  /** The argument of `--to-destination`, for DNAT rules. */
  toDestination?: string;
}

const COMMENT = /\s--comment\s+(?:"((?:[^"\\]|\\.)*)"|(\S+))/;
const TARGET = /\s-j\s+(\S+)/;
const TO_DESTINATION = /\s--to-destination\s+(\S+)/;

/** One `-A` line; undefined for chain declarations, table headers, COMMIT and blank lines. */
export function parseRuleLine(line: string): RuleLine | undefined {
  const chain = /^-A\s+(\S+)/.exec(line)?.[1];
  if (chain === undefined) return undefined;
  const comment = COMMENT.exec(line);
  return {
    chain,
    comment: comment === null ? undefined : (comment[1] ?? comment[2]).replace(/\\(.)/g, '$1'),
    target: TARGET.exec(line)?.[1],
    toDestination: TO_DESTINATION.exec(line)?.[1],
  };
}

export function parseRuleLines(text: string): RuleLine[] {
  return text.split('\n').flatMap((line) => parseRuleLine(line.trim()) ?? []);
}

const CLUSTER_IP_SUFFIX = ' cluster IP';

/**
 * The service ports with a ClusterIP entry rule in PIKUBE-SERVICES (nat), by port name
 * (`ns/svc:port`), with the chain the rule jumps to (SVC, or SVL for internalTrafficPolicy
 * Local). The agent writes the entry rule only while the service has a ready endpoint.
 */
export function clusterIPEntries(natText: string): Map<string, string> {
  const entries = new Map<string, string>();
  for (const rule of parseRuleLines(natText)) {
    if (rule.chain !== 'PIKUBE-SERVICES' || !rule.comment?.endsWith(CLUSTER_IP_SUFFIX) || rule.target === undefined) continue;
    entries.set(rule.comment.slice(0, -CLUSTER_IP_SUFFIX.length), rule.target);
  }
  return entries;
}

/** How many ClusterIP entry rules there are for service ports whose name starts with `prefix`. */
export function countClusterIPEntries(natText: string, prefix: string): number {
  return [...clusterIPEntries(natText).keys()].filter((name) => name.startsWith(prefix)).length;
}

/** The endpoints (`ip:port`) a service port's SVC chain spreads traffic over, from that chain's rules. */
export function endpointJumps(chainText: string, servicePortName: string): Set<string> {
  const lead = `${servicePortName} -> `;
  const out = new Set<string>();
  for (const rule of parseRuleLines(chainText)) {
    if (rule.comment?.startsWith(lead) && rule.target?.startsWith('PIKUBE-SEP-')) out.add(rule.comment.slice(lead.length));
  }
  return out;
}

/** DNAT rules (one per endpoint) of the service ports whose name starts with `prefix`. */
export function countDnatRules(natText: string, prefix: string): number {
  return parseRuleLines(natText).filter((r) => r.target === 'DNAT' && r.toDestination !== undefined && r.comment?.startsWith(prefix)).length;
}
