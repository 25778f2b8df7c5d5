/**
 * Sleeping pods placed on chosen nodes (a `kubernetes.io/hostname` node selector, so the
 * scheduler still binds them), created a few at a time, and the wait until all are Running.
 * They tolerate a NotReady or unreachable node for good: on a loaded machine a session may
 * drop for a few seconds, and a bare pod evicted then would never come back.
 */
import { ApiClient } from '../cluster/api-client';
import { until } from '../cluster/wait-until';

const NAMESPACE = 'default';
const CREATE_CONCURRENCY = 10;

/** How many pods each node gets, e.g. { pi1: 10, pi2: 45, pi3: 45 }. */
export type Placement = Record<string, number>;

/**
 * `total` pods: `first` of them on the first node, the rest spread evenly over the others
 * (the first others take one more when it does not divide).
 */
export function placement(nodes: readonly string[], first: number, total: number): Placement {
  if (nodes.length === 0 || first > total) throw new Error(`cannot place ${first} of ${total} pods on ${nodes.length} nodes`);
  const [head, ...rest] = nodes;
  if (rest.length === 0 && first !== total) throw new Error(`one node cannot hold ${first} of ${total} pods`);
  const left = total - first;
  return Object.fromEntries([[head, first], ...rest.map((n, i) => [n, Math.floor(left / rest.length) + (i < left % rest.length ? 1 : 0)])]);
}

function sleepingPod(name: string, label: string, node: string): object {
  return {
    apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { bench: label } },
    spec: {
      terminationGracePeriodSeconds: 1, nodeSelector: { 'kubernetes.io/hostname': node },
      tolerations: ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable'].map((key) => ({ key, operator: 'Exists', effect: 'NoExecute' })),
      containers: [{ name: 'main', image: 'pikube/busybox:latest', imagePullPolicy: 'IfNotPresent', command: ['sleep', '36000'],
        resources: { requests: { cpu: '1m', memory: '4Mi' }, limits: { memory: '16Mi' } } }],
    },
  };
}

async function createAll(api: ApiClient, pods: object[]): Promise<void> {
  const queue = [...pods];
  const worker = async (): Promise<void> => {
    for (let pod = queue.shift(); pod; pod = queue.shift()) await api.request('POST', `/api/v1/namespaces/${NAMESPACE}/pods`, pod);
  };
  await Promise.all(Array.from({ length: CREATE_CONCURRENCY }, worker));
}

async function runningCount(api: ApiClient, label: string): Promise<number> {
  const list = await api.request<{ items: { status?: { phase?: string } }[] }>('GET', `/api/v1/namespaces/${NAMESPACE}/pods?labelSelector=bench%3D${label}`);
  return list.items.filter((p) => p.status?.phase === 'Running').length;
}

/** Creates the pods (labelled bench=<label>) and waits until every one is Running; returns how long that took. */
export async function runPlacedPods(kubeconfig: string, label: string, where: Placement, timeoutMs: number): Promise<number> {
  const api = new ApiClient(kubeconfig);
  const start = performance.now();
  try {
    const pods = Object.entries(where).flatMap(([node, n]) => Array.from({ length: n }, (_, i) => sleepingPod(`${label}-${node}-${i}`, label, node)));
    await createAll(api, pods);
    let running = 0;
    await until(async () => (running = await runningCount(api, label)) === pods.length, { timeoutMs, intervalMs: 1000, describe: () => `${running}/${pods.length} Running` });
    return Math.round(performance.now() - start);
  } finally {
    api.close();
  }
}
