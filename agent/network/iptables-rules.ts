/**
 * Renders the nat and filter tables of pikube's service proxy the way kube-proxy's iptables
 * mode does (pkg/proxy/iptables/proxier.go syncProxyRules), with chains prefixed `PIKUBE-`.
 * Rendering is pure and deterministic: service ports sorted by name, endpoints by address.
 * Pods' host ports go in the same rule set (host-port-rules.ts), so they share its applier,
 * drift repair and cleanup.
 * Not covered (yet): loadBalancerSourceRanges (KUBE-FW chains), healthCheckNodePort,
 * terminating-endpoint fallback, IPv6.
 */
import * as names from './chain-names';
import { RuleTable, type TableName } from './rule-tables';
import type { HostPortMapping } from './host-port-model';
import { renderHostPorts } from './host-port-rules';
import { hostPortProblem, isIPv4Cidr, servicePortProblem } from './rule-input-whitelist';
import { servicePortName, type ServicePortModel } from './service-model';
import { renderServicePort, type RenderContext } from './service-port-rules';

export interface RenderOptions {
  /** The cluster (pod) CIDR: traffic from outside it to a ClusterIP is masqueraded. */
  clusterCIDR?: string;
  /** The masquerade mark bit, kube-proxy's default 0x4000. */
  masqueradeMark?: string;
}

export interface RuleSet {
  /** iptables-restore input for `--noflush`: the filter table then the nat table. */
  text: string;
  /** Every chain of ours the text declares, per table. */
  chains: { filter: string[]; nat: string[] };
  /** Rules per chain of ours, keyed `table/chain`, to notice rules deleted behind our back. */
  ruleCounts: Record<string, number>;
  /** Each chain's rules (restore lines), per table: a partial sync writes only the chains that differ. */
  chainTexts: ChainTexts;
  /** Service ports (`namespace/name`) and host ports (`pod namespace/name hostPort N/PROTO`) left out because a field failed the whitelist. */
  skipped: { servicePort: string; reason: string }[];
}

export type ChainTexts = Record<TableName, Map<string, string>>;

export const DEFAULT_MASQUERADE_MARK = '0x4000';

function renderTopLevel(ctx: RenderContext): void {
  const { nat, filter, mark } = ctx;
  for (const c of [names.SERVICES_CHAIN, names.NODEPORTS_CHAIN, names.HOSTPORTS_CHAIN, names.POSTROUTING_CHAIN, names.MARK_MASQ_CHAIN]) nat.declare(c);
  for (const c of [names.SERVICES_CHAIN, names.EXTERNAL_SERVICES_CHAIN, names.FORWARD_CHAIN, names.FIREWALL_CHAIN]) filter.declare(c);
  nat.append(names.POSTROUTING_CHAIN, '-m', 'mark', '!', '--mark', `${mark}/${mark}`, '-j', 'RETURN');
  nat.append(names.POSTROUTING_CHAIN, '-j', 'MARK', '--xor-mark', mark);
  nat.append(names.POSTROUTING_CHAIN, '-m', 'comment', '--comment', '"pikube service traffic requiring SNAT"', '-j', 'MASQUERADE', '--random-fully');
  nat.append(names.MARK_MASQ_CHAIN, '-j', 'MARK', '--or-mark', mark);
  // route_localnet makes NodePorts answer on 127.0.0.1; this closes the hole it opens (issue 90259).
  filter.append(names.FIREWALL_CHAIN, '-m', 'comment', '--comment', '"block incoming localnet connections"', '-d', '127.0.0.0/8', '!', '-s', '127.0.0.0/8', '-m', 'conntrack', '!', '--ctstate', 'RELATED,ESTABLISHED,DNAT', '-j', 'DROP');
}

function renderTail(ctx: RenderContext): void {
  const { nat, filter, mark } = ctx;
  nat.append(names.SERVICES_CHAIN, '-m', 'comment', '--comment', '"pikube service nodeports; NOTE: this must be the last rule in this chain"', '-m', 'addrtype', '--dst-type', 'LOCAL', '-j', names.NODEPORTS_CHAIN);
  filter.append(names.FORWARD_CHAIN, '-m', 'conntrack', '--ctstate', 'INVALID', '-j', 'DROP');
  filter.append(names.FORWARD_CHAIN, '-m', 'comment', '--comment', '"pikube forwarding rules"', '-m', 'mark', '--mark', `${mark}/${mark}`, '-j', 'ACCEPT');
  filter.append(names.FORWARD_CHAIN, '-m', 'comment', '--comment', '"pikube forwarding conntrack rule"', '-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED', '-j', 'ACCEPT');
}

function ruleCounts(tables: RuleTable[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const t of tables) for (const c of t.chains()) counts[`${t.name}/${c}`] = t.ruleCount(c);
  return counts;
}

/** Partitions service ports into those fit for rules (sorted by name) and those skipped. */
function admit(servicePorts: ServicePortModel[]): { ok: ServicePortModel[]; skipped: RuleSet['skipped'] } {
  const ok: ServicePortModel[] = [];
  const skipped: RuleSet['skipped'] = [];
  for (const sp of servicePorts) {
    const reason = servicePortProblem(sp);
    if (reason === undefined) ok.push(sp);
    else skipped.push({ servicePort: `${String(sp.namespace)}/${String(sp.name)}`, reason });
  }
  const key = (sp: ServicePortModel) => `${servicePortName(sp)}/${sp.protocol}`;
  ok.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  return { ok, skipped };
}

function contextFor(options: RenderOptions): RenderContext {
  const mark = options.masqueradeMark ?? DEFAULT_MASQUERADE_MARK;
  if (!/^0x[0-9a-f]{1,8}$/.test(mark)) throw new Error(`masquerade mark ${JSON.stringify(mark)} is not a hex mark`);
  if (options.clusterCIDR !== undefined && !isIPv4Cidr(options.clusterCIDR)) throw new Error(`cluster CIDR ${JSON.stringify(options.clusterCIDR)} is not an IPv4 CIDR`);
  return { nat: new RuleTable('nat'), filter: new RuleTable('filter'), mark, clusterCIDR: options.clusterCIDR };
}

/** Partitions host ports into those fit for rules and those skipped. */
function admitHostPorts(mappings: HostPortMapping[]): { ok: HostPortMapping[]; skipped: RuleSet['skipped'] } {
  const checked = mappings.map((m) => ({ m, reason: hostPortProblem(m) }));
  return {
    ok: checked.filter((c) => c.reason === undefined).map((c) => c.m),
    skipped: checked.flatMap(({ m, reason }) => (reason === undefined ? [] : [{ servicePort: `pod ${m.pod} hostPort ${m.hostPort}/${m.protocol}`, reason }])),
  };
}

/** The whole rule set for these service ports and host ports. Throws only on invalid options (our own config). */
export function renderRuleSet(servicePorts: ServicePortModel[], options: RenderOptions = {}, hostPorts: HostPortMapping[] = []): RuleSet {
  const ctx = contextFor(options);
  renderTopLevel(ctx);
  const { ok, skipped } = admit(servicePorts);
  for (const sp of ok) renderServicePort(ctx, sp);
  const admitted = admitHostPorts(hostPorts);
  renderHostPorts(ctx, admitted.ok);
  skipped.push(...admitted.skipped);
  renderTail(ctx);
  return {
    text: ctx.filter.render() + ctx.nat.render(),
    chains: { filter: ctx.filter.chains(), nat: ctx.nat.chains() },
    ruleCounts: ruleCounts([ctx.filter, ctx.nat]),
    chainTexts: { filter: ctx.filter.chainTexts(), nat: ctx.nat.chainTexts() },
    skipped,
  };
}

/**
 * The restore input that also deletes `existing` per-service chains this rule set no longer has:
 * each is declared (which flushes it) and then `-X`ed, after every reference to it is rewritten.
 */
export function withStaleChainsDeleted(ruleSet: RuleSet, existing: { filter: string[]; nat: string[] }): string {
  const part = (table: 'filter' | 'nat'): string => {
    const keep = new Set(ruleSet.chains[table]);
    const stale = existing[table].filter((c) => names.isServiceChain(c) && !keep.has(c)).sort();
    const section = sectionOf(ruleSet.text, table);
    if (stale.length === 0) return section;
    const lines = section.split('\n');
    const firstRule = lines.findIndex((l) => l.startsWith('-A ') || l === 'COMMIT');
    lines.splice(firstRule, 0, ...stale.map((c) => `:${c} - [0:0]`));
    const commit = lines.lastIndexOf('COMMIT');
    lines.splice(commit, 0, ...stale.map((c) => `-X ${c}`));
    return lines.join('\n');
  };
  return part('filter') + part('nat');
}

/**
 * The restore input that takes the tables from `previous` (the chains a restore last wrote) to
 * `next` touching only what differs, as kube-proxy's partial syncs do (KEP-3453): chains whose
 * rules changed or that are new are declared (flushed) and rewritten, per-service chains that
 * are gone are flushed and deleted, every other chain is left as it is. '' when nothing differs.
 */
export function changedChainsInput(next: RuleSet, previous: ChainTexts): string {
  return (['filter', 'nat'] as const).map((table) => {
    const now = next.chainTexts[table];
    const before = previous[table];
    const changed = next.chains[table].filter((c) => before.get(c) !== now.get(c));
    const stale = [...before.keys()].filter((c) => !now.has(c) && names.isServiceChain(c)).sort();
    if (changed.length + stale.length === 0) return '';
    const rules = changed.map((c) => now.get(c) ?? '').filter((t) => t !== '');
    return [`*${table}`, ...[...changed, ...stale].map((c) => `:${c} - [0:0]`), ...rules, ...stale.map((c) => `-X ${c}`), 'COMMIT', ''].join('\n');
  }).join('');
}

function sectionOf(text: string, table: 'filter' | 'nat'): string {
  const start = text.indexOf(`*${table}\n`);
  const end = text.indexOf('COMMIT\n', start) + 'COMMIT\n'.length;
  return text.slice(start, end);
}
