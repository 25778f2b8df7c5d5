/**
 * Stands in for the kubelets of a control-plane-only test: every live pod that is not yet Ready
 * is written Running and Ready through `…/status`, as an agent reports a started pod, after
 * `delayMs` since the faker first saw it (so a rollout takes steps a test can interrupt). Writes
 * go to the first API in `apis` that answers, so the faker outlives a SIGKILLed replica.
 */
import type { Pod } from '../../api/core-v1';
import type { KubeList } from '../../api/meta';

/** One API call: method, path, JSON body; resolves with the decoded answer or rejects. */
export type ApiCall = <T>(method: string, path: string, body?: unknown) => Promise<T>;

export interface FakeKubelet {
  /** Pods made ready so far (by name). */
  readonly readied: ReadonlySet<string>;
  stop(): Promise<void>;
}

export function startFakeKubelet(apis: () => readonly ApiCall[], opts: { namespace: string; delayMs: number; intervalMs?: number }): FakeKubelet {
  const firstSeen = new Map<string, number>();
  const readied = new Set<string>();
  let stopped = false;
  const anyApi = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    let last: unknown;
    for (const call of apis()) {
      try {
        return await call<T>(method, path, body);
      } catch (err: unknown) {
        last = err;
      }
    }
    throw last instanceof Error ? last : new Error('no API answered');
  };
  const pass = async (): Promise<void> => {
    const pods = (await anyApi<KubeList<Pod>>('GET', `/api/v1/namespaces/${opts.namespace}/pods`)).items;
    const now = Date.now();
    for (const pod of pods) {
      const name = pod.metadata.name ?? '';
      const key = `${name}/${pod.metadata.uid ?? ''}`;
      if (pod.metadata.deletionTimestamp || isReady(pod)) continue;
      if (!firstSeen.has(key)) firstSeen.set(key, now);
      if (now - (firstSeen.get(key) ?? now) < opts.delayMs) continue;
      await anyApi('PUT', `/api/v1/namespaces/${opts.namespace}/pods/${name}/status`, runningAndReady(pod, new Date(now))).then(() => readied.add(name), () => undefined);
    }
  };
  const loop = (async () => {
    while (!stopped) {
      await pass().catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, opts.intervalMs ?? 50));
    }
  })();
  return {
    readied,
    stop: async () => {
      stopped = true;
      await loop;
    },
  };
}

function isReady(pod: Pod): boolean {
  return pod.status?.phase === 'Running' && (pod.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

function runningAndReady(pod: Pod, now: Date): Pod {
  const at = now.toISOString().replace(/\.\d+Z$/, 'Z');
  const conditions = ['PodScheduled', 'Initialized', 'ContainersReady', 'Ready'].map((type) => ({ type, status: 'True' as const, lastTransitionTime: at }));
  return { ...pod, status: { ...pod.status, phase: 'Running', startTime: at, conditions } };
}
