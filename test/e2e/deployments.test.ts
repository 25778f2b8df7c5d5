/**
 * Deployments on two simulated Pis, driven by kubectl as the course notes drive them: a
 * rolling update v1 → v2 of a Deployment with readiness probes behind a NodePort Service that
 * this machine polls all along (never fewer available pods than replicas - maxUnavailable,
 * never a failed request), then `rollout undo`, `rollout history` with the change causes, and
 * the seeds' blue/green switch of one Service between two Deployments by its selector.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { until } from '../../scripts/cluster/wait-until';
import { withTestCluster, type TestCluster } from '../support/cluster-fixture';
import { kubectlOk } from '../support/kubectl-pods';
import { tableRows } from '../support/kubectl-table';

const REPLICAS = 4;
const MAX_UNAVAILABLE = 1;

/** A web server answering its VERSION; ready once it serves; kept serving 2 s after deletion so endpoints leave first. */
function deploymentYaml(name: string, labels: Record<string, string>, version: string, replicas = REPLICAS): string {
  const lines = (indent: string): string => Object.entries(labels).map(([k, v]) => `${indent}${k}: ${v}`).join('\n');
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  annotations:
    kubernetes.io/change-cause: "${name} ${version}"
spec:
  replicas: ${replicas}
  minReadySeconds: 1
  strategy:
    type: RollingUpdate
    rollingUpdate: { maxSurge: 1, maxUnavailable: ${MAX_UNAVAILABLE} }
  selector:
    matchLabels:
${lines('      ')}
  template:
    metadata:
      labels:
${lines('        ')}
    spec:
      terminationGracePeriodSeconds: 5
      containers:
        - name: web
          image: pikube/busybox:latest
          imagePullPolicy: IfNotPresent
          env: [{ name: VERSION, value: "${version}" }]
          command: ["sh", "-c", "mkdir -p /www && echo $VERSION > /www/index.html && exec httpd -f -p 8080 -h /www"]
          readinessProbe:
            httpGet: { path: /, port: 8080 }
            periodSeconds: 1
          lifecycle:
            preStop:
              exec: { command: ["sleep", "2"] }
`;
}

function serviceYaml(name: string, selector: Record<string, string>): string {
  return `apiVersion: v1
kind: Service
metadata:
  name: ${name}
spec:
  type: NodePort
  selector: ${JSON.stringify(selector)}
  ports: [{ port: 80, targetPort: 8080 }]
`;
}

function httpGet(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { timeout: 2000, agent: false }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => (res.statusCode === 200 ? resolve(body.trim()) : reject(new Error(`HTTP ${res.statusCode ?? '?'}`))));
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
  });
}

/** Polls a URL back to back until stopped: every answer and every failure. */
class Poller {
  readonly answers = new Map<string, number>();
  readonly failures: string[] = [];
  private running = true;
  private readonly done: Promise<void>;

  constructor(url: string) {
    this.done = (async () => {
      while (this.running) {
        try {
          const body = await httpGet(url);
          this.answers.set(body, (this.answers.get(body) ?? 0) + 1);
        } catch (err) {
          this.failures.push(`${new Date().toISOString()} ${err instanceof Error ? err.message : String(err)}`);
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.done;
  }
}

describe('Deployments on the simulated cluster', function () {
  this.timeout(240_000);
  const cluster = withTestCluster({ nodes: ['pi1', 'pi2'] });
  const tc = (): TestCluster => cluster.get();
  const kubectl = (...args: string[]): Promise<string> => kubectlOk(tc(), args);
  const nodePort = async (svc: string): Promise<string> => kubectl('get', 'svc', svc, '-o', 'jsonpath={.spec.ports[0].nodePort}');
  const url = async (svc: string): Promise<string> => `http://${tc().nodes[0]?.ip ?? ''}:${await nodePort(svc)}/`;

  /**
   * Watches the Deployment until stopped: the lowest AVAILABLE seen, and a timeline of every
   * change of its ReplicaSets' `spec/available` (what a failure prints, with the probe events).
   */
  function watchAvailability(name: string, labels: string): { stop(): Promise<{ lowest: number; timeline: string[] }> } {
    let lowest = Number.POSITIVE_INFINITY;
    let running = true;
    const timeline: string[] = [];
    const done = (async () => {
      while (running) {
        const [out, rs] = await Promise.all([
          kubectl('get', 'deploy', name, '-o', 'jsonpath={.status.availableReplicas}').catch(() => ''),
          kubectl('get', 'rs', '-l', labels, '-o', 'jsonpath={range .items[*]}{.metadata.name}={.spec.replicas}/{.status.availableReplicas} {end}').catch(() => ''),
        ]);
        if (out !== '') lowest = Math.min(lowest, Number(out));
        const line = `available ${out || '?'}: ${rs.trim()}`;
        if (!timeline.at(-1)?.endsWith(line)) timeline.push(`${new Date().toISOString()} ${line}`);
        await new Promise((r) => setTimeout(r, 150));
      }
    })();
    return { stop: async () => ((running = false), await done, { lowest, timeline }) };
  }

  const rolledOut = async (name: string): Promise<void> => {
    const res = await tc().kubectl(['rollout', 'status', `deployment/${name}`, '--timeout=90s'], { timeoutMs: 100_000 });
    assert.equal(res.code, 0, res.stdout + res.stderr);
  };

  /** Waits until every answer of the Service is `body`. */
  const answersOnly = async (svc: string, body: string): Promise<void> => {
    const u = await url(svc);
    let last: string[] = [];
    await until(async () => {
      last = await Promise.all(Array.from({ length: 6 }, () => httpGet(u).catch((e: Error) => `error ${e.message}`)));
      return last.every((b) => b === body);
    }, { timeoutMs: 60_000, intervalMs: 300, describe: () => `GET ${u}: ${JSON.stringify(last)}, want only ${body}` });
  };

  it('rolls v1 → v2 behind a polled Service without a failed request or availability below replicas - maxUnavailable, then undoes it', async () => {
    assert.equal((await tc().kubectl(['apply', '-f', '-'], { input: deploymentYaml('web', { app: 'web' }, 'v1') + '---\n' + serviceYaml('web', { app: 'web' }) })).code, 0);
    await rolledOut('web');
    await answersOnly('web', 'v1');

    const poller = new Poller(await url('web'));
    const availability = watchAvailability('web', 'app=web');
    await kubectl('set', 'env', 'deployment/web', 'VERSION=v2');
    await kubectl('annotate', 'deployment/web', 'kubernetes.io/change-cause=web v2', '--overwrite');
    await rolledOut('web');
    await answersOnly('web', 'v2');
    await kubectl('rollout', 'undo', 'deployment/web');
    await rolledOut('web');
    await answersOnly('web', 'v1');
    await poller.stop();
    const { lowest, timeline } = await availability.stop();
    if (lowest < REPLICAS - MAX_UNAVAILABLE) {
      console.log(`      ReplicaSets (spec/available) over the rollouts:\n${timeline.map((l) => `        ${l}`).join('\n')}`);
      const events = await kubectl('get', 'events', '-A', '--sort-by=.lastTimestamp');
      console.log(events.split('\n').filter((l) => !/Scheduled|Pulled|Created|Started|ScalingReplicaSet|SuccessfulCreate|SuccessfulDelete|Killing/.test(l)).join('\n'));
    }

    assert.deepEqual(poller.failures, [], 'failed requests during the rollouts');
    assert.ok((poller.answers.get('v1') ?? 0) > 0 && (poller.answers.get('v2') ?? 0) > 0, JSON.stringify([...poller.answers]));
    assert.ok(lowest >= REPLICAS - MAX_UNAVAILABLE, `available fell to ${lowest}`);
    console.log(`      ${[...poller.answers].map(([b, n]) => `${n} × ${b}`).join(', ')}; lowest available ${lowest}/${REPLICAS}`);

    const history = await kubectl('rollout', 'history', 'deployment/web');
    const lines = tableRows(history).slice(2);
    assert.deepEqual(lines, [['2', 'web v2'], ['3', 'web v1']]);
    const rs = await kubectl('get', 'rs', '-l', 'app=web', '--no-headers');
    assert.deepEqual(rs.trim().split('\n').map((l) => l.trim().split(/\s+/).slice(1, 4).join(' ')).sort(), ['0 0 0', `${REPLICAS} ${REPLICAS} ${REPLICAS}`]);
  });

  it('switches one Service between blue and green Deployments by its selector', async () => {
    const blue = deploymentYaml('blue', { app: 'kuard', color: 'blue' }, 'blue', 1);
    const green = deploymentYaml('green', { app: 'kuard', color: 'green' }, 'green', 1);
    assert.equal((await tc().kubectl(['apply', '-f', '-'], { input: `${blue}---\n${green}---\n${serviceYaml('kuard', { app: 'kuard', color: 'blue' })}` })).code, 0);
    await rolledOut('blue');
    await rolledOut('green');
    await answersOnly('kuard', 'blue');
    await kubectl('set', 'selector', 'service', 'kuard', 'app=kuard,color=green');
    await answersOnly('kuard', 'green');
    await kubectl('delete', 'deployment', 'blue', 'green', 'web');
    await until(async () => (await kubectl('get', 'pods', '-o', 'name')).trim() === '', { timeoutMs: 60_000, intervalMs: 500 });
  });
});
