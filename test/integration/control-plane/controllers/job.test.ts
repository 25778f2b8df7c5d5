/**
 * Jobs through the real kubectl against real etcd, with the job, TTL-after-finished and
 * garbage collector controllers running. No node runs the pods here: their phases are written
 * through the pods' status subresource (`kubectl patch --subresource=status`), as a kubelet
 * would report them.
 */
import { strict as assert } from 'node:assert';
import type { Job } from '../../../../api/batch-v1';
import type { Pod } from '../../../../api/core-v1';
import { garbageCollectorController } from '../../../../control-plane/controllers/garbage-collector-controller';
import { jobController } from '../../../../control-plane/controllers/job-controller';
import { ttlAfterFinishedController } from '../../../../control-plane/controllers/ttl-after-finished-controller';
import { until } from '../../../../scripts/cluster/wait-until';
import type { ApiServerFixture } from '../../../support/api-server-fixture';
import { withApiAndControllers } from '../../../support/controllers-fixture';
import { tableRows } from '../../../support/kubectl-table';

function jobYaml(name: string, spec: string): string {
  return `apiVersion: batch/v1
kind: Job
metadata:
  name: ${name}
spec:
${spec}
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: work
        image: pikube/busybox:1.36
        command: ["sh", "-c", "echo working"]
`;
}

describe('Jobs through the real kubectl (real etcd, API server, controllers)', function () {
  this.timeout(60_000);
  const fixture = withApiAndControllers([jobController, ttlAfterFinishedController, garbageCollectorController]);
  const api = (): ApiServerFixture => fixture.get().api;
  const kubectl = (args: string[], input?: string) => fixture.get().kubectl(args, input);
  const ok = (args: string[], input?: string): Promise<string> => fixture.get().ok(args, input);

  const podsOf = async (job: string): Promise<Pod[]> => (await api().registry.list<Pod>('pods', { namespace: 'default', labelSelector: `job-name=${job}` })).items;
  const getJob = (name: string): Promise<Job> => api().registry.get<Job>('jobs.batch', 'default', name);
  const activePods = async (job: string): Promise<Pod[]> => (await podsOf(job)).filter((p) => !p.status?.phase || p.status.phase === 'Pending');
  const setPhase = (pod: Pod, phase: 'Succeeded' | 'Failed'): Promise<string> =>
    ok(['patch', 'pod', pod.metadata.name ?? '', '--subresource=status', '--type=merge', '-p', JSON.stringify({ status: { phase } })]);
  const waitActive = (job: string, n: number): Promise<Pod[]> =>
    until(async () => { const a = await activePods(job); return a.length === n && a; }, { timeoutMs: 15_000, describe: async () => JSON.stringify((await podsOf(job)).map((p) => [p.metadata.name, p.status?.phase])) });

  it('kubectl create job: the pod runs to Succeeded, wait --for=condition=complete returns, get jobs and describe show it', async () => {
    assert.equal((await ok(['create', 'job', 'hello', '--image=pikube/busybox:1.36', '--', 'sh', '-c', 'echo hi'])).trim(), 'job.batch/hello created');
    const [pod] = await waitActive('hello', 1);
    assert.match(pod?.metadata.name ?? '', /^hello-[a-z0-9]{5}$/);
    assert.deepEqual(pod?.metadata.finalizers, ['batch.kubernetes.io/job-tracking']);
    await setPhase(pod as Pod, 'Succeeded');
    await ok(['wait', '--for=condition=complete', 'job/hello', '--timeout=20s']);
    const table = tableRows(await ok(['get', 'jobs']));
    assert.deepEqual(table[0], ['NAME', 'STATUS', 'COMPLETIONS', 'DURATION', 'AGE']);
    assert.deepEqual(table[1]?.slice(0, 3), ['hello', 'Complete', '1/1']);
    const described = await ok(['describe', 'job', 'hello']);
    assert.match(described, /Completions:\s+1\n/);
    assert.match(described, /Pods Statuses:\s+0 Active \(0 Ready\) \/ 1 Succeeded \/ 0 Failed/);
    assert.match(described, /Normal\s+SuccessfulCreate\s+.*job-controller\s+Created pod: hello-/);
    assert.match(described, /Normal\s+Completed\s+.*job-controller\s+Job completed/);
    const status = (await getJob('hello')).status;
    assert.deepEqual(status?.conditions?.map((c) => c.type), ['SuccessCriteriaMet', 'Complete']);
    assert.equal((await podsOf('hello'))[0]?.metadata.finalizers, undefined);
  });

  it('kubectl delete job (propagationPolicy Background) takes its pods; a DELETE without a policy warns and orphans them', async () => {
    await ok(['delete', 'job', 'hello']);
    await until(async () => (await podsOf('hello')).length === 0, { timeoutMs: 15_000 });
    await ok(['apply', '-f', '-'], jobYaml('kept', '  parallelism: 2\n  completions: 2'));
    await waitActive('kept', 2);
    const raw = await kubectl(['delete', '--raw', '/apis/batch/v1/namespaces/default/jobs/kept']);
    assert.equal(raw.code, 0, raw.out);
    assert.match(raw.stderr, /Warning: child pods are preserved by default when jobs are deleted; set propagationPolicy=Background to remove them or set propagationPolicy=Orphan to suppress this warning/);
    await until(async () => (await podsOf('kept')).every((p) => !p.metadata.ownerReferences && !p.metadata.finalizers), { timeoutMs: 15_000 });
    assert.equal((await podsOf('kept')).length, 2, 'orphaned, not deleted');
    await ok(['delete', 'pods', '-l', 'job-name=kept']);
  });

  it('completions 3 / parallelism 2: two pods at a time, then one, then Complete 3/3', async () => {
    await ok(['apply', '-f', '-'], jobYaml('batch', '  parallelism: 2\n  completions: 3'));
    const first = await waitActive('batch', 2);
    await setPhase(first[0] as Pod, 'Succeeded');
    await until(async () => (await getJob('batch')).status?.succeeded === 1, { timeoutMs: 15_000 });
    const second = await waitActive('batch', 2);
    for (const pod of second) await setPhase(pod, 'Succeeded');
    await ok(['wait', '--for=condition=complete', 'job/batch', '--timeout=20s']);
    assert.equal((await podsOf('batch')).length, 3);
    assert.deepEqual((await ok(['get', 'job', 'batch', '--no-headers'])).trim().split(/\s+/).slice(0, 3), ['batch', 'Complete', '3/3']);
  });

  it('a failure beyond backoffLimit 0: kubectl wait --for=condition=failed, get jobs Failed, describe shows BackoffLimitExceeded', async () => {
    await ok(['apply', '-f', '-'], jobYaml('broken', '  backoffLimit: 0'));
    const [pod] = await waitActive('broken', 1);
    await setPhase(pod as Pod, 'Failed');
    await ok(['wait', '--for=condition=failed', 'job/broken', '--timeout=20s']);
    assert.deepEqual((await ok(['get', 'job', 'broken', '--no-headers'])).trim().split(/\s+/).slice(0, 3), ['broken', 'Failed', '0/1']);
    assert.match(await ok(['describe', 'job', 'broken']), /Warning\s+BackoffLimitExceeded\s+.*job-controller\s+Job has reached the specified backoff limit/);
  });

  it('ttlSecondsAfterFinished 0: the finished job is deleted with its pods', async () => {
    await ok(['apply', '-f', '-'], jobYaml('brief', '  ttlSecondsAfterFinished: 0'));
    const [pod] = await waitActive('brief', 1);
    await setPhase(pod as Pod, 'Succeeded');
    await until(async () => (await kubectl(['get', 'job', 'brief'])).code !== 0 && (await podsOf('brief')).length === 0, { timeoutMs: 15_000 });
  });

  it('suspend: kubectl patch suspends (pods deleted, STATUS Suspended), resuming starts them again', async () => {
    await ok(['apply', '-f', '-'], jobYaml('nap', '  parallelism: 2\n  completions: 2'));
    await waitActive('nap', 2);
    await ok(['patch', 'job', 'nap', '--type=merge', '-p', '{"spec":{"suspend":true}}']);
    await until(async () => (await ok(['get', 'job', 'nap', '--no-headers'])).includes('Suspended') && (await activePods('nap')).filter((p) => !p.metadata.deletionTimestamp).length === 0, { timeoutMs: 15_000 });
    await ok(['patch', 'job', 'nap', '--type=merge', '-p', '{"spec":{"suspend":false}}']);
    // The pass that resumes creates the pods first and writes the Suspended=False status after them.
    await until(async () => (await podsOf('nap')).filter((p) => !p.metadata.deletionTimestamp).length === 2
      && (await getJob('nap')).status?.conditions?.find((c) => c.type === 'Suspended')?.status === 'False', { timeoutMs: 15_000 });
  });

  it('podFailurePolicy: an exit code matching a FailJob rule fails the job with reason PodFailurePolicy', async () => {
    await ok(['apply', '-f', '-'], jobYaml('strict', '  backoffLimit: 6\n  podFailurePolicy:\n    rules:\n    - action: FailJob\n      onExitCodes:\n        operator: In\n        values: [42]'));
    const [pod] = await waitActive('strict', 1);
    const terminated = { exitCode: 42, reason: 'Error', startedAt: new Date().toISOString(), finishedAt: new Date().toISOString() };
    const status = { phase: 'Failed', containerStatuses: [{ name: 'work', ready: false, restartCount: 0, image: 'pikube/busybox:1.36', imageID: '', state: { terminated } }] };
    await ok(['patch', 'pod', pod?.metadata.name ?? '', '--subresource=status', '--type=merge', '-p', JSON.stringify({ status })]);
    await ok(['wait', '--for=condition=failed', 'job/strict', '--timeout=20s']);
    const failed = (await getJob('strict')).status?.conditions?.find((c) => c.type === 'Failed');
    assert.equal(failed?.reason, 'PodFailurePolicy');
    assert.equal(failed?.message, `Container work for pod default/${pod?.metadata.name ?? ''} failed with exit code 42 matching FailJob rule at index 0`);
  });

  it('refuses bad input with 422 and the field path, writing nothing', async () => {
    const negative = await kubectl(['apply', '-f', '-'], jobYaml('bad', '  parallelism: -1'));
    assert.notEqual(negative.code, 0);
    assert.match(negative.out, /The Job "bad" is invalid: spec.parallelism: Invalid value: -1: must be greater than or equal to 0/);
    const indexed = await kubectl(['apply', '-f', '-'], jobYaml('bad', '  completionMode: Indexed\n  parallelism: 2'));
    assert.match(indexed.out, /spec.completions: Required value: when completion mode is Indexed/);
    const perIndex = await kubectl(['apply', '-f', '-'], jobYaml('bad', '  completionMode: Indexed\n  completions: 2\n  backoffLimitPerIndex: 1'));
    assert.match(perIndex.out, /spec.backoffLimitPerIndex: Forbidden: not supported by pikube's job controller/);
    assert.notEqual((await kubectl(['get', 'job', 'bad'])).code, 0);
    await ok(['apply', '-f', '-'], jobYaml('counted', '  completions: 1\n  suspend: true'));
    const status = await kubectl(['patch', 'job', 'counted', '--subresource=status', '--type=merge', '-p', '{"status":{"active":-1}}']);
    assert.match(status.out, /status.active: Invalid value: -1: must be greater than or equal to 0/);
  });
});
