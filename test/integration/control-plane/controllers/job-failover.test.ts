/**
 * The Job controller across SIGKILLed leaders (issue 11): two control-plane processes on one
 * etcd. The leader is killed in the middle of creating a Job's 40 pods, and the next leader in
 * the middle of counting them as they succeed; whoever leads next ends with exactly 40 pods and
 * succeeded 40, never a pod doubled nor a completion counted twice, because the pods' controller
 * references, the batch.kubernetes.io/job-tracking finalizers and status.uncountedTerminatedPods
 * in etcd (not memory) say what exists and what is counted. Then the idle cluster writes nothing.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Job } from '../../../../api/batch-v1';
import type { KubeList } from '../../../../api/meta';
import type { Pod } from '../../../../api/core-v1';
import { until } from '../../../../scripts/cluster/wait-until';
import type { RequestOptions } from '../../../support/api-server-fixture';
import type { ControlPlaneReplica } from '../../../support/control-plane-process';
import { withControlPlaneReplicas } from '../../../support/replica-fixture';

const JOBS_PATH = '/apis/batch/v1/namespaces/default/jobs';
const PODS = 40;

describe('Job controller: a SIGKILLed leader neither doubles pods nor counts a completion twice', function () {
  this.timeout(150_000);
  const cluster = withControlPlaneReplicas('job-failover');
  const call = <T>(on: ControlPlaneReplica, method: string, p: string, options?: RequestOptions): Promise<T> => cluster.get().call<T>(on, method, p, options);

  const jobPods = async (on: ControlPlaneReplica, job: Job): Promise<Pod[]> =>
    (await call<KubeList<Pod>>(on, 'GET', '/api/v1/namespaces/default/pods')).items.filter((p) => p.metadata.ownerReferences?.some((r) => r.uid === job.metadata.uid && r.controller));
  const getJob = (on: ControlPlaneReplica): Promise<Job> => call<Job>(on, 'GET', `${JOBS_PATH}/burst`);

  before(async function () {
    this.timeout(60_000);
    await cluster.get().startLeader();
    await cluster.get().start();
  });

  it('finishes the creations and the counting the killed leaders began, with exactly 40 pods and succeeded 40', async () => {
    const [a, b] = cluster.get().alive();
    const body = {
      apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'burst' },
      spec: { completions: PODS, parallelism: PODS, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'pikube/busybox:1.36' }] } } },
    };
    const job = await call<Job>(a, 'POST', JOBS_PATH, { body });
    await until(async () => (await jobPods(a, job)).length > 0, { timeoutMs: 10_000, intervalMs: 10 });
    await cluster.get().kill(a);
    console.log(`      leader killed with ${(await jobPods(b, job)).length} of ${PODS} pods created`);
    await cluster.get().waitToLead(b);
    await until(async () => (await getJob(b)).status?.active === PODS, { timeoutMs: 30_000, describe: async () => `${(await jobPods(b, job)).length} pods` });
    await sleep(1_000);
    assert.equal((await jobPods(b, job)).length, PODS);

    const c = await cluster.get().start();
    const succeed = async (on: ControlPlaneReplica): Promise<void> => {
      for (const pod of await jobPods(on, job)) {
        if (pod.status?.phase === 'Succeeded') continue;
        await call(on, 'PATCH', `/api/v1/namespaces/default/pods/${pod.metadata.name ?? ''}/status`, { body: '{"status":{"phase":"Succeeded"}}', headers: { 'Content-Type': 'application/merge-patch+json' } });
      }
    };
    // The pods succeed through b while b counts them; what b's death interrupts is finished through c.
    const finishing = succeed(b).then(() => true, () => false);
    await until(async () => ((await getJob(b)).status?.succeeded ?? 0) > 0, { timeoutMs: 20_000, intervalMs: 10 });
    await cluster.get().kill(b);
    if (!(await finishing)) await succeed(c);
    const mid = (await getJob(c)).status;
    console.log(`      leader killed with succeeded ${mid?.succeeded ?? 0}, ${mid?.uncountedTerminatedPods?.succeeded?.length ?? 0} uncounted`);
    await cluster.get().waitToLead(c);
    const describe = async (): Promise<string> => `${JSON.stringify((await getJob(c)).status)}; ${c.process.logs.slice(-5).join(' | ')}`;
    await until(async () => (await getJob(c)).status?.conditions?.some((x) => x.type === 'Complete' && x.status === 'True'), { timeoutMs: 30_000, describe });
    const done = await getJob(c);
    assert.equal(done.status?.succeeded, PODS, await describe());
    assert.equal((await jobPods(c, job)).length, PODS);
    assert.ok((await jobPods(c, job)).every((p) => !p.metadata.finalizers?.length));

    const store = cluster.get().etcd.store();
    await sleep(500);
    const before = await store.currentRevision();
    await sleep(2_000);
    assert.equal(await store.currentRevision(), before, 'an idle cluster with a finished Job writes nothing');
  });
});
