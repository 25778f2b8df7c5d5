/**
 * Issue 12: every replica serves the streams and live objects of every node, whichever replica
 * holds the node's session. Two real control-plane processes on one etcd; a real agent session
 * (AgentSession, StreamDispatcher, DockerStreams) connected to replica `holder` only, over a real
 * dockerd in a namespace of its own; the real kubectl talks to replica `other`, which relays
 * through `holder` (ReplicaService). The pod's containers are started here with the agent's
 * labels (no pod manager: streams are what is under test); its sandbox uses the host network,
 * so its port is the agent's loopback, where this test serves an echo. Usage reports are fed
 * through the session as the agent's reporter sends them.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import type { Pod } from '../../../api/core-v1';
import { labelsFor, type ContainerIdentity } from '../../../agent/pods/docker-labels';
import { AgentSession } from '../../../agent/session';
import { DockerStreams } from '../../../agent/streams/docker-streams';
import { StreamDispatcher } from '../../../agent/streams/stream-dispatcher';
import { issueNodeCertificate } from '../../../control-plane/auth/node-certificate';
import { runKubectl } from '../../../scripts/cluster/kubectl';
import { PAUSE_IMAGE, TEST_IMAGE } from '../../../scripts/cluster/test-image';
import { until } from '../../../scripts/cluster/wait-until';
import { startNodeDocker, type NodeDockerFixture } from '../agent/node-docker-fixture';
import { anAgentNode } from '../../support/agent-session-process';
import type { ControlPlaneReplica } from '../../support/control-plane-process';
import { withControlPlaneReplicas } from '../../support/replica-fixture';

const NODE = 'pi-fwd';
const POD = 'web';

describe('control plane: a replica relays streams, Leases and metrics of a node whose session another replica holds', function () {
  this.timeout(180_000);
  const fixture = withControlPlaneReplicas('replicafwd');
  let holder: ControlPlaneReplica;
  let other: ControlPlaneReplica;
  let kubeconfig: string;
  let docker: NodeDockerFixture | undefined;
  let agent: AgentSession | undefined;
  let dispatcher: StreamDispatcher | undefined;
  let echo: net.Server | undefined;
  let echoPort = 0;
  let web: http.Server | undefined;
  let webPort = 0;
  let podUid = '';
  const children: ChildProcess[] = [];

  const kubectl = (args: string[], input?: string) => runKubectl(kubeconfig, args, { timeoutMs: 20_000, input });

  function connectAgent(to: ControlPlaneReplica): AgentSession {
    const f = fixture.get();
    const cert = issueNodeCertificate(f.pki.ca, NODE);
    const session = new AgentSession({
      nodeName: NODE, servers: [`127.0.0.1:${to.nodePort}`], tls: { caCertPem: f.pki.ca.certPem, certPem: cert.certPem, keyPem: cert.keyPem },
      nodeStatus: () => anAgentNode(NODE), runningPodUids: () => [], sink: { setDesired: () => undefined }, streams: dispatcher,
      backoff: { initialDelayMs: 100, maxDelayMs: 1_000 },
    });
    session.start();
    return session;
  }

  async function startContainer(id: Omit<ContainerIdentity, 'podUid' | 'podName' | 'podNamespace' | 'restartCount' | 'gracePeriodSeconds'>, image: string, cmd: string[]): Promise<void> {
    const labels = labelsFor({ ...id, podUid, podName: POD, podNamespace: 'default', restartCount: 0, gracePeriodSeconds: 1 });
    const container = await docker!.docker.createContainer({ Image: image, Cmd: cmd, Labels: labels, HostConfig: { NetworkMode: 'host' } });
    await container.start();
  }

  /** A command left running (logs -f, port-forward): its output so far; killed in `after`. */
  function start(args: string[]): { child: ChildProcess; out: () => string; exited: Promise<number | null> } {
    const child = spawn('/usr/bin/kubectl', ['--kubeconfig', kubeconfig, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    return { child, out: () => out, exited };
  }

  before(async function () {
    this.timeout(120_000);
    const f = fixture.get();
    holder = await f.startLeader();
    other = await f.start();
    kubeconfig = f.kubeconfig(other);
    docker = await startNodeDocker();
    dispatcher = new StreamDispatcher(new DockerStreams(docker.docker));
    echo = net.createServer((socket) => socket.on('data', (d) => socket.write(`echo:${d.toString()}`)));
    await new Promise<void>((resolve) => echo!.listen(0, '127.0.0.1', resolve));
    echoPort = (echo.address() as net.AddressInfo).port;
    web = http.createServer((req, res) => res.end(`web:${req.method ?? ''} ${req.url ?? ''}`));
    await new Promise<void>((resolve) => web!.listen(0, '127.0.0.1', resolve));
    webPort = (web.address() as net.AddressInfo).port;
    agent = connectAgent(holder);
    await until(() => agent?.connected, { timeoutMs: 15_000, describe: () => 'the agent has no session with the holder' });
    await until(() => kubectl(['get', 'node', NODE]).then((r) => r.code === 0), { timeoutMs: 15_000, describe: () => 'the node is not registered' });
    const pod = await f.call<Pod>(other, 'POST', '/api/v1/namespaces/default/pods', { body: {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: POD },
      spec: { nodeName: NODE, hostNetwork: true, containers: [{ name: 'main', image: TEST_IMAGE, ports: [{ containerPort: echoPort }] }] },
    } });
    podUid = pod.metadata.uid ?? '';
    await startContainer({ containerName: 'POD', kind: 'podsandbox' }, PAUSE_IMAGE, ['/bin/sleep', '2147483647']);
    await startContainer({ containerName: 'main', kind: 'container' }, TEST_IMAGE, ['sh', '-c', 'echo hello; i=0; while true; do echo tick $i; i=$((i+1)); sleep 0.3; done']);
    // kubectl port-forward wants a Running pod; the agent's pod manager, absent here, would report it.
    const now = new Date().toISOString();
    await f.call(other, 'PUT', `/api/v1/namespaces/default/pods/${POD}/status`, { body: { ...pod, status: { phase: 'Running', startTime: now,
      containerStatuses: [{ name: 'main', ready: true, restartCount: 0, image: TEST_IMAGE, imageID: '', containerID: 'docker://x', state: { running: { startedAt: now } } }] } } });
  });

  after(async function () {
    this.timeout(60_000);
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await agent?.dispose();
    await dispatcher?.dispose();
    echo?.close();
    web?.close();
    await docker?.stop();
  });

  it('serves kubectl logs, and logs -f as lines come, through the replica without the session', async () => {
    const logs = await kubectl(['logs', POD]);
    assert.equal(logs.code, 0, logs.stderr);
    assert.match(logs.stdout, /^hello\ntick 0\n/);
    const follow = start(['logs', '-f', POD, '--tail=1']);
    await until(() => (follow.out().match(/tick \d+/g) ?? []).length >= 3, { timeoutMs: 15_000, describe: () => `logs -f printed: ${follow.out()}` });
    follow.child.kill('SIGTERM');
  });

  it('runs kubectl exec with stdin and stdout, and returns the command\'s exit code', async () => {
    const res = await kubectl(['exec', '-i', POD, '--', 'sh', '-c', 'read line; echo got:$line; echo err:$line >&2'], 'ping\n');
    assert.equal(res.code, 0, res.stderr);
    assert.equal(res.stdout, 'got:ping\n');
    assert.equal(res.stderr, 'err:ping\n');
    const failing = await kubectl(['exec', POD, '--', 'sh', '-c', 'exit 3']);
    assert.equal(failing.code, 3, failing.stderr);
  });

  it('forwards a port with kubectl port-forward', async () => {
    const pf = start(['port-forward', `pod/${POD}`, `:${echoPort}`]);
    const local = await until(() => /Forwarding from 127\.0\.0\.1:(\d+)/.exec(pf.out())?.[1], { timeoutMs: 15_000, describe: () => `port-forward printed: ${pf.out()}` });
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(Number(local), '127.0.0.1', () => socket.write('hi'));
      socket.on('data', (d) => {
        resolve(d.toString());
        socket.destroy();
      });
      socket.on('error', reject);
    });
    assert.equal(answer, 'echo:hi');
    pf.child.kill('SIGTERM');
  });

  it('proxies HTTP to the pod (the API server proxy) through the replica without the session', async () => {
    const res = await kubectl(['get', '--raw', `/api/v1/namespaces/default/pods/${POD}:${webPort}/proxy/hello?x=1`]);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /^web:GET \/hello\?(.+&)?x=1$/); // kubectl adds its own timeout parameter
    const direct = await runKubectl(fixture.get().kubeconfig(holder), ['get', '--raw', `/api/v1/namespaces/default/pods/${POD}:${webPort}/proxy/`]);
    assert.equal(direct.code, 0, direct.stderr);
    assert.match(direct.stdout, /^web:GET \/(\?timeout=\w+)?$/);
  });

  it('shows the node\'s Lease and its metrics (kubectl top) through the replica without the session', async () => {
    const lease = await kubectl(['get', 'lease', '-n', 'kube-node-lease', NODE, '-o', 'jsonpath={.spec.holderIdentity} {.spec.renewTime}']);
    assert.equal(lease.code, 0, lease.stderr);
    const [holderIdentity, renewTime] = lease.stdout.split(' ');
    assert.equal(holderIdentity, NODE);
    assert.ok(Date.now() - Date.parse(renewTime) < 10_000, `renewTime ${renewTime} is recent`);
    const ts = Date.now();
    agent!.reportUsage({
      timestamp_unix_ms: ts, node: { cpu_nano_cores: 250_000_000, memory_working_set_bytes: 512 * 1024 * 1024, window_ms: 10_000 },
      pods: [{ pod: { namespace: 'default', name: POD, uid: podUid }, containers: [{ name: 'main', usage: { cpu_nano_cores: 12_000_000, memory_working_set_bytes: 10 * 1024 * 1024, window_ms: 10_000 } }] }],
    });
    const top = await until(async () => {
      const res = await kubectl(['top', 'node', NODE, '--no-headers']);
      return res.code === 0 ? res.stdout : undefined;
    }, { timeoutMs: 10_000, describe: () => 'kubectl top node never answered' });
    assert.match(top, new RegExp(`^${NODE}\\s+250m\\s+\\d+%\\s+512Mi\\s+`));
    const pods = await kubectl(['top', 'pod', POD, '--no-headers']);
    assert.equal(pods.code, 0, pods.stderr);
    assert.match(pods.stdout, new RegExp(`^${POD}\\s+12m\\s+10Mi`));
  });

  it('ends a relayed stream when the holder dies, answers 503 at once while its record lasts, and serves the node again once it reconnects', async () => {
    const f = fixture.get();
    const follow = start(['logs', '-f', POD, '--tail=1']);
    await until(() => /tick \d+/.test(follow.out()), { timeoutMs: 15_000, describe: () => `logs -f printed: ${follow.out()}` });
    // The agent is stopped with the holder, so nothing takes the node's session before the dead holder's record expires.
    await f.kill(holder);
    await agent?.dispose();
    const killedAt = Date.now();
    const code = await Promise.race([follow.exited, new Promise<'hang'>((r) => setTimeout(() => r('hang'), 20_000))]);
    assert.notEqual(code, 'hang', `kubectl logs -f still running 20 s after the holder died: ${follow.out()}`);
    console.log(`      logs -f ended ${Date.now() - killedAt} ms after the holder was killed (exit ${String(code)}): ${follow.out().trim().split('\n').at(-1)}`);

    const t0 = Date.now();
    const refused = await kubectl(['logs', POD]);
    const refusedMs = Date.now() - t0;
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /ServiceUnavailable|holds its session with control plane replica .* cannot be reached|no session with any control plane/, refused.stderr);
    assert.ok(refusedMs < 10_000, `the refusal took ${refusedMs} ms`);
    console.log(`      a log request right after: refused in ${refusedMs} ms: ${refused.stderr.trim()}`);

    agent = connectAgent(other);
    await until(async () => (await kubectl(['logs', POD, '--tail=1'])).code === 0, { timeoutMs: 30_000, describe: () => 'logs never served after the agent reconnected to the other replica' });
  });
});
