/**
 * What managedFields' Update entries cost the write path (issue 15 against issue 9's CPU goal),
 * in process over the memory store, so only the registry's own work is measured: CPU µs per pod
 * create (as `kubectl-create`) and per pod status update (as `kubelet`, the agents' most frequent
 * write), the median of `--rounds` rounds of `--pods` each; then the ownership computation alone
 * (field-diff.ts + update-ownership.ts) for the same two writes. Run it from a tree without Update
 * entries for the "before" figures (the last part then says n/a).
 *
 *   node dist/scripts/bench/ownership-cost.js [--pods 2000] [--rounds 5]
 */
import type { Pod } from '../../api/core-v1';
import type { KubeObject } from '../../api/meta';
import { Registry } from '../../control-plane/registry/registry';
import { MemoryStore } from '../../control-plane/store/memory-store';
import { benchPod } from './api-load-objects';
import { integerOption } from './integer-option';

interface Options {
  pods: number;
  rounds: number;
}

function parseOptions(argv: readonly string[]): Options {
  const value = (flag: string, fallback: string): string => {
    const i = argv.indexOf(flag);
    return i >= 0 ? (argv[i + 1] ?? '') : fallback;
  };
  return { pods: integerOption(value('--pods', '2000'), '--pods', 10, 100_000), rounds: integerOption(value('--rounds', '5'), '--rounds', 1, 50) };
}

/** CPU µs per call of `step(i)` for i < n. */
async function cpuMicrosPer(n: number, step: (i: number) => Promise<unknown> | unknown): Promise<number> {
  const start = process.cpuUsage();
  for (let i = 0; i < n; i++) await step(i);
  const used = process.cpuUsage(start);
  return (used.user + used.system) / n;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** A Running status with a pod IP and ready conditions, as an agent reports one; `i` varies the restart count so each write changes something. */
function runningStatus(pod: Pod, i: number): Pod {
  const now = '2026-12-08T01:00:00Z';
  const conditions = ['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => ({ type, status: 'True', lastTransitionTime: now }));
  const containerStatuses = [{ name: 'web', ready: true, restartCount: i, image: 'pikube/busybox:latest', imageID: 'docker://sha256:1', containerID: `docker://${i}`, started: true, state: { running: { startedAt: now } } }];
  return { ...pod, status: { ...pod.status, phase: 'Running', podIP: '10.42.0.9', hostIP: '192.168.50.2', startTime: now, conditions, containerStatuses } } as Pod;
}

async function writePath(options: Options, round: number): Promise<{ create: number; status: number }> {
  const registry = new Registry({ store: new MemoryStore() });
  const ns = `bench-${round}`;
  await registry.create('namespaces', undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  const name = (i: number): string => `p-${i}`;
  const create = await cpuMicrosPer(options.pods, (i) => registry.create('pods', ns, benchPod(name(i)), { fieldManager: 'kubectl-create' }));
  const status = await cpuMicrosPer(options.pods, (i) =>
    registry.guaranteedUpdate<Pod>('pods', ns, name(i), (pod) => runningStatus(pod, i), { subresource: 'status', fieldManager: 'kubelet' }));
  return { create, status };
}

interface OwnershipModules {
  fieldChanges(before: Record<string, unknown> | undefined, after: Record<string, unknown>, schema: unknown, tracked: (member: string) => boolean): { changed: unknown[]; removed: unknown[] };
  updateOwnership(base: readonly unknown[], changes: unknown, writer: { manager: string; apiVersion: string; subresource?: string; now: Date }): unknown[];
  kindPatchSchema(key: string): unknown;
}

/** The ownership modules of this tree; undefined in a tree without them. */
function ownershipModules(): OwnershipModules | undefined {
  try {
    const diff = require('../../control-plane/registry/field-diff') as Pick<OwnershipModules, 'fieldChanges'>;
    const update = require('../../control-plane/registry/update-ownership') as Pick<OwnershipModules, 'updateOwnership'>;
    const meta = require('../../control-plane/apiserver/patch/patch-meta') as Pick<OwnershipModules, 'kindPatchSchema'>;
    return { ...diff, ...update, ...meta };
  } catch {
    return undefined;
  }
}

/** The ownership computation alone, for a create and a status update of a stored bench pod. */
async function ownershipAlone(modules: OwnershipModules, n: number): Promise<{ create: number; status: number }> {
  const registry = new Registry({ store: new MemoryStore() });
  await registry.create('namespaces', undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'alone' } });
  const stored = await registry.create<Pod>('pods', 'alone', benchPod('p'), { fieldManager: 'kubectl-create' });
  const schema = modules.kindPatchSchema('v1/Pod');
  const asJson = (o: KubeObject): Record<string, unknown> => o as unknown as Record<string, unknown>;
  const now = new Date();
  const create = await cpuMicrosPer(n, () => modules.updateOwnership([], modules.fieldChanges(undefined, asJson(stored), schema, (m) => m !== 'status'), { manager: 'kubectl-create', apiVersion: 'v1', now }));
  const next = runningStatus(stored, 1);
  const status = await cpuMicrosPer(n, () => modules.updateOwnership(stored.metadata.managedFields ?? [], modules.fieldChanges(asJson(stored), asJson(next), schema, (m) => m === 'status'), { manager: 'kubelet', apiVersion: 'v1', subresource: 'status', now }));
  return { create, status };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  await writePath({ ...options, pods: Math.min(options.pods, 500) }, -1); // warm-up
  const rounds: { create: number; status: number }[] = [];
  for (let r = 0; r < options.rounds; r++) rounds.push(await writePath(options, r));
  const fmt = (us: number): string => us.toFixed(1);
  console.log(`registry over the memory store, ${options.pods} pods, median of ${options.rounds} rounds (CPU µs per write):`);
  console.log(`  pod create (kubectl-create)         ${fmt(median(rounds.map((x) => x.create)))}   rounds: ${rounds.map((x) => fmt(x.create)).join(' ')}`);
  console.log(`  pod status update (kubelet, status) ${fmt(median(rounds.map((x) => x.status)))}   rounds: ${rounds.map((x) => fmt(x.status)).join(' ')}`);
  const modules = ownershipModules();
  if (!modules) {
    console.log('  ownership computation alone: n/a (a tree without Update entries)');
    return;
  }
  const alone: { create: number; status: number }[] = [];
  for (let r = 0; r < options.rounds; r++) alone.push(await ownershipAlone(modules, options.pods * 5));
  console.log(`  ownership alone: create ${fmt(median(alone.map((x) => x.create)))} µs, status update ${fmt(median(alone.map((x) => x.status)))} µs`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
