/**
 * hostPort end to end on two simulated Pis (issue 15), with the course notes' manifest (a
 * `liveness-port` with `containerPort: 8080, hostPort: 8080` that the liveness and startup
 * probes use): the port answers on the pod's node address from the LAN (this machine) and from
 * the other node; a second pod with the same hostPort is placed on the other node, a third
 * stays Pending with the NodePorts filter's FailedScheduling event and is placed once the
 * first pod is deleted, the port then answering for it. An agent restart never takes the port
 * down, and rules flushed by hand while the agent is down are back once it restarts.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { withTestCluster } from '../support/cluster-fixture';
import { kubectlOk } from '../support/kubectl-pods';
import { httpGet } from '../support/lan-http-get';
import { startAgent, stopAgentOf } from '../../scripts/cluster/cluster';
import { inNetns } from '../../scripts/cluster/netns';
import { until } from '../../scripts/cluster/wait-until';
import { kubectlVersion, runKubectl } from '../../scripts/cluster/kubectl';

/** The notes' probe example, with an image the simulated nodes have: httpd answers /healthz with the pod's name. */
const seedPod = (name: string): string => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  labels: { test: liveness }
spec:
  terminationGracePeriodSeconds: 1
  containers:
    - name: liveness
      image: pikube/busybox:latest
      imagePullPolicy: IfNotPresent
      command: ["sh", "-c", "mkdir -p /www && echo ${name} > /www/healthz && exec httpd -f -p 8080 -h /www"]
      ports:
        - name: liveness-port
          containerPort: 8080
          hostPort: 8080
      livenessProbe:
        httpGet:
          path: /healthz
          port: liveness-port
        failureThreshold: 1
        periodSeconds: 10
      startupProbe:
        httpGet:
          path: /healthz
          port: liveness-port
        failureThreshold: 30
        periodSeconds: 1
  # Kubernetes' default 300 s (the simulated cluster's are seconds): the agent restart below must not evict it.
  tolerations:
    - { key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 300 }
    - { key: node.kubernetes.io/not-ready, operator: Exists, effect: NoExecute, tolerationSeconds: 300 }
`;

interface PodView {
  spec: { nodeName?: string };
  status?: { phase?: string; conditions?: { type: string; status: string }[] };
}

interface EventView {
  reason?: string;
  message?: string;
}

describe('hostPort', function () {
  this.timeout(180_000);
  const cluster = withTestCluster({ nodes: ['pi1', 'pi2'] });
  const placed: Record<string, string> = {};

  const ok = (args: string[], input?: string): Promise<string> => kubectlOk(cluster.get(), args, input);
  const getPod = async (name: string): Promise<PodView> => JSON.parse(await ok(['get', 'pod', name, '-o', 'json'])) as PodView;
  const ready = async (name: string): Promise<PodView> => {
    let last: PodView | undefined;
    return until(async () => {
      last = await getPod(name);
      return last.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? last : undefined;
    }, { timeoutMs: 90_000, intervalMs: 500, describe: () => `pod ${name} not Ready: ${JSON.stringify(last)}` });
  };
  const ipOf = (node: string): string => cluster.get().nodes.find((n) => n.name === node)?.ip ?? assert.fail(`no node ${node}`);
  const answers = (url: string, body: string, timeoutMs = 20_000) => until(async () => (await httpGet(url).catch(() => '')) === body, { timeoutMs, intervalMs: 500, describe: () => `GET ${url} did not answer ${body}` });

  it('accepts the notes\' manifest and publishes hostPort 8080 on the node address, for the LAN and the other node', async () => {
    await ok(['apply', '-f', '-'], seedPod('hp-a'));
    placed['hp-a'] = (await ready('hp-a')).spec.nodeName ?? '';
    const url = `http://${ipOf(placed['hp-a'])}:8080/healthz`;
    await answers(url, 'hp-a');
    const other = placed['hp-a'] === 'pi1' ? 'pi2' : 'pi1';
    const fromOther = await inNetns(cluster.get().nodes.find((n) => n.name === other)?.netns ?? '', 'busybox', ['timeout', '3', 'busybox', 'wget', '-q', '-O', '-', url], { allowFailure: true });
    assert.equal(fromOther.stdout.trim(), 'hp-a', `from ${other}: ${fromOther.stderr}`);
  });

  it('places a second pod with the same hostPort on the other node, and keeps a third Pending with the NodePorts event', async () => {
    await ok(['apply', '-f', '-'], seedPod('hp-b'));
    placed['hp-b'] = (await ready('hp-b')).spec.nodeName ?? '';
    assert.notEqual(placed['hp-b'], placed['hp-a']);
    await answers(`http://${ipOf(placed['hp-b'])}:8080/healthz`, 'hp-b');
    await ok(['apply', '-f', '-'], seedPod('hp-c'));
    let events: EventView[] = [];
    await until(async () => {
      events = (JSON.parse(await ok(['get', 'events', '--field-selector', 'involvedObject.name=hp-c', '-o', 'json'])) as { items: EventView[] }).items;
      return events.some((e) => e.reason === 'FailedScheduling');
    }, { timeoutMs: 30_000, intervalMs: 500, describe: () => `events: ${JSON.stringify(events)}` });
    assert.match(events.find((e) => e.reason === 'FailedScheduling')?.message ?? '', /0\/2 nodes are available: 2 node\(s\) didn't have free ports for the requested pod ports/);
    const pod = await getPod('hp-c');
    assert.equal(pod.status?.phase, 'Pending');
    assert.equal(pod.spec.nodeName, undefined);
  });

  it('schedules the waiting pod in a deleted one\'s place, the port now reaching it', async () => {
    await ok(['delete', 'pod', 'hp-a', '--wait=true']);
    placed['hp-c'] = (await ready('hp-c')).spec.nodeName ?? '';
    assert.equal(placed['hp-c'], placed['hp-a']);
    await answers(`http://${ipOf(placed['hp-c'])}:8080/healthz`, 'hp-c');
  });

  it('keeps answering while the agent restarts: its first restore keeps the running pod\'s host port', async () => {
    const node = placed['hp-b'];
    const url = `http://${ipOf(node)}:8080/healthz`;
    const log = path.join(cluster.get().cluster.logDir, `${node}-agent.log`);
    const fullRestores = (): number => (readFileSync(log, 'utf8').match(/full iptables restore/g) ?? []).length;
    const before = fullRestores();
    const wrong: string[] = [];
    const ask = async (): Promise<void> => {
      const body = await httpGet(url).catch((err: Error) => err.message);
      if (body !== 'hp-b') wrong.push(body);
    };
    await stopAgentOf(cluster.get().cluster, node, 'SIGKILL');
    startAgent(cluster.get().cluster, node);
    await until(async () => (await ask(), fullRestores() > before), { timeoutMs: 60_000, intervalMs: 200, describe: () => `no full restore by the restarted agent of ${node}` });
    for (let i = 0; i < 10; i++) await ask();
    assert.deepEqual(wrong, []);
  });

  it('puts the rules back when the agent restarts after they were flushed by hand', async () => {
    const node = placed['hp-b'];
    const ns = cluster.get().nodes.find((n) => n.name === node)?.netns ?? '';
    await stopAgentOf(cluster.get().cluster, node, 'SIGKILL');
    const binary = /^-A PIKUBE-HOSTPORTS /m.test((await inNetns(ns, 'iptables-save', ['-t', 'nat'], { allowFailure: true })).stdout) ? 'iptables' : 'iptables-legacy';
    await inNetns(ns, binary, ['-t', 'nat', '-F', 'PIKUBE-HOSTPORTS']);
    await assert.rejects(httpGet(`http://${ipOf(node)}:8080/healthz`), 'answered with the rules flushed');
    startAgent(cluster.get().cluster, node);
    await answers(`http://${ipOf(node)}:8080/healthz`, 'hp-b', 60_000);
  });

  for (const version of ['1.27', '1.30', '1.33'] as const) {
    it(`takes the notes' manifest with its hostPort from kubectl ${version} (a server-side dry run)`, async () => {
      const res = await runKubectl(cluster.get().kubeconfig, ['apply', '--dry-run=server', '-f', '-', '-o', 'jsonpath={.spec.containers[0].ports[0].hostPort}'],
        { input: seedPod(`hp-${version.replace('.', '-')}`), timeoutMs: 30_000, binary: kubectlVersion(version) });
      assert.equal(res.code, 0, res.stderr);
      assert.equal(res.stdout.trim(), '8080');
    });
  }
});
