/**
 * Jobs on two simulated Pis, driven by kubectl as the course notes drive them: `kubectl
 * create job` with `logs job/x` and `wait --for=condition=complete`; a Job of completions 5 /
 * parallelism 2 whose containers never run more than two at a time; an Indexed Job whose pods
 * print JOB_COMPLETION_INDEX; a failing Job stopped by its backoffLimit; `kubectl delete job`
 * taking the pods with it.
 */
import assert from 'node:assert/strict';
import type { Pod } from '../../api/core-v1';
import { withTestCluster, type TestCluster } from '../support/cluster-fixture';
import { until } from '../../scripts/cluster/wait-until';
import { kubectlOk } from '../support/kubectl-pods';

/** A tag that is not `latest`, so `kubectl create job --image` gets IfNotPresent (there is no registry to pull from). */
const IMAGE = 'pikube/busybox:1.36';

const PARALLEL = `apiVersion: batch/v1
kind: Job
metadata:
  name: parallel
  labels: { chapter: jobs }
spec:
  parallelism: 2
  completions: 5
  template:
    metadata:
      labels: { chapter: jobs }
    spec:
      terminationGracePeriodSeconds: 1
      containers:
        - name: worker
          image: ${IMAGE}
          command: ["sh", "-c", "sleep 2; echo done"]
      restartPolicy: OnFailure
`;

const INDEXED = `apiVersion: batch/v1
kind: Job
metadata:
  name: indexed
spec:
  completionMode: Indexed
  completions: 3
  parallelism: 3
  template:
    spec:
      containers:
        - name: worker
          image: ${IMAGE}
          command: ["sh", "-c", "echo index=$JOB_COMPLETION_INDEX host=$(hostname)"]
      restartPolicy: Never
`;

const FAILING = `apiVersion: batch/v1
kind: Job
metadata:
  name: failing
spec:
  backoffLimit: 1
  template:
    spec:
      containers:
        - name: worker
          image: ${IMAGE}
          command: ["sh", "-c", "echo failing; exit 3"]
      restartPolicy: Never
`;

describe('Jobs on the simulated cluster', function () {
  this.timeout(180_000);
  const cluster = withTestCluster({ nodes: ['pi1', 'pi2'] }, async (up) => {
    for (const node of up.nodes) await up.docker(node.name).getImage('pikube/busybox:latest').tag({ repo: 'pikube/busybox', tag: '1.36' });
  });
  const tc = (): TestCluster => cluster.get();
  const kubectl = (...args: string[]): Promise<string> => kubectlOk(tc(), args);
  const podsOf = async (job: string): Promise<Pod[]> => (JSON.parse(await kubectl('get', 'pods', '-l', `job-name=${job}`, '-o', 'json')) as { items: Pod[] }).items;
  const jobRow = async (job: string): Promise<string[]> => (await kubectl('get', 'jobs', job, '--no-headers')).trim().split(/\s+/);

  it('kubectl create job runs it; logs job/x, wait --for=condition=complete, get jobs, delete job', async () => {
    assert.match(await kubectl('create', 'job', 'hello', `--image=${IMAGE}`, '--', 'sh', '-c', 'echo hello from the job'), /job.batch\/hello created/);
    await kubectl('wait', '--for=condition=complete', 'job/hello', '--timeout=90s');
    assert.equal((await kubectl('logs', 'job/hello')).trim(), 'hello from the job');
    const header = (await kubectl('get', 'jobs')).split('\n')[0]?.trim().split(/\s+/);
    assert.deepEqual(header, ['NAME', 'STATUS', 'COMPLETIONS', 'DURATION', 'AGE']);
    assert.deepEqual((await jobRow('hello')).slice(0, 3), ['hello', 'Complete', '1/1']);
    const described = await kubectl('describe', 'job', 'hello');
    assert.match(described, /Pods Statuses:\s+0 Active \(0 Ready\) \/ 1 Succeeded \/ 0 Failed/);
    assert.match(described, /Normal\s+SuccessfulCreate\s+.*job-controller\s+Created pod: hello-[a-z0-9]{5}/);
    assert.match(described, /Normal\s+Completed\s+.*job-controller\s+Job completed/);
    await kubectl('delete', 'job', 'hello');
    await until(async () => (await podsOf('hello')).length === 0, { timeoutMs: 30_000, describe: async () => JSON.stringify((await podsOf('hello')).map((p) => [p.metadata.name, p.metadata.finalizers])) });
  });

  it('completions 5 / parallelism 2: five pods succeed, never more than two containers at once', async () => {
    assert.equal((await tc().kubectl(['apply', '-f', '-'], { input: PARALLEL })).code, 0);
    let most = 0;
    await until(async () => {
      const pods = await podsOf('parallel');
      most = Math.max(most, pods.filter((p) => p.status?.phase === 'Running' || p.status?.phase === 'Pending').length);
      return (await jobRow('parallel'))[1] === 'Complete';
    }, { timeoutMs: 120_000, intervalMs: 300, describe: async () => (await jobRow('parallel')).join(' ') });
    assert.ok(most <= 2, `${most} pods were active at once`);
    const pods = await podsOf('parallel');
    assert.equal(pods.length, 5);
    assert.ok(pods.every((p) => p.status?.phase === 'Succeeded'));
    const spans = pods.map((p) => p.status?.containerStatuses?.[0]?.state?.terminated).map((t) => [Date.parse(t?.startedAt ?? ''), Date.parse(t?.finishedAt ?? '')] as const);
    for (const [start] of spans) {
      const running = spans.filter(([s, f]) => s <= start && start < f).length;
      assert.ok(running <= 2, `${running} containers running at ${new Date(start).toISOString()}`);
    }
    assert.deepEqual((await jobRow('parallel')).slice(0, 3), ['parallel', 'Complete', '5/5']);
  });

  it('an Indexed job: each pod prints its JOB_COMPLETION_INDEX and hostname, completedIndexes 0-2', async () => {
    assert.equal((await tc().kubectl(['apply', '-f', '-'], { input: INDEXED })).code, 0);
    await kubectl('wait', '--for=condition=complete', 'job/indexed', '--timeout=90s');
    const pods = await podsOf('indexed');
    assert.equal(pods.length, 3);
    for (const pod of pods) {
      const index = pod.metadata.annotations?.['batch.kubernetes.io/job-completion-index'] ?? '?';
      assert.match(pod.metadata.name ?? '', new RegExp(`^indexed-${index}-[a-z0-9]{5}$`));
      assert.equal((await kubectl('logs', pod.metadata.name ?? '')).trim(), `index=${index} host=indexed-${index}`);
    }
    assert.equal((await kubectl('get', 'job', 'indexed', '-o', 'jsonpath={.status.completedIndexes}')).trim(), '0-2');
  });

  it('a failing job stops at backoffLimit: Failed with BackoffLimitExceeded, two failed pods', async () => {
    assert.equal((await tc().kubectl(['apply', '-f', '-'], { input: FAILING })).code, 0);
    await kubectl('wait', '--for=condition=failed', 'job/failing', '--timeout=90s');
    assert.equal((await jobRow('failing'))[1], 'Failed');
    const pods = await podsOf('failing');
    assert.equal(pods.length, 2);
    assert.ok(pods.every((p) => p.status?.phase === 'Failed'));
    const [first, second] = pods.map((p) => p.metadata.creationTimestamp ?? '').sort();
    assert.ok(Date.parse(second ?? '') - Date.parse(first ?? '') >= 10_000, 'the replacement waited the 10 s pod failure backoff');
    const described = await kubectl('describe', 'job', 'failing');
    assert.match(described, /Warning\s+BackoffLimitExceeded\s+.*job-controller\s+Job has reached the specified backoff limit/);
    assert.equal((await kubectl('get', 'job', 'failing', '-o', 'jsonpath={.status.failed}')).trim(), '2');
  });
});
