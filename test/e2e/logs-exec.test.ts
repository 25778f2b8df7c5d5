/**
 * `kubectl logs` and `kubectl exec` end to end: the real kubectl 1.32 → API server → the
 * node's agent (over its gRPC session) → Docker in the simulated node, and back.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { startTestCluster, type TestCluster } from '../support/cluster-fixture';
import { startAgent, stopAgentOf, waitNodesReady } from '../../scripts/cluster/cluster';
import { KUBECTL } from '../../scripts/cluster/kubectl';
import { runCommand, type CommandResult } from '../../scripts/cluster/run-command';
import { until } from '../../scripts/cluster/wait-until';

const PRINTER = `apiVersion: v1
kind: Pod
metadata:
  name: printer
  labels: { app: printer }
spec:
  terminationGracePeriodSeconds: 1
  # The errors test kills this pod's agent and starts it again: on a loaded machine the node may
  # be NotReady for longer than the default 2 s toleration, and the pod would rightly be evicted.
  tolerations:
    - { key: node.kubernetes.io/not-ready, operator: Exists, effect: NoExecute, tolerationSeconds: 300 }
    - { key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 300 }
  containers:
    - name: main
      image: pikube/busybox:latest
      imagePullPolicy: IfNotPresent
      command: ["sh", "-c", "echo to-stderr >&2; sleep 1; for i in 1 2 3 4 5; do echo line $i; done; while true; do if [ -e /tmp/more ]; then rm /tmp/more; echo more-line; fi; sleep 1; done"]
`;

const MULTI = `apiVersion: v1
kind: Pod
metadata:
  name: multi
spec:
  terminationGracePeriodSeconds: 1
  containers:
    - name: first
      image: pikube/busybox:latest
      imagePullPolicy: IfNotPresent
      command: ["sh", "-c", "echo I am first; exec sleep 3600"]
      env: [{ name: WHO, value: first }]
    - name: second
      image: pikube/busybox:latest
      imagePullPolicy: IfNotPresent
      command: ["sh", "-c", "echo I am second; exec sleep 3600"]
      env: [{ name: WHO, value: second }]
`;

const UNSCHEDULABLE = `apiVersion: v1
kind: Pod
metadata:
  name: nowhere
spec:
  nodeSelector: { pikube.test/nowhere: "true" }
  containers:
    - name: main
      image: pikube/busybox:latest
      imagePullPolicy: IfNotPresent
`;

const RESTARTER = `apiVersion: v1
kind: Pod
metadata:
  name: restarter
spec:
  terminationGracePeriodSeconds: 1
  restartPolicy: OnFailure
  containers:
    - name: main
      image: pikube/busybox:latest
      imagePullPolicy: IfNotPresent
      command: ["sh", "-c", "echo attempt started; sleep 2; exit 1"]
`;

interface PodView {
  status?: { phase?: string; containerStatuses?: { name: string; restartCount: number }[] };
}

/** A kubectl that keeps running (logs -f): its output so far, and a bounded wait for more. */
interface Follower {
  output(): string;
  waitFor(pattern: RegExp, timeoutMs: number): Promise<void>;
  /** Its exit code once it exits by itself within the time. */
  exited(timeoutMs: number): Promise<number | null>;
  stop(): Promise<number | null>;
}

function follow(kubeconfig: string, args: string[]): Follower {
  const child: ChildProcess = spawn(KUBECTL, ['--kubeconfig', kubeconfig, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return {
    output: () => out,
    waitFor: (pattern, timeoutMs) => until(() => pattern.test(out), { timeoutMs, describe: () => `stdout ${JSON.stringify(out)}, stderr ${JSON.stringify(err)}` }).then(() => undefined),
    exited: (timeoutMs) => Promise.race([exited, new Promise<never>((_r, reject) => setTimeout(() => reject(new Error(`kubectl ${args.join(' ')} still running after ${timeoutMs} ms`)), timeoutMs).unref())]),
    stop: async () => {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

describe('kubectl logs and exec through the control plane', function () {
  this.timeout(120_000);
  let tc: TestCluster;

  const kubectl = (args: string[], input?: string): Promise<CommandResult> => tc.kubectl(args, { input, timeoutMs: 30_000 });
  const ok = async (args: string[], input?: string): Promise<string> => {
    const res = await kubectl(args, input);
    assert.equal(res.code, 0, `kubectl ${args.join(' ')} exited ${res.code}: ${res.stderr}`);
    return res.stdout;
  };
  const getPod = async (name: string): Promise<PodView> => JSON.parse(await ok(['get', 'pod', name, '-o', 'json'])) as PodView;
  const waitFor = async (name: string, ready: (pod: PodView) => boolean): Promise<void> => {
    let last: PodView | undefined;
    await until(async () => ready((last = await getPod(name))), { timeoutMs: 90_000, intervalMs: 500, describe: () => `pod ${name}: ${JSON.stringify(last?.status)}` });
  };

  before(async function () {
    this.timeout(300_000);
    tc = await startTestCluster();
    await ok(['apply', '-f', '-'], [PRINTER, MULTI, RESTARTER].join('---\n'));
    await waitFor('printer', (p) => p.status?.phase === 'Running');
    await waitFor('multi', (p) => p.status?.phase === 'Running');
    // Its first attempt has printed its line once printer has: wait for the log rather than sleep.
    await until(async () => /line 5/.test((await kubectl(['logs', 'printer'])).stdout), { timeoutMs: 30_000 });
  });

  after(async function () {
    this.timeout(120_000);
    if (tc) await tc.down();
  });

  describe('logs', () => {
    it("prints the container's stdout and stderr", async () => {
      const out = await ok(['logs', 'printer']);
      assert.equal(out, 'to-stderr\nline 1\nline 2\nline 3\nline 4\nline 5\n');
    });

    it('prints the last lines with --tail', async () => {
      assert.equal(await ok(['logs', 'printer', '--tail', '2']), 'line 4\nline 5\n');
      assert.equal(await ok(['logs', 'printer', '--tail', '0']), '');
    });

    it('prefixes RFC 3339 timestamps with --timestamps', async () => {
      const lines = (await ok(['logs', 'printer', '--timestamps'])).trimEnd().split('\n');
      assert.equal(lines.length, 6, lines.join('\n'));
      for (const line of lines) assert.match(line, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{9}Z (to-stderr|line \d)$/);
    });

    it('cuts the log at --limit-bytes and honours --since and --since-time', async () => {
      assert.equal(await ok(['logs', 'printer', '--limit-bytes', '12']), 'to-stderr\nli');
      assert.match(await ok(['logs', 'printer', '--since', '1h']), /line 5/);
      const future = new Date(Date.now() + 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z');
      assert.equal(await ok(['logs', 'printer', `--since-time=${future}`]), '');
    });

    it('follows the log with -f until the client stops', async () => {
      const follower = follow(tc.kubeconfig, ['logs', '-f', 'printer']);
      try {
        await follower.waitFor(/line 5\n/, 20_000);
        await ok(['exec', 'printer', '--', 'touch', '/tmp/more']);
        await follower.waitFor(/more-line\n/, 20_000);
      } finally {
        await follower.stop();
      }
      assert.match(await ok(['logs', 'printer', '--tail', '1']), /^more-line\n$/);
    });

    it('fetches the logs of every pod matching -l', async () => {
      assert.match(await ok(['logs', '-l', 'app=printer']), /line 5/);
    });

    it("reads a named container, and defaults to a multi-container pod's first", async () => {
      assert.equal(await ok(['logs', 'multi', '-c', 'second']), 'I am second\n');
      const res = await kubectl(['logs', 'multi']);
      assert.equal(res.code, 0, res.stderr);
      assert.equal(res.stdout, 'I am first\n');
      assert.match(res.stderr, /Defaulted container "first" out of: first, second/);
    });

    it('refuses an unknown container with a 400', async () => {
      // kubectl logs checks the name itself; the API answers the same for clients that do not.
      const res = await kubectl(['logs', 'multi', '-c', 'nope']);
      assert.equal(res.code, 1);
      assert.match(res.stderr, /container nope is not valid for pod multi/);
      const raw = await kubectl(['get', '--raw', '/api/v1/namespaces/default/pods/multi/log?container=nope']);
      assert.equal(raw.code, 1);
      assert.match(raw.stderr, /Error from server \(BadRequest\): container nope is not valid for pod multi/);
    });

    it('refuses --previous when the container never restarted', async () => {
      const res = await kubectl(['logs', 'printer', '--previous']);
      assert.equal(res.code, 1);
      assert.match(res.stderr, /Error from server \(BadRequest\): previous terminated container "main" in pod "printer" not found/);
    });

    it('reads the previous instance of a restarted container with --previous', async () => {
      await waitFor('restarter', (p) => (p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1);
      assert.equal(await ok(['logs', 'restarter', '--previous']), 'attempt started\n');
    });
  });

  describe('errors', () => {
    it('refuses a pod that is not scheduled yet', async () => {
      await ok(['apply', '-f', '-'], UNSCHEDULABLE);
      for (const args of [['logs', 'nowhere'], ['exec', 'nowhere', '--', 'true']]) {
        const res = await kubectl(args);
        assert.equal(res.code, 1);
        assert.match(res.stderr, /Error from server \(BadRequest\): pod nowhere does not have a host assigned/, args.join(' '));
      }
    });

    it("ends a follow and refuses new streams while the pod's agent is away, and serves again once it is back", async () => {
      const node = (JSON.parse(await ok(['get', 'pod', 'printer', '-o', 'json'])) as { spec: { nodeName: string } }).spec.nodeName;
      const follower = follow(tc.kubeconfig, ['logs', '-f', 'printer']);
      await follower.waitFor(/line 5\n/, 20_000);
      await stopAgentOf(tc.cluster, node, 'SIGKILL');
      try {
        assert.notEqual(await follower.exited(20_000), 0);
        for (const args of [['logs', 'printer'], ['exec', 'printer', '--', 'true']]) {
          const res = await kubectl(args);
          assert.equal(res.code, 1);
          assert.match(res.stderr, new RegExp(`Error from server \\(ServiceUnavailable\\): node "${node}" has no session`), args.join(' '));
        }
      } finally {
        await follower.stop();
        startAgent(tc.cluster, node);
        await waitNodesReady(tc.cluster, 60_000, [node]);
      }
      await until(async () => (await kubectl(['exec', 'printer', '--', 'echo', 'back'])).stdout === 'back\n', { timeoutMs: 30_000 });
    });
  });

  describe('exec', () => {
    it("runs a command and prints its output", async () => {
      assert.equal(await ok(['exec', 'printer', '--', 'echo', 'hi']), 'hi\n');
    });

    it("exits with the command's exit code", async () => {
      const res = await kubectl(['exec', 'printer', '--', 'sh', '-c', 'echo out; echo err >&2; exit 3']);
      assert.equal(res.code, 3, res.stderr);
      assert.equal(res.stdout, 'out\n');
      assert.match(res.stderr, /^err\n/);
      assert.match(res.stderr, /command terminated with exit code 3/);
    });

    it('passes piped stdin with -i and closes it at its end', async () => {
      assert.equal(await ok(['exec', '-i', 'printer', '--', 'cat'], 'hello\nworld\n'), 'hello\nworld\n');
      assert.equal(await ok(['exec', '-i', 'printer', '--', 'wc', '-c'], 'x'.repeat(200_000)).then((s) => s.trim()), '200000');
    });

    it('runs in the container named with -c, and in the first by default', async () => {
      assert.equal(await ok(['exec', 'multi', '-c', 'second', '--', 'sh', '-c', 'echo $WHO']), 'second\n');
      assert.equal(await ok(['exec', 'multi', '--', 'sh', '-c', 'echo $WHO']), 'first\n');
    });

    it('refuses an unknown container with a 400', async () => {
      const res = await kubectl(['exec', 'multi', '-c', 'nope', '--', 'true']);
      assert.equal(res.code, 1);
      assert.match(res.stderr, /Error from server \(BadRequest\): container nope is not valid for pod multi/);
    });

    it("gives -it a terminal of the client's size", async () => {
      // script(1) gives kubectl a terminal (45 rows, 123 columns); the shell waits for the resize to arrive.
      const inner = 'for i in 1 2 3 4 5 6 7 8 9 10; do stty -a | grep -q "rows 45" && break; sleep 0.3; done; tty; stty -a | head -1; exit 4';
      const command = `stty cols 123 rows 45; ${KUBECTL} --kubeconfig ${tc.kubeconfig} exec -it multi -c second -- sh -c '${inner}'`;
      const res = await runCommand('script', ['-qec', command, '/dev/null'], { allowFailure: true, input: '', timeoutMs: 30_000 });
      assert.match(res.stdout, /\/dev\/pts\/\d+/, res.stdout + res.stderr);
      assert.match(res.stdout, /rows 45; columns 123/, res.stdout + res.stderr);
      assert.equal(res.code, 4, res.stdout + res.stderr);
    });
  });
});
