/**
 * The Job controller across SIGKILLed leaders (issue 11): two control-plane processes on one
 * etcd. The leader is killed in the middle of creating a Job's 40 pods, and the next leader in
 * the middle of counting them as they succeed; whoever leads next ends with exactly 40 pods and
 * succeeded 40, never a pod doubled nor a completion counted twice, because the pods' controller
 * references, the batch.kubernetes.io/job-tracking finalizers and status.uncountedTerminatedPods
 * in etcd (not memory) say what exists and what is counted. Then the idle cluster writes nothing.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Job } from '../../../../api/batch-v1';
import type { KubeList } from '../../../../api/meta';
import type { Pod } from '../../../../api/core-v1';
import { issueAdminCertificate, loadOrCreateClusterPki, type ClusterPki } from '../../../../control-plane/auth/cluster-pki';
import type { KeyPair } from '../../../../control-plane/auth/pki';
import { until } from '../../../../scripts/cluster/wait-until';
import { httpsRequest, type RequestOptions } from '../../../support/api-server-fixture';
import { startControlPlaneReplica, type ControlPlaneReplica } from '../../../support/control-plane-process';
import { withEtcd } from '../../../support/etcd-fixture';

/** The election's lease TTL (control-plane.ts): how long a SIGKILLed leader's key outlives it. */
const LEASE_TTL_MS = 10_000;
const JOBS_PATH = '/apis/batch/v1/namespaces/default/jobs';
const PODS = 40;

describe('Job controller: a SIGKILLed leader neither doubles pods nor counts a completion twice', function () {
  this.timeout(150_000);
  const etcd = withEtcd();
  let dir: string;
  let pki: ClusterPki;
  let admin: KeyPair;
  let prefix: string;
  const replicas: ControlPlaneReplica[] = [];

  async function startReplica(): Promise<ControlPlaneReplica> {
    const replica = await startControlPlaneReplica({ dataDir: dir, etcdEndpoint: etcd.get().endpoint, etcdPrefix: prefix });
    replicas.push(replica);
    return replica;
  }

  async function call<T>(on: ControlPlaneReplica, method: string, p: string, options: RequestOptions = {}): Promise<T> {
    const res = await httpsRequest(on.apiPort, pki, admin, method, p, { timeoutMs: 5_000, ...options });
    if (res.status >= 300) throw new Error(`${method} ${p}: ${res.status} ${res.text}`);
    return res.json<T>();
  }

  const jobPods = async (on: ControlPlaneReplica, job: Job): Promise<Pod[]> =>
    (await call<KubeList<Pod>>(on, 'GET', '/api/v1/namespaces/default/pods')).items.filter((p) => p.metadata.ownerReferences?.some((r) => r.uid === job.metadata.uid && r.controller));
  const getJob = (on: ControlPlaneReplica): Promise<Job> => call<Job>(on, 'GET', `${JOBS_PATH}/burst`);

  before(async function () {
    this.timeout(60_000);
    dir = mkdtempSync(path.join(os.tmpdir(), 'pikube-job-failover-'));
    prefix = etcd.get().keySpace().prefix;
    pki = loadOrCreateClusterPki(dir, '127.0.0.1');
    admin = issueAdminCertificate(pki.ca);
    const leader = await startReplica();
    await leader.process.waitForLog(/is now the leader/, 20_000);
    await startReplica();
  });

  after(async function () {
    this.timeout(30_000);
    await Promise.all(replicas.map((r) => r.process.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('finishes the creations and the counting the killed leaders began, with exactly 40 pods and succeeded 40', async () => {
    const [a, b] = replicas;
    const body = {
      apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'burst' },
      spec: { completions: PODS, parallelism: PODS, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'pikube/busybox:1.36' }] } } },
    };
    const job = await call<Job>(a, 'POST', JOBS_PATH, { body });
    await until(async () => (await jobPods(a, job)).length > 0, { timeoutMs: 10_000, intervalMs: 10 });
    await a.process.kill('SIGKILL');
    console.log(`      leader killed with ${(await jobPods(b, job)).length} of ${PODS} pods created`);
    await b.process.waitForLog(/is now the leader/, LEASE_TTL_MS + 10_000);
    await until(async () => (await getJob(b)).status?.active === PODS, { timeoutMs: 30_000, describe: async () => `${(await jobPods(b, job)).length} pods` });
    await sleep(1_000);
    assert.equal((await jobPods(b, job)).length, PODS);

    const c = await startReplica();
    const succeed = async (on: ControlPlaneReplica): Promise<void> => {
      for (const pod of await jobPods(on, job)) {
        if (pod.status?.phase === 'Succeeded') continue;
        await call(on, 'PATCH', `/api/v1/namespaces/default/pods/${pod.metadata.name ?? ''}/status`, { body: '{"status":{"phase":"Succeeded"}}', headers: { 'Content-Type': 'application/merge-patch+json' } });
      }
    };
    // The pods succeed through b while b counts them; what b's death interrupts is finished through c.
    const finishing = succeed(b).then(() => true, () => false);
    await until(async () => ((await getJob(b)).status?.succeeded ?? 0) > 0, { timeoutMs: 20_000, intervalMs: 10 });
    await b.process.kill('SIGKILL');
    if (!(await finishing)) await succeed(c);
    const mid = (await getJob(c)).status;
    console.log(`      leader killed with succeeded ${mid?.succeeded ?? 0}, ${mid?.uncountedTerminatedPods?.succeeded?.length ?? 0} uncounted`);
    await c.process.waitForLog(/is now the leader/, LEASE_TTL_MS + 10_000);
    const describe = async (): Promise<string> => `${JSON.stringify((await getJob(c)).status)}; ${c.process.logs.slice(-5).join(' | ')}`;
    await until(async () => (await getJob(c)).status?.conditions?.some((x) => x.type === 'Complete' && x.status === 'True'), { timeoutMs: 30_000, describe });
    const done = await getJob(c);
    assert.equal(done.status?.succeeded, PODS, await describe());
    assert.equal((await jobPods(c, job)).length, PODS);
    assert.ok((await jobPods(c, job)).every((p) => !p.metadata.finalizers?.length));

    const store = etcd.get().store();
    await sleep(500);
    const before = await store.currentRevision();
    await sleep(2_000);
    assert.equal(await store.currentRevision(), before, 'an idle cluster with a finished Job writes nothing');
  });
});
