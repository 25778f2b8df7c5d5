/**
 * Service networking end to end on three simulated Pis (issue 4): a client pod on pi1 reaches
 * pods on pi2 and pi3 through a ClusterIP and through service names, spread over both; named
 * multi-port targets; NodePorts through every node's address, 127.0.0.1 and from the LAN;
 * LoadBalancer ingress; headless, ExternalName and unknown names in cluster DNS; readiness
 * taking a pod out of rotation and back; a selectorless service with manual Endpoints; the
 * kubelet's service environment variables and resolv.conf; drift repair; deletion removing
 * every rule; and DNS plus ClusterIPs still answering with the control plane down.
 */
import assert from 'node:assert/strict';
import { startTestCluster, type TestCluster } from '../support/cluster-fixture';
import { httpGet } from '../support/lan-http-get';
import { startAgent, stopAgentOf, stopControlPlane } from '../../scripts/cluster/cluster';
import { inNetns } from '../../scripts/cluster/netns';
import type { CommandResult } from '../../scripts/cluster/run-command';
import { until } from '../../scripts/cluster/wait-until';

const IMAGE = 'image: pikube/busybox:latest\n      imagePullPolicy: IfNotPresent';

/** httpd on 8080 answering its pod name, and on 9090 `metrics-<name>`; ready while /tmp/ready exists. */
const backend = (name: string, node: string): string => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  labels: { app: web }
spec:
  terminationGracePeriodSeconds: 1
  nodeName: ${node}
  containers:
    - name: httpd
      ${IMAGE}
      command: ["sh", "-c", "mkdir -p /www /m && echo ${name} > /www/index.html && echo metrics-${name} > /m/index.html && touch /tmp/ready && httpd -p 9090 -h /m && exec httpd -f -v -p 8080 -h /www"]
      ports:
        - { name: http, containerPort: 8080 }
        - { name: metrics, containerPort: 9090 }
      readinessProbe:
        exec: { command: ["test", "-f", "/tmp/ready"] }
        periodSeconds: 1
        failureThreshold: 1
`;

const SERVICES = `apiVersion: v1
kind: Service
metadata: { name: web }
spec:
  selector: { app: web }
  ports:
    - { name: http, port: 80, targetPort: http }
    - { name: metrics, port: 9000, targetPort: metrics }
---
apiVersion: v1
kind: Service
metadata: { name: web-np }
spec:
  type: NodePort
  selector: { app: web }
  ports: [{ port: 80, targetPort: 8080 }]
---
apiVersion: v1
kind: Service
metadata: { name: web-lb }
spec:
  type: LoadBalancer
  selector: { app: web }
  ports: [{ port: 8081, targetPort: 8080 }]
---
apiVersion: v1
kind: Service
metadata: { name: web-headless }
spec:
  clusterIP: None
  selector: { app: web }
  ports: [{ name: http, port: 8080 }]
---
apiVersion: v1
kind: Service
metadata: { name: web-local }
spec:
  type: NodePort
  externalTrafficPolicy: Local
  selector: { app: web }
  ports: [{ port: 80, targetPort: 8080 }]
---
apiVersion: v1
kind: Service
metadata: { name: web-sticky }
spec:
  sessionAffinity: ClientIP
  selector: { app: web }
  ports: [{ port: 80, targetPort: 8080 }]
---
apiVersion: v1
kind: Service
metadata: { name: ext }
spec:
  type: ExternalName
  externalName: example.org
`;

const CLIENT = `apiVersion: v1
kind: Pod
metadata: { name: client }
spec:
  terminationGracePeriodSeconds: 1
  nodeName: pi1
  containers:
    - name: main
      ${IMAGE}
      command: ["sleep", "3600"]
`;

/** A StatefulSet-style pod: hostname + subdomain naming the headless service. */
const NAMED_POD = `apiVersion: v1
kind: Pod
metadata:
  name: named
  labels: { app: web }
spec:
  terminationGracePeriodSeconds: 1
  nodeName: pi3
  hostname: web-0
  subdomain: web-headless
  containers:
    - name: httpd
      ${IMAGE}
      command: ["sh", "-c", "mkdir -p /www && echo named > /www/index.html && exec httpd -f -p 8080 -h /www"]
      ports: [{ name: http, containerPort: 8080 }]
`;

const manualService = (ip: string): string => `apiVersion: v1
kind: Service
metadata: { name: manual }
spec:
  ports: [{ port: 80, targetPort: 8080 }]
---
apiVersion: v1
kind: Endpoints
metadata: { name: manual }
subsets:
  - addresses: [{ ip: "${ip}" }]
    ports: [{ port: 8080 }]
`;

interface PodView {
  status?: { phase?: string; podIP?: string; conditions?: { type: string; status: string }[] };
}

interface ServiceView {
  spec: { clusterIP: string; ports: { nodePort?: number; port: number }[] };
  status?: { loadBalancer?: { ingress?: { ip: string }[] } };
}

describe('services across nodes', function () {
  this.timeout(180_000);
  let tc: TestCluster;
  const pods: Record<string, PodView> = {};
  let web: ServiceView;

  const kubectl = (args: string[], input?: string): Promise<CommandResult> => tc.kubectl(args, { input, timeoutMs: 30_000 });
  const ok = async (args: string[], input?: string): Promise<string> => {
    const res = await kubectl(args, input);
    assert.equal(res.code, 0, `kubectl ${args.join(' ')} exited ${res.code}: ${res.stderr}`);
    return res.stdout;
  };
  const getJson = async <T>(args: string[]): Promise<T> => JSON.parse(await ok([...args, '-o', 'json'])) as T;
  const ready = async (name: string): Promise<PodView> => {
    let last: PodView | undefined;
    return until(async () => {
      last = await getJson<PodView>(['get', 'pod', name]);
      return last.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? last : undefined;
    }, { timeoutMs: 90_000, intervalMs: 500, describe: () => `pod ${name} not Ready: ${JSON.stringify(last?.status)}` });
  };
  /** A shell command in the client pod on pi1. */
  const inClient = (script: string): Promise<CommandResult> => kubectl(['exec', 'client', '--', 'sh', '-c', script]);
  /** `n` GETs of `url` from the client; the bodies that came back. */
  const fetchMany = async (url: string, n: number): Promise<string[]> => {
    const res = await inClient(`for i in $(seq ${n}); do timeout 3 wget -q -O - ${url}; done`);
    return res.stdout.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  };
  const spreadOver = async (url: string, expected: string[]): Promise<void> => {
    let seen: string[] = [];
    await until(async () => {
      seen = await fetchMany(url, 12);
      return expected.every((e) => seen.includes(e)) && seen.every((s) => expected.includes(s));
    }, { timeoutMs: 30_000, intervalMs: 500, describe: () => `GET ${url} from pi1 answered ${JSON.stringify(seen)}, want all of and only ${JSON.stringify(expected)}` });
  };
  const nodeNamed = (name: string) => tc.nodes.find((n) => n.name === name)!;
  /** Both iptables backends' rules in a node's namespace (ours live in the one holding Docker's). */
  const rulesOf = async (node: string): Promise<string> => {
    const ns = nodeNamed(node).netns;
    const saves = await Promise.all(['iptables-save', 'iptables-legacy-save'].map((cmd) => inNetns(ns, cmd, [], { allowFailure: true })));
    return saves.map((s) => s.stdout).join('\n');
  };

  /** A command in the client's container through pi1's dockerd (works without the API). */
  const execInClient = async (cmd: string[]): Promise<string> => {
    const docker = tc.docker('pi1');
    const container = (await docker.listContainers({ filters: { label: ['io.kubernetes.pod.name=client'] } })).find((c) => c.Labels['io.kubernetes.container.name'] === 'main');
    assert.ok(container, 'client container not found on pi1');
    const exec = await docker.getContainer(container.Id).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
    const stream = await exec.start({});
    let out = '';
    await new Promise<void>((resolve) => {
      stream.on('data', (d: Buffer) => (out += d.toString()));
      stream.on('end', () => resolve());
    });
    return out;
  };

  before(async function () {
    this.timeout(300_000);
    tc = await startTestCluster({ nodes: ['pi1', 'pi2', 'pi3'] });
    await ok(['apply', '-f', '-'], [backend('web-a', 'pi2'), backend('web-b', 'pi3'), SERVICES].join('---\n'));
    pods['web-a'] = await ready('web-a');
    pods['web-b'] = await ready('web-b');
    web = await getJson<ServiceView>(['get', 'service', 'web']);
    await ok(['apply', '-f', '-'], CLIENT);
    pods.client = await ready('client');
  });

  after(async function () {
    this.timeout(120_000);
    if (tc) await tc.down();
  });

  it('spreads requests to a ClusterIP over the endpoints on the other nodes', async () => {
    await spreadOver(`http://${web.spec.clusterIP}/`, ['web-a', 'web-b']);
  });

  it('resolves service names through the search path and the full name, with named multi-port targets', async () => {
    await spreadOver('http://web/', ['web-a', 'web-b']);
    await spreadOver('http://web.default.svc.cluster.local:9000/', ['metrics-web-a', 'metrics-web-b']);
  });

  it("gives pods the kubelet's resolv.conf and service environment variables", async () => {
    const resolv = (await inClient('cat /etc/resolv.conf')).stdout;
    assert.match(resolv, /^nameserver 10\.42\.\d+\.1$/m);
    assert.match(resolv, /^search default\.svc\.cluster\.local svc\.cluster\.local cluster\.local/m);
    assert.match(resolv, /^options ndots:5$/m);
    const env = (await inClient('env')).stdout;
    assert.match(env, new RegExp(`^WEB_SERVICE_HOST=${web.spec.clusterIP.replace(/\./g, '\\.')}$`, 'm'));
    assert.match(env, /^WEB_SERVICE_PORT=80$/m);
    assert.match(env, /^WEB_SERVICE_PORT_METRICS=9000$/m);
    assert.match(env, /^KUBERNETES_SERVICE_HOST=10\.43\.0\.1$/m);
  });

  it('serves a NodePort on every node address, from the LAN and on 127.0.0.1 of a node', async () => {
    const svc = await getJson<ServiceView>(['get', 'service', 'web-np']);
    const port = svc.spec.ports[0].nodePort;
    assert.ok(port && port >= 30000 && port <= 32767, `nodePort ${port}`);
    for (const node of tc.nodes) {
      const body = await until(async () => httpGet(`http://${node.ip}:${port}/`).catch(() => undefined), { timeoutMs: 20_000, describe: () => `NodePort ${port} on ${node.name}` });
      assert.ok(['web-a', 'web-b'].includes(body), `NodePort on ${node.name} answered ${body}`);
    }
    const local = await inNetns(nodeNamed('pi1').netns, 'busybox', ['timeout', '3', 'busybox', 'wget', '-q', '-O', '-', `http://127.0.0.1:${port}/`], { allowFailure: true });
    assert.ok(['web-a', 'web-b'].includes(local.stdout.trim()), `127.0.0.1:${port} on pi1: ${JSON.stringify(local)}`);
  });

  it('serves only local endpoints and keeps the client address with externalTrafficPolicy Local', async () => {
    const port = (await getJson<ServiceView>(['get', 'service', 'web-local'])).spec.ports[0].nodePort;
    const via = (node: string): Promise<string> => httpGet(`http://${nodeNamed(node).ip}:${port}/`);
    assert.equal(await until(() => via('pi2').catch(() => undefined), { timeoutMs: 20_000, describe: () => 'web-local via pi2' }), 'web-a');
    assert.equal(await via('pi3'), 'web-b');
    await assert.rejects(via('pi1'), 'pi1 has no local endpoint: its node port must not answer');
    const logs = await ok(['logs', 'web-a']);
    assert.ok(logs.includes(tc.cluster.lan.hostIp), `web-a did not see the LAN client ${tc.cluster.lan.hostIp}: ${logs}`);
  });

  it('sends one client to one endpoint with sessionAffinity ClientIP', async () => {
    const sticky = await getJson<ServiceView>(['get', 'service', 'web-sticky']);
    const seen = await fetchMany(`http://${sticky.spec.clusterIP}/`, 10);
    assert.equal(seen.length, 10, `answers: ${JSON.stringify(seen)}`);
    assert.equal(new Set(seen).size, 1, `one client went to several endpoints: ${JSON.stringify(seen)}`);
  });

  it('serves a LoadBalancer on the ingress addresses it reports', async () => {
    const svc = await until(async () => {
      const s = await getJson<ServiceView>(['get', 'service', 'web-lb']);
      return (s.status?.loadBalancer?.ingress?.length ?? 0) === 3 ? s : undefined;
    }, { timeoutMs: 20_000, describe: () => 'web-lb has no ingress for every node' });
    const ingress = svc.status!.loadBalancer!.ingress!.map((i) => i.ip).sort();
    assert.deepEqual(ingress, tc.nodes.map((n) => n.ip).sort());
    const body = await until(async () => httpGet(`http://${ingress[0]}:8081/`).catch(() => undefined), { timeoutMs: 20_000, describe: () => `LB ${ingress[0]}:8081` });
    assert.ok(['web-a', 'web-b'].includes(body));
  });

  it('answers headless services with pod IPs, ExternalName with a CNAME, and unknown names with NXDOMAIN', async () => {
    const headless = await inClient('nslookup web-headless.default.svc.cluster.local');
    for (const p of ['web-a', 'web-b']) assert.ok(headless.stdout.includes(pods[p].status!.podIP!), `headless answer lacks ${p}: ${headless.stdout}`);
    const ext = await inClient('nslookup -type=CNAME ext.default.svc.cluster.local');
    assert.match(ext.stdout, /canonical name = example\.org/);
    const unknown = await inClient('nslookup nope.default.svc.cluster.local');
    assert.notEqual(unknown.code, 0);
    assert.match(unknown.stdout + unknown.stderr, /NXDOMAIN/);
  });

  it('serves the kube-dns Service at the tenth address of the service range, answered by the node\'s own DNS', async () => {
    const dns = await getJson<ServiceView>(['get', 'service', 'kube-dns', '-n', 'kube-system']);
    assert.match(dns.spec.clusterIP, /^\d+\.\d+\.0\.10$/);
    const api = await getJson<ServiceView>(['get', 'service', 'kubernetes', '-n', 'default']);
    const answer = await inClient(`nslookup kubernetes.default.svc.cluster.local ${dns.spec.clusterIP}`);
    assert.equal(answer.code, 0, JSON.stringify(answer));
    assert.match(answer.stdout, new RegExp(`Address: ${api.spec.clusterIP.replace(/\./g, '\\.')}\\b`), `kubernetes.default through kube-dns: ${answer.stdout}`);
  });

  it('serves the node itself on a ClusterIP', async () => {
    const res = await inNetns(nodeNamed('pi1').netns, 'busybox', ['timeout', '3', 'busybox', 'wget', '-q', '-O', '-', `http://${web.spec.clusterIP}/`], { allowFailure: true });
    assert.ok(['web-a', 'web-b'].includes(res.stdout.trim()), `ClusterIP from pi1 itself: ${JSON.stringify(res)}`);
  });

  it('answers SRV for named ports and a pod by hostname under its subdomain', async () => {
    const srv = await inClient('nslookup -type=SRV _http._tcp.web.default.svc.cluster.local');
    assert.match(srv.stdout, /service = 0 100 80 web\.default\.svc\.cluster\.local/);
    await ok(['apply', '-f', '-'], NAMED_POD);
    const named = await ready('named');
    let last: CommandResult | undefined;
    await until(async () => (last = await inClient('nslookup web-0.web-headless.default.svc.cluster.local')).stdout.includes(named.status!.podIP!), {
      timeoutMs: 20_000, describe: () => `web-0.web-headless: ${JSON.stringify(last)}`,
    });
    await ok(['delete', 'pod', 'named', '--wait=false']);
  });

  it('takes a pod out of rotation when its readiness fails and back when it recovers', async () => {
    await ok(['exec', 'web-b', '--', 'rm', '/tmp/ready']);
    await spreadOver(`http://${web.spec.clusterIP}/`, ['web-a']);
    await ok(['exec', 'web-b', '--', 'touch', '/tmp/ready']);
    await spreadOver(`http://${web.spec.clusterIP}/`, ['web-a', 'web-b']);
  });

  it('routes a selectorless service to its manual Endpoints', async () => {
    await ok(['apply', '-f', '-'], manualService(pods['web-a'].status!.podIP!));
    await spreadOver('http://manual/', ['web-a']);
  });

  it('repairs rules deleted by hand within one resync', async () => {
    const ns = nodeNamed('pi1').netns;
    const before = await rulesOf('pi1');
    const binary = /^-A PIKUBE-SERVICES /m.test((await inNetns(ns, 'iptables-save', ['-t', 'nat'], { allowFailure: true })).stdout) ? 'iptables' : 'iptables-legacy';
    assert.match(before, /^-A PIKUBE-SERVICES .*default\/web:http cluster IP/m);
    await inNetns(ns, binary, ['-t', 'nat', '-F', 'PIKUBE-SERVICES']);
    assert.doesNotMatch(await rulesOf('pi1'), /^-A PIKUBE-SERVICES .*default\/web:http/m);
    await until(async () => /^-A PIKUBE-SERVICES .*default\/web:http cluster IP/m.test(await rulesOf('pi1')), { timeoutMs: 20_000, describe: () => 'PIKUBE-SERVICES not repaired' });
    await spreadOver(`http://${web.spec.clusterIP}/`, ['web-a', 'web-b']);
  });

  it('removes every rule of a deleted service, on every node', async () => {
    const np = await getJson<ServiceView>(['get', 'service', 'web-np']);
    await ok(['delete', 'service', 'web-np']);
    for (const node of ['pi1', 'pi2', 'pi3']) {
      await until(async () => !(await rulesOf(node)).includes('default/web-np'), { timeoutMs: 20_000, describe: () => `rules of default/web-np left on ${node}` });
    }
    const res = await inClient(`timeout 3 wget -q -O - http://${np.spec.clusterIP}/`);
    assert.notEqual(res.code, 0, 'the deleted ClusterIP still answers');
  });

  it('keeps answering DNS and ClusterIPs while the control plane is down, even across an agent restart', async () => {
    await stopControlPlane(tc.cluster);
    const res = await tc.kubectl(['version'], { timeoutMs: 5000 });
    assert.notEqual(res.code, 0, 'the API still answers');
    const byName = ['timeout', '3', 'wget', '-q', '-O', '-', 'http://web.default.svc.cluster.local/'];
    assert.match(await execInClient(byName), /web-[ab]/, 'wget by name with the control plane down');
    await stopAgentOf(tc.cluster, 'pi1', 'SIGKILL');
    startAgent(tc.cluster, 'pi1');
    let out = '';
    await until(async () => /web-[ab]/.test((out = await execInClient(byName))), {
      timeoutMs: 30_000, intervalMs: 500, describe: () => `wget by name after the agent restarted, control plane down: ${JSON.stringify(out)}`,
    });
  });
});
