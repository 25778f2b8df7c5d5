/**
 * The pod network end to end (DESIGN.md Networking, like flannel host-gw): a pod on pi2
 * reaches a pod on pi1 by its pod IP, and the server sees the client's own pod IP (no
 * masquerade between pods). Pod IPs lie in their node's spec.podCIDR.
 */
import assert from 'node:assert/strict';
import { startTestCluster, type TestCluster } from '../support/cluster-fixture';
import type { CommandResult } from '../../scripts/cluster/run-command';
import { until } from '../../scripts/cluster/wait-until';
import { contains, parseCidr } from '../../agent/network/ipv4-cidr';

const SERVER = `apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  terminationGracePeriodSeconds: 1
  nodeSelector: { kubernetes.io/hostname: pi1 }
  containers:
    - name: httpd
      image: pikube/busybox:latest
      imagePullPolicy: IfNotPresent
      command: ["sh", "-c", "mkdir -p /www && echo hello-from-pi1 > /www/index.html && exec httpd -f -v -p 8080 -h /www"]
`;

const CLIENT = `apiVersion: v1
kind: Pod
metadata:
  name: client
spec:
  terminationGracePeriodSeconds: 1
  nodeName: pi2
  containers:
    - name: main
      image: pikube/busybox:latest
      imagePullPolicy: IfNotPresent
      command: ["sleep", "3600"]
`;

interface PodView {
  spec?: { nodeName?: string };
  status?: { phase?: string; podIP?: string };
}

describe('pod network across nodes', function () {
  this.timeout(120_000);
  let tc: TestCluster;

  const kubectl = (args: string[], input?: string): Promise<CommandResult> => tc.kubectl(args, { input, timeoutMs: 30_000 });
  const ok = async (args: string[], input?: string): Promise<string> => {
    const res = await kubectl(args, input);
    assert.equal(res.code, 0, `kubectl ${args.join(' ')} exited ${res.code}: ${res.stderr}`);
    return res.stdout;
  };
  const getPod = async (name: string): Promise<PodView> => JSON.parse(await ok(['get', 'pod', name, '-o', 'json'])) as PodView;
  const running = async (name: string): Promise<PodView> => {
    let last: PodView | undefined;
    return until(async () => ((last = await getPod(name)).status?.phase === 'Running' && last.status?.podIP ? last : undefined), {
      timeoutMs: 90_000, intervalMs: 500, describe: () => `pod ${name}: ${JSON.stringify(last?.status)}`,
    });
  };
  const podCidrOf = async (node: string): Promise<string> => ok(['get', 'node', node, '-o', 'jsonpath={.spec.podCIDR}']);

  let server: PodView;
  let client: PodView;

  before(async function () {
    this.timeout(300_000);
    tc = await startTestCluster();
    await ok(['apply', '-f', '-'], [SERVER, CLIENT].join('---\n'));
    server = await running('web');
    client = await running('client');
  });

  after(async function () {
    this.timeout(120_000);
    if (tc) await tc.down();
  });

  it("gives each pod an IP from its node's pod CIDR", async () => {
    for (const [pod, node] of [[server, 'pi1'], [client, 'pi2']] as const) {
      assert.equal(pod.spec?.nodeName, node);
      const cidr = await podCidrOf(node);
      assert.ok(contains(parseCidr(cidr)!, parseCidr(pod.status?.podIP ?? '')!), `pod IP ${pod.status?.podIP} on ${node} not in ${cidr}`);
    }
    assert.notEqual(await podCidrOf('pi1'), await podCidrOf('pi2'));
    const wide = await ok(['get', 'pods', '-o', 'wide']);
    assert.match(wide, new RegExp(`web\\s.*${server.status?.podIP?.replace(/\./g, '\\.')}\\s+pi1`));
  });

  it("reaches a pod on another node by its pod IP, seen from the client's own pod IP", async () => {
    const request = `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 3 ${server.status?.podIP} 8080`;
    let last: CommandResult | undefined;
    await until(async () => /hello-from-pi1/.test((last = await kubectl(['exec', 'client', '--', 'sh', '-c', request])).stdout), {
      timeoutMs: 30_000, intervalMs: 1000, describe: () => `exec: ${JSON.stringify(last)}`,
    });
    let logs = '';
    await until(async () => (logs = await ok(['logs', 'web'])).includes(client.status?.podIP ?? '?'), {
      timeoutMs: 10_000, describe: () => `httpd log ${JSON.stringify(logs)} does not name the client ${client.status?.podIP}`,
    });
  });
});
