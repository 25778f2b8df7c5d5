/**
 * The rules of one service port, as kube-proxy writes them (proxier.go syncProxyRules and
 * writeServiceToEndpointRules): entry rules in PIKUBE-SERVICES / PIKUBE-NODEPORTS, the SVC
 * (Cluster policy), SVL (Local policy) and EXT (external traffic) chains, one SEP chain per
 * endpoint, and filter rules that REJECT (no endpoints) or DROP (no local endpoints).
 * Inputs have passed the whitelist (rule-input-whitelist.ts) before they get here.
 */
import * as names from './chain-names';
import type { RuleTable } from './rule-tables';
import * as model from './service-model';
import type { ServiceEndpoint, ServicePortModel } from './service-model';

export interface RenderContext {
  nat: RuleTable;
  filter: RuleTable;
  mark: string;
  clusterCIDR?: string;
}

/** What kube-proxy derives per service port before writing rules (CategorizeEndpoints and co). */
interface Plan {
  sp: ServicePortModel;
  spName: string;
  proto: string;
  svc: string;
  svl: string;
  ext: string;
  cluster: ServiceEndpoint[];
  local: ServiceEndpoint[];
  hasEndpoints: boolean;
  hasInternal: boolean;
  hasExternal: boolean;
}

function compareEndpoints(a: ServiceEndpoint, b: ServiceEndpoint): number {
  const key = (e: ServiceEndpoint) => e.ip.split('.').map((o) => o.padStart(3, '0')).join('.') + `:${String(e.port).padStart(5, '0')}`;
  return key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
}

function planFor(sp: ServicePortModel): Plan {
  const spName = model.servicePortName(sp);
  const proto = sp.protocol.toLowerCase();
  const ready = sp.endpoints.filter((e) => e.ready).sort(compareEndpoints);
  const cluster = model.usesClusterEndpoints(sp) ? ready : [];
  const local = model.usesLocalEndpoints(sp) ? ready.filter((e) => e.local) : [];
  const hasEndpoints = ready.length > 0;
  const hasInternal = hasEndpoints && (!sp.internalTrafficPolicyLocal || local.length > 0);
  const hasExternal = hasEndpoints && (!model.externalPolicyLocal(sp) || local.length > 0);
  const chain = (kind: 'SVC' | 'SVL' | 'EXT') => names.serviceChain(kind, spName, proto);
  return { sp, spName, proto, svc: chain('SVC'), svl: chain('SVL'), ext: chain('EXT'), cluster, local, hasEndpoints, hasInternal, hasExternal };
}

const hostPort = (e: ServiceEndpoint) => `${e.ip}:${e.port}`;
const sepChain = (p: Plan, e: ServiceEndpoint) => names.endpointChain(p.spName, p.proto, hostPort(e));
const quoted = (text: string) => `"${text}"`;
const match = (p: Plan, ip: string, port: number) => ['-m', p.proto, '-p', p.proto, '-d', ip, '--dport', String(port)];

/** Filter-table target and comment for traffic that has nowhere to go. */
function filterVerdict(p: Plan): { target: string[]; comment: string } {
  if (!p.hasEndpoints) return { target: ['REJECT', '--reject-with', 'icmp-port-unreachable'], comment: quoted(`${p.spName} has no endpoints`) };
  return { target: ['DROP'], comment: quoted(`${p.spName} has no local endpoints`) };
}

function renderClusterIP(ctx: RenderContext, p: Plan): void {
  const internalChain = p.sp.internalTrafficPolicyLocal ? p.svl : p.svc;
  const comment = ['-m', 'comment', '--comment', quoted(`${p.spName} cluster IP`)];
  if (!p.hasInternal) {
    const v = filterVerdict(p);
    ctx.filter.append(names.SERVICES_CHAIN, '-m', 'comment', '--comment', v.comment, ...match(p, p.sp.clusterIP, p.sp.port), '-j', ...v.target);
    return;
  }
  ctx.nat.append(names.SERVICES_CHAIN, ...comment, ...match(p, p.sp.clusterIP, p.sp.port), '-j', internalChain);
  // Off-cluster clients (a static route to the service CIDR via a node) must be masqueraded.
  if (ctx.clusterCIDR !== undefined) ctx.nat.append(internalChain, ...comment, ...match(p, p.sp.clusterIP, p.sp.port), '!', '-s', ctx.clusterCIDR, '-j', names.MARK_MASQ_CHAIN);
}

/** External IPs and load-balancer ingress IPs: captured to EXT, filtered when unusable. */
function renderExternalAddresses(ctx: RenderContext, p: Plan, ips: string[], what: string): void {
  for (const ip of ips) {
    if (p.hasEndpoints) ctx.nat.append(names.SERVICES_CHAIN, '-m', 'comment', '--comment', quoted(`${p.spName} ${what}`), ...match(p, ip, p.sp.port), '-j', p.ext);
    if (p.hasExternal) continue;
    const v = filterVerdict(p);
    ctx.filter.append(names.EXTERNAL_SERVICES_CHAIN, '-m', 'comment', '--comment', v.comment, ...match(p, ip, p.sp.port), '-j', ...v.target);
  }
}

function renderNodePort(ctx: RenderContext, p: Plan): void {
  if (p.sp.nodePort === 0) return;
  const port = String(p.sp.nodePort);
  if (p.hasEndpoints) ctx.nat.append(names.NODEPORTS_CHAIN, '-m', 'comment', '--comment', p.spName, '-m', p.proto, '-p', p.proto, '--dport', port, '-j', p.ext);
  if (p.hasExternal) return;
  const v = filterVerdict(p);
  ctx.filter.append(names.EXTERNAL_SERVICES_CHAIN, '-m', 'comment', '--comment', v.comment, '-m', 'addrtype', '--dst-type', 'LOCAL', '-m', p.proto, '-p', p.proto, '--dport', port, '-j', ...v.target);
}

/** EXT: masquerade (Cluster policy), or keep the client IP and short-circuit local sources (Local). */
function renderExternalChain(ctx: RenderContext, p: Plan): void {
  if (!p.hasEndpoints || !model.externallyAccessible(p.sp)) return;
  const say = (text: string) => ['-m', 'comment', '--comment', quoted(text)];
  if (!model.externalPolicyLocal(p.sp)) {
    ctx.nat.append(p.ext, ...say(`masquerade traffic for ${p.spName} external destinations`), '-j', names.MARK_MASQ_CHAIN);
  } else {
    if (ctx.clusterCIDR !== undefined) ctx.nat.append(p.ext, ...say(`pod traffic for ${p.spName} external destinations`), '-s', ctx.clusterCIDR, '-j', p.svc);
    ctx.nat.append(p.ext, ...say(`masquerade LOCAL traffic for ${p.spName} external destinations`), '-m', 'addrtype', '--src-type', 'LOCAL', '-j', names.MARK_MASQ_CHAIN);
    ctx.nat.append(p.ext, ...say(`route LOCAL traffic for ${p.spName} external destinations`), '-m', 'addrtype', '--src-type', 'LOCAL', '-j', p.svc);
  }
  if (p.hasExternal) ctx.nat.append(p.ext, '-j', model.externalPolicyLocal(p.sp) ? p.svl : p.svc);
}

/** kube-proxy's computeProbability: `%0.10f` of 1/n, n the endpoints not yet passed over. */
export function probability(n: number): string {
  return (1 / n).toFixed(10);
}

/** Affinity checks first, then the statistic spread: rule i matches with 1/(n-i), the last always. */
function renderPolicyChain(ctx: RenderContext, p: Plan, chain: string, endpoints: ServiceEndpoint[]): void {
  if (endpoints.length === 0) return;
  const timeout = p.sp.affinityTimeoutSeconds;
  const say = (e: ServiceEndpoint) => ['-m', 'comment', '--comment', quoted(`${p.spName} -> ${hostPort(e)}`)];
  if (timeout !== undefined) {
    for (const e of endpoints) ctx.nat.append(chain, ...say(e), '-m', 'recent', '--name', sepChain(p, e), '--rcheck', '--seconds', String(timeout), '--reap', '-j', sepChain(p, e));
  }
  endpoints.forEach((e, i) => {
    const spread = i < endpoints.length - 1 ? ['-m', 'statistic', '--mode', 'random', '--probability', probability(endpoints.length - i)] : [];
    ctx.nat.append(chain, ...say(e), ...spread, '-j', sepChain(p, e));
  });
}

/** SEP: hairpin masquerade, affinity bookkeeping, DNAT to the endpoint. */
function renderEndpointChains(ctx: RenderContext, p: Plan): void {
  const seen = new Set<string>();
  for (const e of [...p.cluster, ...p.local]) {
    const chain = sepChain(p, e);
    if (seen.has(chain)) continue;
    seen.add(chain);
    const comment = ['-m', 'comment', '--comment', p.spName];
    ctx.nat.append(chain, ...comment, '-s', e.ip, '-j', names.MARK_MASQ_CHAIN);
    const affinity = p.sp.affinityTimeoutSeconds !== undefined ? ['-m', 'recent', '--name', chain, '--set'] : [];
    ctx.nat.append(chain, ...comment, ...affinity, '-m', p.proto, '-p', p.proto, '-j', 'DNAT', '--to-destination', hostPort(e));
  }
}

/** All rules of one (whitelisted) service port. */
export function renderServicePort(ctx: RenderContext, sp: ServicePortModel): void {
  const p = planFor(sp);
  renderClusterIP(ctx, p);
  renderExternalAddresses(ctx, p, sp.externalIPs, 'external IP');
  renderExternalAddresses(ctx, p, sp.loadBalancerIPs, 'loadbalancer IP');
  renderNodePort(ctx, p);
  renderExternalChain(ctx, p);
  renderPolicyChain(ctx, p, p.svc, p.cluster);
  renderPolicyChain(ctx, p, p.svl, p.local);
  renderEndpointChains(ctx, p);
}
