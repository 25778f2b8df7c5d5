/**
 * Finds and removes what simulated clusters left behind when their owner died (a test run
 * killed mid-way, an interrupted `npm start`): first whole clusters from the registry, then
 * stray namespaces, interfaces, cgroups and subnet claims bearing our prefix and the id of
 * no live cluster. Anything without our prefix is never touched; a live cluster (its owner
 * process runs, or it was detached by `npm start` and its state file still names it) neither.
 *
 * Run as a program, it sweeps and prints what it removed; with `--check` it only lists the
 * traces of clusters that are not live and exits 1 if there are any.
 */
import { readdirSync, rmSync, statSync } from 'node:fs';
import { deleteNetns, listNetns } from './netns';
import { runCommand } from './run-command';
import { FIXTURE_NETNS, OWN_CGROUP, OWN_NAME } from './cluster-names';
import { listRegistry, ownerAlive, type RegistryEntry } from './cluster-state';
import { releaseLanSubnet, subnetClaims } from './lan-subnet';
import { processesInNetns, stopAll } from './process-search';
import { hierarchyRoots, removeCgroup } from './cgroup-dirs';
import { unmountUnder } from './mounts';
import { downCluster } from './cluster';

/** A registry entry without a state file is a cluster still registering, unless it is older than this. */
const REGISTERING_GRACE_MS = 120_000;

function isLive(entry: RegistryEntry): boolean {
  if (entry.state) return ownerAlive(entry.state);
  try {
    return Date.now() - statSync(entry.dir).mtimeMs < REGISTERING_GRACE_MS;
  } catch {
    return false;
  }
}

/** Ids of the clusters that are live now. */
export function liveClusterIds(): Set<string> {
  return new Set(listRegistry().filter(isLive).map((e) => e.id));
}

async function removeDeadEntry(entry: RegistryEntry, report: (l: string) => void): Promise<void> {
  if (entry.state) {
    report(`removing cluster ${entry.id} (owner gone; state ${entry.state.stateFile})`);
    await downCluster(entry.state);
    return;
  }
  report(`removing half-registered cluster ${entry.id}`);
  const left = await unmountUnder(entry.dir);
  if (left.length === 0) rmSync(entry.dir, { recursive: true, force: true });
}

/** A test fixture's namespace whose test process has ended (cluster-names.ts). */
function fixtureOwnerGone(netns: string): boolean {
  const match = FIXTURE_NETNS.exec(netns);
  const pid = Number(match?.[1] ?? match?.[2]);
  if (!match || !Number.isSafeInteger(pid)) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** Our namespaces / interfaces / cgroups / claims whose cluster is not live. */
export interface Strays {
  netns: string[];
  links: string[];
  cgroups: string[];
  claims: { subnet: string; id: string }[];
}

async function hostLinks(): Promise<string[]> {
  const { stdout } = await runCommand('ip', ['-o', 'link', 'show'], { allowFailure: true });
  return stdout.split('\n').map((l) => /^\d+:\s+([^:@\s]+)/.exec(l)?.[1]).filter((n): n is string => n !== undefined);
}

function ownCgroups(): string[] {
  return [...new Set(hierarchyRoots().flatMap((root) => readdirSync(root)).filter((n) => OWN_CGROUP.test(n)))];
}

/**
 * Traces whose cluster is not among `keptIds()`. The traces are listed first and the kept
 * ids asked for after: a cluster registers (its registry entry) before it makes any trace,
 * so a cluster starting meanwhile, in another test process, is always among the kept ids
 * when one of its traces was seen; asked the other way round, its fresh subnet claim or
 * interface would look stray and be taken from it.
 */
export async function findStrays(keptIds: () => Set<string> = liveClusterIds): Promise<Strays> {
  const traces = {
    netns: await listNetns(), links: await hostLinks(), cgroups: ownCgroups(), claims: [...subnetClaims()],
  };
  const kept = keptIds();
  const dead = (name: string, pattern: RegExp): boolean => {
    const match = pattern.exec(name);
    const id = match?.[1] ?? match?.[2];
    return id !== undefined && !kept.has(id);
  };
  return {
    netns: traces.netns.filter((n) => dead(n, OWN_NAME) || fixtureOwnerGone(n)),
    links: traces.links.filter((n) => dead(n, OWN_NAME)),
    cgroups: traces.cgroups.filter((n) => dead(n, OWN_CGROUP)),
    claims: traces.claims.filter(([, id]) => !kept.has(id)).map(([subnet, id]) => ({ subnet, id })),
  };
}

async function removeStrays(strays: Strays, report: (l: string) => void): Promise<void> {
  for (const ns of strays.netns) {
    report(`removing stray namespace ${ns}`);
    await stopAll(processesInNetns(ns));
    await deleteNetns(ns);
  }
  for (const link of strays.links) {
    report(`removing stray interface ${link}`);
    await runCommand('ip', ['link', 'delete', link], { allowFailure: true });
  }
  for (const name of strays.cgroups) {
    const kept = await removeCgroup(name);
    report(`removing stray cgroup ${name}${kept.length > 0 ? ` (not empty, kept: ${kept.join(', ')})` : ''}`);
  }
  for (const claim of strays.claims) releaseLanSubnet(claim.subnet, claim.id);
}

/**
 * Removes every cluster of ours whose owner is gone, then stray traces. Returns the problems
 * met (things that could not be removed); an empty list means the machine is clean of leftovers.
 */
export async function cleanLeftovers(report: (l: string) => void = () => undefined): Promise<string[]> {
  const problems: string[] = [];
  for (const entry of listRegistry().filter((e) => !isLive(e))) {
    await removeDeadEntry(entry, report).catch((err: unknown) => problems.push(String(err instanceof Error ? err.message : err)));
  }
  // Entries whose teardown failed stay in the registry; their traces are not strays.
  await removeStrays(await findStrays(() => new Set(listRegistry().map((e) => e.id))), report);
  return problems;
}

function describeStrays(s: Strays): string[] {
  return [
    ...s.netns.map((n) => `namespace ${n}`), ...s.links.map((l) => `interface ${l}`),
    ...s.cgroups.map((c) => `cgroup ${c}`), ...s.claims.map((c) => `subnet claim ${c.subnet} (${c.id})`),
  ];
}

/** Traces of clusters that are not live: dead registry entries and strays. */
export async function remainingLeftovers(): Promise<string[]> {
  const dead = listRegistry().filter((e) => !isLive(e)).map((e) => `cluster ${e.id} (${e.state?.stateFile ?? 'no state'})`);
  return [...dead, ...describeStrays(await findStrays())];
}

async function main(): Promise<void> {
  if (process.argv.includes('--check')) {
    const left = await remainingLeftovers();
    left.forEach((l) => console.error(`leftover: ${l}`));
    process.exitCode = left.length > 0 ? 1 : 0;
    return;
  }
  const problems = await cleanLeftovers((l) => console.log(l));
  problems.forEach((p) => console.error(p));
  process.exitCode = problems.length > 0 ? 1 : 0;
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  });
}
