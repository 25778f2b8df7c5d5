/**
 * `kubectl port-forward` end to end, as the books use it: the real kubectl → the API server
 * (SPDY/3.1 for kubectl 1.27 and 1.30; a websocket tunnelling SPDY for 1.31+, here 1.32 through the
 * dispatcher and 1.33 directly) → the node's agent over its gRPC session → a TCP connection
 * to the pod's port in the simulated node, and back.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { withTestCluster } from '../support/cluster-fixture';
import { KUBECTL, kubectlVersion } from '../../scripts/cluster/kubectl';
import { until } from '../../scripts/cluster/wait-until';


/** Two HTTP ports (80 and 8080) answering differently, behind a Deployment and a Service 8080 → 80. */
const WEB = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  selector: { matchLabels: { app: web } }
  template:
    metadata:
      labels: { app: web }
    spec:
      terminationGracePeriodSeconds: 1
      containers:
        - name: httpd
          image: pikube/busybox:latest
          imagePullPolicy: IfNotPresent
          command: ["sh", "-c", "mkdir -p /www /www2; echo port-80 > /www/index.html; echo port-8080 > /www2/index.html; head -c 300000 /dev/zero | tr '\\\\0' x > /www/big.txt; httpd -p 8080 -h /www2; exec httpd -f -p 80 -h /www"]
          ports: [{ containerPort: 80, name: http }]
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: { app: web }
  ports: [{ port: 8080, targetPort: http }]
`;

/** A running `kubectl port-forward`: the local ports it printed, its output so far. */
interface Forward {
  ports: number[];
  stderr(): string;
  stdout(): string;
  exited(): boolean;
  stop(): Promise<void>;
}

async function portForward(binary: string, kubeconfig: string, args: string[], expectPorts: number): Promise<Forward> {
  const child: ChildProcess = spawn(binary, ['--kubeconfig', kubeconfig, 'port-forward', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let exited = false;
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const closed = new Promise<void>((resolve) => child.once('close', () => {
    exited = true;
    resolve();
  }));
  const stop = async (): Promise<void> => {
    if (!exited) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await closed;
    clearTimeout(timer);
  };
  const printed = (): number[] => [...out.matchAll(/Forwarding from 127\.0\.0\.1:(\d+) ->/g)].map((m) => Number(m[1]));
  try {
    await until(() => printed().length >= expectPorts || exited, { timeoutMs: 30_000, describe: () => `stdout ${JSON.stringify(out)}, stderr ${JSON.stringify(err)}` });
    assert.ok(!exited, `kubectl port-forward ${args.join(' ')} exited: ${err}`);
  } catch (e) {
    await stop();
    throw e;
  }
  return { ports: printed(), stderr: () => err, stdout: () => out, exited: () => exited, stop };
}

/** One GET on a new connection: status and body. */
function get(port: number, path = '/'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent: false, timeout: 20_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET :${port}${path} timed out`)));
    req.on('error', reject);
  });
}

/** Connects and reports how the connection ended: the bytes received before the close. */
function connectAndRead(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/', agent: false, timeout: 20_000 }, () => reject(new Error('an answer from a closed port')));
    req.on('timeout', () => req.destroy(new Error('no close within 20 s')));
    req.on('error', (err: Error) => resolve(err.message));
  });
}

describe('kubectl port-forward', function () {
  this.timeout(120_000);
  const cluster = withTestCluster({}, async (tc) => {
    const applied = await tc.kubectl(['apply', '-f', '-'], { input: WEB });
    assert.equal(applied.code, 0, applied.stderr);
    const rolled = await tc.kubectl(['rollout', 'status', 'deploy/web', '--timeout=90s'], { timeoutMs: 100_000 });
    assert.equal(rolled.code, 0, rolled.stderr);
  });
  const kubeconfig = (): string => cluster.get().kubeconfig;
  const podName = async (): Promise<string> => {
    const res = await cluster.get().kubectl(['get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[0].metadata.name}']);
    assert.equal(res.code, 0, res.stderr);
    return res.stdout.trim();
  };

  for (const [version, binary] of [['1.27 (SPDY)', kubectlVersion('1.27')], ['1.30 (SPDY)', kubectlVersion('1.30')], ['1.32 (websocket tunnel)', KUBECTL], ['1.33 (websocket tunnel)', kubectlVersion('1.33')]] as const) {
    describe(`with kubectl ${version}`, () => {
      it('forwards several ports of a pod at once and carries 50 parallel requests', async () => {
        const fwd = await portForward(binary, kubeconfig(), [`pod/${await podName()}`, ':80', ':8080'], 2);
        try {
          const [p80, p8080] = fwd.ports;
          const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => get(i % 2 === 0 ? p80 : p8080)));
          answers.forEach((a, i) => assert.deepEqual(a, { status: 200, body: i % 2 === 0 ? 'port-80\n' : 'port-8080\n' }));
          const big = await get(p80, '/big.txt');
          assert.equal(big.body, 'x'.repeat(300_000));
          assert.match(fwd.stdout(), /Handling connection for/);
        } finally {
          await fwd.stop();
        }
      });

      it("forwards to a deployment's pod and resolves a service's port to its target port", async () => {
        const deploy = await portForward(binary, kubeconfig(), ['deploy/web', ':80'], 1);
        try {
          assert.deepEqual(await get(deploy.ports[0]), { status: 200, body: 'port-80\n' });
        } finally {
          await deploy.stop();
        }
        const svc = await portForward(binary, kubeconfig(), ['svc/web', ':8080'], 1);
        try {
          assert.match(svc.stdout(), /Forwarding from 127\.0\.0\.1:\d+ -> 80\n/);
          assert.deepEqual(await get(svc.ports[0]), { status: 200, body: 'port-80\n' });
        } finally {
          await svc.stop();
        }
      });

      // kubectl itself then closes the whole forward ("lost connection to pod"), as against a
      // kubelet; the server keeps serving the session's other connections (the unit test shows it).
      it('reports a closed remote port on that connection, as a kubelet does', async () => {
        const pod = await podName();
        const fwd = await portForward(binary, kubeconfig(), [`pod/${pod}`, ':81'], 1);
        try {
          await connectAndRead(fwd.ports[0]);
          await until(() => /an error occurred forwarding \d+ -> 81/i.test(fwd.stderr()) || /An error occurred forwarding/.test(fwd.stderr()), {
            timeoutMs: 20_000, describe: () => fwd.stderr(),
          });
          assert.match(fwd.stderr(), new RegExp(`error forwarding port 81 to pod default/${pod}, uid [0-9a-f-]+: failed to connect to localhost:81 inside the pod's network \\(10\\.42\\.\\d+\\.\\d+:81\\): connect: connection refused`));
          await until(() => fwd.exited(), { timeoutMs: 20_000, describe: () => fwd.stderr() });
          assert.match(fwd.stderr(), /lost connection to pod/);
        } finally {
          await fwd.stop();
        }
      });
    });
  }

  it('refuses a pod that does not exist before upgrading', async () => {
    const res = await cluster.get().kubectl(['port-forward', 'pod/nope', '18089:80'], { timeoutMs: 20_000 });
    assert.equal(res.code, 1);
    assert.match(res.stderr, /pods "nope" not found/);
  });
});
