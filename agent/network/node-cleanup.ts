/**
 * `pikube-agent --cleanup` (kube-proxy's `--cleanup`): removes from the namespace the runner
 * runs in everything the agent programmed there, and nothing else:
 * - in both iptables backends (nft and legacy: the agent follows Docker's backend, which may
 *   have changed since rules were made), every chain named `PIKUBE-…` in any table — the service
 *   proxy's, the pod network's, and any an older version left — and every rule of another chain
 *   (a built-in chain, Docker's DOCKER-USER) that jumps to one. One `iptables-restore --noflush`
 *   per backend, atomic per table: our chains are declared (flushed), the jumps deleted by their
 *   saved spec, then the chains deleted.
 * - every route with our protocol number (`proto 211`) in any table: the routes to the other
 *   nodes' pod CIDRs (table main) and the service CIDR's local route (table local).
 * Docker's chains, its networks and containers are left alone, and so are sysctls (as with
 * kube-proxy). Every step runs even when another fails; failures come back together as one
 * AggregateError. Run it with the agent stopped: a running agent puts its rules back.
 */
import { CHAIN_PREFIX } from './chain-names';
import { runChecked, type CommandRunner } from './command-runner';
import { BACKENDS, type BackendName, type IptablesBackend } from './iptables-backend';
import { parseIptablesSave, type SavedTable } from './iptables-save-parser';
import { ROUTE_PROTOCOL } from './node-routes';

export interface IptablesCleanupPlan {
  /** `iptables-restore --noflush` input; '' when nothing of ours is there. */
  input: string;
  /** Every chain of ours, as `table/chain`. */
  chains: string[];
  /** Every rule of another chain that jumps to one of ours, as `table: -A CHAIN spec`. */
  jumps: string[];
}

export interface BackendCleanup {
  backend: BackendName;
  chains: string[];
  jumps: string[];
}

export interface NodeCleanupReport {
  iptables: BackendCleanup[];
  /** Backends not looked at, with the reason (binaries missing, or the kernel lacks them). */
  skipped: string[];
  /** The routes removed, as `ip -o route show` printed them. */
  routes: string[];
}

function isOurs(chain: string): boolean {
  return chain.startsWith(CHAIN_PREFIX);
}

/** The `-j`/`-g` target of a saved rule spec; quoted strings (comments) cannot fake one. */
export function ruleTarget(spec: string): string | undefined {
  const unquoted = spec.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  return /(?:^| )-[jg] (\S+)/.exec(unquoted)?.[1];
}

function jumpsToOurs(table: SavedTable): string[] {
  return [...table.rules]
    .filter(([chain]) => !isOurs(chain))
    .flatMap(([chain, specs]) => specs.filter((s) => isOurs(ruleTarget(s) ?? '')).map((s) => `${chain} ${s}`));
}

function tablePlan(name: string, table: SavedTable): IptablesCleanupPlan {
  const chains = table.chains.filter(isOurs);
  const jumps = jumpsToOurs(table);
  if (chains.length === 0 && jumps.length === 0) return { input: '', chains: [], jumps: [] };
  const lines = [`*${name}`, ...chains.map((c) => `:${c} - [0:0]`), ...jumps.map((j) => `-D ${j}`), ...chains.map((c) => `-X ${c}`), 'COMMIT', ''];
  return { input: lines.join('\n'), chains: chains.map((c) => `${name}/${c}`), jumps: jumps.map((j) => `${name}: -A ${j}`) };
}

/** What removing everything of ours from one backend takes, from its `iptables-save` output. Pure. */
export function planIptablesCleanup(saveOutput: string): IptablesCleanupPlan {
  const plans = [...parseIptablesSave(saveOutput)].map(([name, table]) => tablePlan(name, table));
  return { input: plans.map((p) => p.input).join(''), chains: plans.flatMap((p) => p.chains), jumps: plans.flatMap((p) => p.jumps) };
}

type SaveResult = { ok: true; text: string } | { ok: false; reason: string };

async function saveAll(run: CommandRunner, backend: IptablesBackend): Promise<SaveResult> {
  try {
    const r = await run(backend.save, []);
    return r.code === 0 ? { ok: true, text: r.stdout } : { ok: false, reason: `${backend.save} exited ${r.code}: ${r.stderr.trim()}` };
  } catch (err: unknown) {
    return { ok: false, reason: `${backend.save}: ${(err as Error).message}` };
  }
}

async function leftovers(run: CommandRunner, backend: IptablesBackend): Promise<IptablesCleanupPlan> {
  const after = await saveAll(run, backend);
  if (!after.ok) throw new Error(`iptables (${backend.name}): cannot read the tables back: ${after.reason}`);
  return planIptablesCleanup(after.text);
}

async function cleanupBackend(run: CommandRunner, backend: IptablesBackend, saved: string): Promise<BackendCleanup> {
  const plan = planIptablesCleanup(saved);
  if (plan.input !== '') await runChecked(run, backend.restore, ['-w', '5', '--noflush'], plan.input);
  const left = await leftovers(run, backend);
  if (left.input !== '') throw new Error(`iptables (${backend.name}): still present after cleanup: ${[...left.chains, ...left.jumps].join(', ')}`);
  return { backend: backend.name, chains: plan.chains, jumps: plan.jumps };
}

/** The backends to clean with their saved tables: nft and legacy, or the plain `iptables` when neither answers. */
async function usableBackends(run: CommandRunner, report: NodeCleanupReport): Promise<{ backend: IptablesBackend; text: string }[]> {
  const usable: { backend: IptablesBackend; text: string }[] = [];
  for (const backend of [BACKENDS.nft, BACKENDS.legacy]) {
    const saved = await saveAll(run, backend);
    if (saved.ok) usable.push({ backend, text: saved.text });
    else report.skipped.push(saved.reason);
  }
  if (usable.length > 0) return usable;
  const fallback = await saveAll(run, BACKENDS.default);
  if (!fallback.ok) throw new Error(`no usable iptables: ${[...report.skipped, fallback.reason].join('; ')}`);
  return [{ backend: BACKENDS.default, text: fallback.text }];
}

async function cleanupIptables(run: CommandRunner, report: NodeCleanupReport, errors: Error[]): Promise<void> {
  for (const { backend, text } of await usableBackends(run, report)) {
    await collect(errors, async () => void report.iptables.push(await cleanupBackend(run, backend, text)));
  }
}

const SHOW_OUR_ROUTES = ['-4', '-o', 'route', 'show', 'table', 'all', 'proto', ROUTE_PROTOCOL];

async function ourRoutes(run: CommandRunner): Promise<string[]> {
  return (await runChecked(run, 'ip', SHOW_OUR_ROUTES)).split('\n').map((l) => l.trim()).filter((l) => l !== '');
}

/** Flushes our routes from every table; only routes carrying our protocol number match. */
async function cleanupRoutes(run: CommandRunner, report: NodeCleanupReport): Promise<void> {
  const routes = await ourRoutes(run);
  if (routes.length > 0) await runChecked(run, 'ip', ['-4', 'route', 'flush', 'table', 'all', 'proto', ROUTE_PROTOCOL]);
  const left = await ourRoutes(run);
  if (left.length > 0) throw new Error(`routes: still present after flush: ${left.join('; ')}`);
  report.routes.push(...routes);
}

async function collect(errors: Error[], step: () => Promise<void>): Promise<void> {
  try {
    await step();
  } catch (err: unknown) {
    errors.push(err instanceof Error ? err : new Error(String(err)));
  }
}

/** Removes every rule, chain and route of ours; rejects with an AggregateError naming what is left. */
export async function cleanupNode(run: CommandRunner): Promise<NodeCleanupReport> {
  const report: NodeCleanupReport = { iptables: [], skipped: [], routes: [] };
  const errors: Error[] = [];
  await collect(errors, () => cleanupIptables(run, report, errors));
  await collect(errors, () => cleanupRoutes(run, report));
  // With PIKUBE-FIREWALL gone, route_localnet would expose 127.0.0.1 services to the LAN (CVE-2020-8558).
  await collect(errors, async () => void (await runChecked(run, 'sysctl', ['-w', 'net.ipv4.conf.all.route_localnet=0'])));
  if (errors.length > 0) throw new AggregateError(errors, `cleanup incomplete: ${errors.map((e) => e.message).join('; ')}`);
  return report;
}

/** One line per backend and one for the routes, for the command's output. */
export function describeCleanup(report: NodeCleanupReport): string[] {
  const backends = report.iptables.map((b) =>
    b.chains.length + b.jumps.length === 0 ? `iptables (${b.backend}): nothing of ours` : `iptables (${b.backend}): removed ${b.chains.length} chains and ${b.jumps.length} jumps`);
  const routes = report.routes.length === 0 ? 'routes: nothing of ours' : `routes: removed ${report.routes.map((r) => `"${r}"`).join(', ')}`;
  return [...backends, ...report.skipped.map((s) => `skipped ${s}`), routes];
}
