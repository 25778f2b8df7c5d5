/**
 * A CronJob firing every minute with concurrencyPolicy Forbid on two simulated Pis: its Job's
 * pod really runs (for longer than a minute), the next minute's run is held back while it does
 * (JobAlreadyActive), and starts once the first Job has completed, never beside it. Deleting the
 * CronJob takes its Jobs and their pods. Needs the Job controller (it runs the Jobs' pods).
 */
import assert from 'node:assert/strict';
import type { Job } from '../../api/batch-v1';
import { withTestCluster, type TestCluster } from '../support/cluster-fixture';
import { until } from '../../scripts/cluster/wait-until';
import { kubectlOk } from '../support/kubectl-pods';

const MANIFEST = `apiVersion: batch/v1
kind: CronJob
metadata:
  name: ticker
spec:
  schedule: "*/1 * * * *"
  concurrencyPolicy: Forbid
  jobTemplate:
    spec:
      template:
        metadata:
          labels: { app: ticker }
        spec:
          restartPolicy: Never
          terminationGracePeriodSeconds: 1
          containers:
            - name: tick
              image: pikube/busybox:latest
              imagePullPolicy: IfNotPresent
              command: ["sh", "-c", "echo tick; sleep 65"]
`;

describe('CronJobs on the simulated cluster', function () {
  this.timeout(240_000);
  const cluster = withTestCluster({ nodes: ['pi1', 'pi2'] });
  const tc = (): TestCluster => cluster.get();
  const kubectl = (...args: string[]): Promise<string> => kubectlOk(tc(), args);

  const jobs = async (): Promise<Job[]> => {
    const list = JSON.parse(await kubectl('get', 'jobs', '-o', 'json')) as { items: Job[] };
    return list.items.filter((j) => j.metadata.ownerReferences?.some((r) => r.kind === 'CronJob' && r.name === 'ticker'))
      .sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
  };
  const podPhases = async (): Promise<string[]> => (await kubectl('get', 'pods', '-l', 'app=ticker', '-o', 'jsonpath={.items[*].status.phase}')).split(' ').filter(Boolean);
  const describe = async (): Promise<string> => `jobs ${JSON.stringify((await jobs()).map((j) => [j.metadata.name, j.status]))}; pods ${(await podPhases()).join(',')}`;
  const isComplete = (job: Job | undefined): boolean => job?.status?.conditions?.some((c) => c.type === 'Complete' && c.status === 'True') ?? false;

  it('runs one Job a minute, holding the next back while one runs (Forbid), and starts it once the first completed', async () => {
    assert.equal((await tc().kubectl(['apply', '-f', '-'], { input: MANIFEST })).code, 0);
    const [first] = await until(async () => {
      const found = await jobs();
      return found.length === 1 && (await podPhases()).includes('Running') ? found : undefined;
    }, { timeoutMs: 100_000, intervalMs: 1000, describe });
    const firstName = first?.metadata.name ?? '';

    const held = await until(async () => {
      const events = await kubectl('get', 'events', '--field-selector', 'reason=JobAlreadyActive,involvedObject.name=ticker', '-o', 'name');
      return events.trim() !== '' ? events : undefined;
    }, { timeoutMs: 70_000, intervalMs: 1000, describe });
    assert.ok(held);
    assert.deepEqual((await jobs()).map((j) => j.metadata.name), [firstName], 'a second Job started beside the first');

    const [done, second] = await until(async () => {
      const found = await jobs();
      return found.length === 2 && isComplete(found.find((j) => j.metadata.name === firstName)) ? [found.find((j) => j.metadata.name === firstName), found.find((j) => j.metadata.name !== firstName)] : undefined;
    }, { timeoutMs: 90_000, intervalMs: 1000, describe });
    assert.ok(Date.parse(second?.metadata.creationTimestamp ?? '') >= Date.parse(done?.status?.completionTime ?? ''), await describe());
    assert.equal(done?.status?.succeeded, 1);

    const cronJob = JSON.parse(await kubectl('get', 'cronjob', 'ticker', '-o', 'json')) as { status?: { lastSuccessfulTime?: string; active?: { name: string }[] } };
    assert.equal(cronJob.status?.lastSuccessfulTime, done?.status?.completionTime);
    assert.deepEqual(cronJob.status?.active?.map((r) => r.name), [second?.metadata.name]);
    const described = await kubectl('describe', 'cronjob', 'ticker');
    assert.match(described, /JobAlreadyActive\s+.*Not starting job because prior execution is running and concurrency policy is Forbid/);
    assert.match(described, new RegExp(`SawCompletedJob\\s+.*Saw completed job: ${firstName}, condition: Complete`));
  });

  it('kubectl delete cronjob takes its Jobs and their pods', async () => {
    assert.equal((await kubectl('delete', 'cronjob', 'ticker')).trim(), 'cronjob.batch "ticker" deleted');
    await until(async () => (await jobs()).length === 0 && (await podPhases()).length === 0, { timeoutMs: 60_000, intervalMs: 1000, describe });
  });
});
