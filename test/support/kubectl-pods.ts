/**
 * Reading pods as a user does, through `kubectl get pods` columns, for e2e tests: polls with
 * a deadline and reports the last row seen when the wait fails.
 */
import assert from 'node:assert/strict';
import { until } from '../../scripts/cluster/wait-until';
import type { CommandResult } from '../../scripts/cluster/run-command';
import type { TestCluster } from './cluster-fixture';

/** READY, STATUS and RESTARTS of one `kubectl get pods` row ("1 (5s ago)" → 1). */
export interface PodRow {
  ready: string;
  status: string;
  restarts: number;
}

export function succeeded(res: CommandResult, what: string): string {
  assert.equal(res.code, 0, `${what} failed (${res.code}): ${res.stderr}`);
  return res.stdout;
}

/** kubectl that must succeed; returns its stdout. */
export async function kubectlOk(tc: TestCluster, args: string[], input?: string): Promise<string> {
  return succeeded(await tc.kubectl(args, { input }), `kubectl ${args.join(' ')}`);
}

export async function podRows(tc: TestCluster): Promise<Map<string, PodRow>> {
  const out = await kubectlOk(tc, ['get', 'pods', '--no-headers']);
  return new Map(out.trim().split('\n').filter(Boolean).map((line) => {
    const [name, ready, status, restarts] = line.trim().split(/\s+/);
    return [name, { ready, status, restarts: Number(restarts) }];
  }));
}

/** Waits until the pod's row satisfies `ok`; returns that row. */
export async function waitPodRow(tc: TestCluster, name: string, ok: (r: PodRow) => boolean, timeoutMs = 90_000): Promise<PodRow> {
  let last: PodRow | undefined;
  return until(async () => {
    last = (await podRows(tc)).get(name);
    return last && ok(last) ? last : undefined;
  }, { timeoutMs, intervalMs: 500, describe: () => `${name}: ${JSON.stringify(last)}` });
}
