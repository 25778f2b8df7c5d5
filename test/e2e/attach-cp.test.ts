/**
 * `kubectl attach`, `kubectl run -i/-it --rm` and `kubectl cp` end to end with the real kubectl
 * 1.32, and without a terminal with 1.27 (SPDY), 1.30 and 1.33 (websockets) — exec -it with a terminal too: stdin reaches the container's main process (Docker's OpenStdin/StdinOnce/Tty set from
 * the container's `stdin`, `stdinOnce`, `tty`), the pod is deleted after `--rm`, its exit code
 * becomes kubectl's; `cp` runs `tar` in the container (every busybox applet is linked).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { withTestCluster } from '../support/cluster-fixture';
import { KUBECTL, kubectlVersion, runKubectl } from '../../scripts/cluster/kubectl';
import { runCommand } from '../../scripts/cluster/run-command';
import { until } from '../../scripts/cluster/wait-until';

const IMAGE = ['--image=pikube/busybox:latest', '--image-pull-policy=IfNotPresent'];

const READER = `apiVersion: v1
kind: Pod
metadata:
  name: reader
spec:
  restartPolicy: Never
  terminationGracePeriodSeconds: 1
  containers:
    - name: main
      image: pikube/busybox:latest
      imagePullPolicy: IfNotPresent
      stdin: true
      stdinOnce: true
      command: ["sh", "-c", "while read line; do echo \\"got $line\\"; done; echo stdin-closed"]
---
apiVersion: v1
kind: Pod
metadata:
  name: shell
spec:
  terminationGracePeriodSeconds: 1
  containers:
    - name: main
      image: pikube/busybox:latest
      imagePullPolicy: IfNotPresent
      stdin: true
      tty: true
      command: ["sh"]
`;

describe('kubectl attach, run -i --rm and cp', function () {
  this.timeout(120_000);
  const cluster = withTestCluster({}, async (tc) => {
    const applied = await tc.kubectl(['apply', '-f', '-'], { input: READER });
    assert.equal(applied.code, 0, applied.stderr);
    const ready = await tc.kubectl(['wait', '--for=condition=Ready', 'pod/reader', 'pod/shell', '--timeout=90s'], { timeoutMs: 100_000 });
    assert.equal(ready.code, 0, ready.stderr);
  });
  const kubectl = (args: string[], input?: string): ReturnType<ReturnType<typeof cluster.get>['kubectl']> => cluster.get().kubectl(args, { input, timeoutMs: 60_000 });
  /** kubectl under script(1), so that it has a terminal; `input` is typed after `delayS` seconds. */
  const inTerminal = (args: string, input: string, delayS: number, binary: string = KUBECTL): ReturnType<typeof runCommand> => {
    const typed = `(sleep ${delayS}; printf '${input}'; sleep 5) | script -qec "stty cols 100 rows 30; ${binary} --kubeconfig ${cluster.get().kubeconfig} ${args}" /dev/null`;
    return runCommand('sh', ['-c', typed], { allowFailure: true, timeoutMs: 60_000 });
  };
  const podGone = async (name: string): Promise<void> => {
    const res = await kubectl(['get', 'pod', name]);
    assert.equal(res.code, 1, res.stdout);
    assert.match(res.stderr, new RegExp(`pods "${name}" not found`));
  };

  it('delivers stdin to the main process with attach -i and ends when the process does', async () => {
    const res = await kubectl(['attach', '-i', 'reader'], 'one\ntwo\n');
    assert.equal(res.code, 0, res.stderr);
    assert.equal(res.stdout, 'got one\ngot two\nstdin-closed\n');
    await until(async () => (await kubectl(['get', 'pod', 'reader', '-o', 'jsonpath={.status.phase}'])).stdout === 'Succeeded', { timeoutMs: 30_000 });
  });

  it('gives attach -it the terminal of the container', async () => {
    const res = await inTerminal('attach -it shell', 'tty; echo attached-$((6*7))\\n', 3);
    assert.match(res.stdout, /\/dev\/pts\/\d+/, res.stdout + res.stderr);
    assert.match(res.stdout, /attached-42/, res.stdout + res.stderr);
  });

  it('runs a pod with run -i --rm, feeds it stdin, exits with its code and deletes it', async () => {
    const res = await kubectl(['run', 'once', '-i', '--rm', '--restart=Never', ...IMAGE, '--', 'sh'], 'echo hello-from-run; exit 3\n');
    assert.equal(res.code, 3, res.stderr);
    assert.match(res.stdout, /hello-from-run\n/);
    assert.match(res.stdout + res.stderr, /pod "once" deleted/);
    await podGone('once');
  });

  it('gives run -it --rm a terminal and deletes the pod after', async () => {
    const res = await inTerminal(`run term -it --rm --restart=Never ${IMAGE.join(' ')} -- sh`, 'tty; echo from-tty-$((6*7)); exit\\n', 8);
    assert.match(res.stdout, /\/dev\/pts\/\d+/, res.stdout + res.stderr);
    assert.match(res.stdout, /from-tty-42/, res.stdout + res.stderr);
    assert.match(res.stdout, /pod "term" deleted/, res.stdout + res.stderr);
    await podGone('term');
  });

  it('copies files and directories both ways with kubectl cp', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pikube-cp-'));
    try {
      const payload = Buffer.from(Array.from({ length: 100_000 }, (_, i) => i % 251));
      writeFileSync(path.join(dir, 'data.bin'), payload);
      mkdirSync(path.join(dir, 'tree', 'sub'), { recursive: true });
      writeFileSync(path.join(dir, 'tree', 'sub', 'a.txt'), 'in a subdirectory\n');
      for (const [from, to] of [[path.join(dir, 'data.bin'), 'shell:/tmp/data.bin'], [path.join(dir, 'tree'), 'shell:/tmp/tree']]) {
        const up = await kubectl(['cp', from, to]);
        assert.equal(up.code, 0, up.stderr);
      }
      assert.equal((await kubectl(['exec', 'shell', '--', 'cat', '/tmp/tree/sub/a.txt'])).stdout, 'in a subdirectory\n');
      assert.equal((await kubectl(['exec', 'shell', '--', 'wc', '-c', '/tmp/data.bin'])).stdout.trim(), '100000 /tmp/data.bin');
      const down = await kubectl(['cp', 'shell:/tmp/data.bin', path.join(dir, 'back.bin')]);
      assert.equal(down.code, 0, down.stderr);
      assert.ok(readFileSync(path.join(dir, 'back.bin')).equals(payload));
      const tree = await kubectl(['cp', 'shell:/tmp/tree', path.join(dir, 'tree-back')]);
      assert.equal(tree.code, 0, tree.stderr);
      assert.equal(readFileSync(path.join(dir, 'tree-back', 'sub', 'a.txt'), 'utf8'), 'in a subdirectory\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  for (const version of ['1.27', '1.30', '1.33'] as const) {
    describe(`with kubectl ${version}`, () => {
      const suffix = version.replace('.', '-');
      const other = (args: string[], input?: string) => runKubectl(cluster.get().kubeconfig, args, { input, timeoutMs: 60_000, binary: kubectlVersion(version) });

      it('attaches with stdin, runs -i --rm, copies a file both ways, execs with the exit code and is refused an unknown container', async () => {
        const reader = `reader-${suffix}`;
        assert.equal((await kubectl(['apply', '-f', '-'], READER.split('---')[0].replace('name: reader', `name: ${reader}`))).code, 0);
        assert.equal((await kubectl(['wait', '--for=condition=Ready', `pod/${reader}`, '--timeout=60s'])).code, 0);
        const attached = await other(['attach', '-i', reader], 'one\n');
        assert.equal(attached.code, 0, attached.stderr);
        assert.equal(attached.stdout, 'got one\nstdin-closed\n');

        const run = await other(['run', `once-${suffix}`, '-i', '--rm', '--restart=Never', ...IMAGE, '--', 'sh'], 'echo hello-from-run; exit 3\n');
        assert.equal(run.code, 3, run.stderr);
        assert.match(run.stdout, /hello-from-run\n/);
        await podGone(`once-${suffix}`);

        const dir = mkdtempSync(path.join(os.tmpdir(), 'pikube-cp-'));
        try {
          writeFileSync(path.join(dir, 'up.txt'), `copied with ${version}\n`);
          const up = await other(['cp', path.join(dir, 'up.txt'), `shell:/tmp/up-${suffix}.txt`]);
          assert.equal(up.code, 0, up.stderr);
          const down = await other(['cp', `shell:/tmp/up-${suffix}.txt`, path.join(dir, 'down.txt')]);
          assert.equal(down.code, 0, down.stderr);
          assert.equal(readFileSync(path.join(dir, 'down.txt'), 'utf8'), `copied with ${version}\n`);
          const exec = await other(['exec', 'shell', '--', 'sh', '-c', 'echo to-stdout; echo to-stderr >&2; exit 4']);
          assert.deepEqual([exec.code, exec.stdout], [4, 'to-stdout\n'], exec.stderr);
          assert.match(exec.stderr, /to-stderr/);
          const refused = await other(['exec', 'shell', '-c', 'nope', '--', 'true']);
          assert.equal(refused.code, 1);
          assert.match(refused.stderr, /Error from server \(BadRequest\): container nope is not valid for pod shell/);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      });

      it("gives exec -it a terminal of kubectl's terminal size", async () => {
        // kubectl sends the size once the streams are up, while the command already runs (so on Kubernetes too): stty waits a second.
        const res = await inTerminal("exec -it shell -- sh -c 'tty; sleep 1; stty size'", '', 0, kubectlVersion(version));
        assert.match(res.stdout, /\/dev\/pts\/\d+/, res.stdout + res.stderr);
        assert.match(res.stdout, /^30 100\r?$/m, res.stdout + res.stderr);
      });
    });
  }
});
