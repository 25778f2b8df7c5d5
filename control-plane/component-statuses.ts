/**
 * The ComponentStatus objects (registry/kinds/component-status.ts), checked when read as
 * kube-apiserver checks them: each etcd endpoint must answer a status call (`etcd-0`, `etcd-1`…
 * in the order of --etcd-endpoints), and the scheduler and the controller manager, which run on
 * the leading replica only, are healthy while some replica holds the leader election. Every
 * check is bounded by the health checks' timeout, so an etcd that is away makes the answer
 * Unhealthy, never slow.
 */
import type { ComponentCondition, ComponentStatus } from '../api/component-status';
import { HEALTH_CHECK_TIMEOUT_MS } from './apiserver/handlers/health';
import type { LiveObjects } from './registry/live-objects';

export interface ComponentChecks {
  etcdEndpoints: readonly string[];
  /** Resolves once the endpoint answers; rejects with the reason it does not. */
  checkEtcd(endpoint: string): Promise<void>;
  /** The identity of the replica leading the scheduler and controllers; undefined when none does. */
  leader(): Promise<string | undefined>;
}

const NO_LEADER = 'no control-plane replica holds the leader election: the scheduler and the controllers run on the leader only';

export function componentStatusSource(checks: ComponentChecks, timeoutMs = HEALTH_CHECK_TIMEOUT_MS): LiveObjects<ComponentStatus> {
  return {
    list: async () => {
      const leading = bounded(checks.leader().then((leader) => {
        if (leader === undefined) throw new Error(NO_LEADER);
      }), timeoutMs, 'the leader election');
      const etcd = checks.etcdEndpoints.map((endpoint, i) => ({ name: `etcd-${i}`, result: bounded(checks.checkEtcd(endpoint), timeoutMs, endpoint) }));
      const all = [{ name: 'controller-manager', result: leading }, ...etcd, { name: 'scheduler', result: leading }];
      return Promise.all(all.map(async ({ name, result }) => componentStatus(name, await result.then(healthy, unhealthy))));
    },
  };
}

function componentStatus(name: string, condition: ComponentCondition): ComponentStatus {
  return { apiVersion: 'v1', kind: 'ComponentStatus', metadata: { name }, conditions: [condition] };
}

function healthy(): ComponentCondition {
  return { type: 'Healthy', status: 'True', message: 'ok' };
}

function unhealthy(err: unknown): ComponentCondition {
  return { type: 'Healthy', status: 'False', error: err instanceof Error ? err.message : String(err) };
}

/** The check, or a rejection naming what did not answer in time. */
function bounded(check: Promise<void>, timeoutMs: number, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([check, expired]).finally(() => clearTimeout(timer));
}
