/**
 * The CronJob controller across a SIGKILLed control plane (issue 11): the leader is killed the
 * moment its Job of minute M shows (its status write may or may not have landed), and the
 * control plane stays down over the next two scheduled minutes. The restarted control plane
 * starts the most recent missed minute only, never the Job of M again (Job names are the
 * scheduled minute); the Job of M is listed if the status write landed, otherwise reported
 * as UnexpectedJob, as Kubernetes does.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CronJob, Job } from '../../../../api/batch-v1';
import type { Event } from '../../../../api/core-v1';
import type { KubeList } from '../../../../api/meta';
import { until } from '../../../../scripts/cluster/wait-until';
import type { RequestOptions } from '../../../support/api-server-fixture';
import type { ControlPlaneReplica } from '../../../support/control-plane-process';
import { withControlPlaneReplicas } from '../../../support/replica-fixture';

const CJ_PATH = '/apis/batch/v1/namespaces/default/cronjobs';
const JOBS_PATH = '/apis/batch/v1/namespaces/default/jobs';
const MINUTE = 60_000;

describe('CronJob controller: a SIGKILLed control plane neither repeats nor piles up runs', function () {
  this.timeout(240_000);
  const cluster = withControlPlaneReplicas('cj-failover');
  const call = <T>(on: ControlPlaneReplica, method: string, p: string, options?: RequestOptions): Promise<T> => cluster.get().call<T>(on, method, p, options);

  const jobNames = async (on: ControlPlaneReplica): Promise<string[]> =>
    (await call<KubeList<Job>>(on, 'GET', JOBS_PATH)).items.map((j) => j.metadata.name ?? '').sort();

  it('after an outage over two scheduled minutes, starts the most recent only, and never the killed leader\'s again', async () => {
    const a = await cluster.get().startLeader();
    const body = {
      apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'tick' },
      spec: { schedule: '*/1 * * * *', jobTemplate: { spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'pikube/busybox:latest' }] } } } } },
    };
    await call<CronJob>(a, 'POST', CJ_PATH, { body });
    const [first] = await until(async () => {
      const names = await jobNames(a);
      return names.length > 0 ? names : undefined;
    }, { timeoutMs: 65_000, intervalMs: 10 });
    await cluster.get().kill(a);
    const killedAt = Date.now();
    const minuteM = Number(first?.slice('tick-'.length));
    // Down over minutes M+1 and M+2, back 20 s into M+2.
    const backAt = (minuteM + 2) * MINUTE + 20_000;
    await sleep(backAt - Date.now());
    const b = await cluster.get().startLeader();
    const expected = [`tick-${minuteM}`, `tick-${minuteM + 2}`];
    const describe = async (): Promise<string> => `${JSON.stringify(await jobNames(b))}; ${b.process.logs.slice(-5).join(' | ')}`;
    await until(async () => JSON.stringify(await jobNames(b)) === JSON.stringify(expected), { timeoutMs: 20_000, intervalMs: 200, describe });
    const cronJob = await until(async () => {
      const cj = await call<CronJob>(b, 'GET', `${CJ_PATH}/tick`);
      return cj.status?.active?.some((r) => r.name === expected[1]) ? cj : undefined;
    }, { timeoutMs: 10_000, describe });
    assert.equal(cronJob.status?.lastScheduleTime, new Date((minuteM + 2) * MINUTE).toISOString().replace('.000Z', 'Z'));
    // The killed leader's status write either landed (its Job is listed) or not: then, as in
    // Kubernetes, the Job of M is reported as one the controller forgot, and never started again.
    const listed = cronJob.status?.active?.some((r) => r.name === expected[0]) ?? false;
    if (!listed) {
      const events = await call<KubeList<Event>>(b, 'GET', '/api/v1/namespaces/default/events?fieldSelector=reason%3DUnexpectedJob');
      assert.ok(events.items.some((e) => e.message === `Saw a job that the controller did not create or forgot: ${expected[0] ?? ''}`), JSON.stringify(events.items.map((e) => e.message)));
    }
    await sleep(2_000);
    assert.deepEqual(await jobNames(b), expected, 'a Job was started twice');
    console.log(`      leader killed ${killedAt - minuteM * MINUTE} ms after minute M, as ${first ?? ''} appeared (status written: ${String(listed)}); down ${Math.round((backAt - killedAt) / 1000)} s`);
  });
});
