import { strict as assert } from 'node:assert';
import type { CronJob, Job } from '../../../../api/batch-v1';
import { cronJobController } from '../../../../control-plane/controllers/cron-job-controller';
import { garbageCollectorController } from '../../../../control-plane/controllers/garbage-collector-controller';
import { timestamp } from '../../../../control-plane/registry/object-meta';
import { until } from '../../../../scripts/cluster/wait-until';
import type { ApiServerFixture } from '../../../support/api-server-fixture';
import { withApiAndControllers } from '../../../support/controllers-fixture';
import { tableRows } from '../../../support/kubectl-table';

const CJ = 'cronjobs.batch';
const JOBS = 'jobs.batch';

/** A CronJob manifest as the course notes write them (batch/v1 now). */
function cronJobYaml(name: string, extra: string): string {
  return `apiVersion: batch/v1
kind: CronJob
metadata:
  name: ${name}
spec:
  schedule: "0 */5 * * *"
${extra}  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - name: batch-job
            image: my-batch-image
          restartPolicy: OnFailure
`;
}

describe('CronJobs through the real kubectl (real etcd, API server, controllers on the system clock)', function () {
  this.timeout(120_000);
  const fixture = withApiAndControllers([cronJobController, garbageCollectorController]);
  const api = (): ApiServerFixture => fixture.get().api;
  const kubectl = (args: string[], input?: string) => fixture.get().kubectl(args, input);

  const getCj = (name: string): Promise<CronJob> => api().registry.get<CronJob>(CJ, 'default', name);
  const jobsOf = async (cj: CronJob): Promise<Job[]> =>
    (await api().registry.list<Job>(JOBS, { namespace: 'default' })).items.filter((j) => j.metadata.ownerReferences?.some((r) => r.uid === cj.metadata.uid));

  it('refuses a bad schedule or time zone with 422 and the field path, writing nothing', async () => {
    const cases: [string[], string | undefined, string][] = [
      [['create', 'cronjob', 'bad', '--image=busybox', '--schedule=not a cron'], undefined,
        'error: failed to create cronjob: CronJob.batch "bad" is invalid: spec.schedule: Invalid value: "not a cron": expected exactly 5 fields, found 3: [not a cron]'],
      [['create', 'cronjob', 'bad', '--image=busybox', '--schedule=CRON_TZ=UTC */1 * * * *'], undefined,
        'error: failed to create cronjob: CronJob.batch "bad" is invalid: spec.schedule: Invalid value: "CRON_TZ=UTC */1 * * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead'],
      [['create', 'cronjob', 'bad', '--image=busybox', '--schedule=61 * * * 7'], undefined,
        'error: failed to create cronjob: CronJob.batch "bad" is invalid: spec.schedule: Invalid value: "61 * * * 7": end of range (61) above maximum (59): 61'],
      [['create', 'cronjob', 'bad', '--image=busybox', '--schedule=@fortnightly'], undefined,
        'error: failed to create cronjob: CronJob.batch "bad" is invalid: spec.schedule: Invalid value: "@fortnightly": unrecognized descriptor: @fortnightly'],
      [['apply', '-f', '-'], cronJobYaml('bad', '  timeZone: Mars/Olympus\n'),
        'The CronJob "bad" is invalid: spec.timeZone: Invalid value: "Mars/Olympus": unknown time zone Mars/Olympus'],
    ];
    for (const [args, input, message] of cases) {
      const result = await kubectl(args, input);
      assert.notEqual(result.code, 0);
      assert.equal(result.out, message, `kubectl ${args.join(' ')}`);
    }
    const get = await kubectl(['get', 'cronjob', 'bad']);
    assert.equal(get.out, 'Error from server (NotFound): cronjobs.batch "bad" not found');
  });

  it('runs a */1 CronJob made by kubectl create cronjob within a minute, and shows it in get, describe, create job --from, patch and delete', async () => {
    const created = await kubectl(['create', 'cronjob', 'tick', '--image=busybox', '--schedule=*/1 * * * *', '--', 'echo', 'hi']);
    assert.equal(created.out, 'cronjob.batch/tick created');
    const cj = await getCj('tick');
    assert.deepEqual(cj.spec.jobTemplate.spec.template.spec?.containers.map((c) => [c.name, c.image, c.command]), [['tick', 'busybox', ['echo', 'hi']]]);
    assert.equal(cj.spec.concurrencyPolicy, 'Allow');
    assert.equal(cj.spec.successfulJobsHistoryLimit, 3);

    const before = await kubectl(['get', 'cronjobs']);
    assert.deepEqual(tableRows(before.stdout)[0], ['NAME', 'SCHEDULE', 'TIMEZONE', 'SUSPEND', 'ACTIVE', 'LAST SCHEDULE', 'AGE']);
    assert.deepEqual(tableRows(before.stdout)[1]?.slice(0, 6), ['tick', '*/1 * * * *', '<none>', 'False', '0', '<none>']);

    const started = Date.now();
    const [job] = await until(async () => {
      const jobs = await jobsOf(cj);
      return jobs.length > 0 && (await getCj('tick')).status?.active?.length === 1 ? jobs : undefined;
    }, { timeoutMs: 65_000, describe: async () => JSON.stringify((await getCj('tick')).status) });
    const firedAfterMs = Date.now() - started;
    const status = (await getCj('tick')).status;
    const scheduled = status?.lastScheduleTime ?? '';
    assert.equal(job?.metadata.name, `tick-${Date.parse(scheduled) / 60_000}`);
    assert.equal(new Date(scheduled).getUTCSeconds(), 0);
    assert.equal(job?.metadata.annotations?.['batch.kubernetes.io/cronjob-scheduled-timestamp'], scheduled);
    assert.deepEqual(job?.metadata.ownerReferences, [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'tick', uid: cj.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    console.log(`      fired ${firedAfterMs} ms after create; job created ${Date.parse(job?.metadata.creationTimestamp ?? '') - Date.parse(scheduled)} ms after its scheduled time (second precision)`);

    const get = await kubectl(['get', 'cj', 'tick']);
    assert.deepEqual(tableRows(get.stdout)[1]?.slice(0, 5), ['tick', '*/1 * * * *', '<none>', 'False', '1']);
    assert.match(tableRows(get.stdout)[1]?.[5] ?? '', /^\d+s$/);
    const describe = await kubectl(['describe', 'cronjob', 'tick']);
    assert.match(describe.out, /^Schedule:\s+\*\/1 \* \* \* \*$/m);
    assert.match(describe.out, /^Concurrency Policy:\s+Allow$/m);
    assert.match(describe.out, new RegExp(`^Active Jobs:\\s+${job?.metadata.name ?? ''}$`, 'm'));
    assert.match(describe.out, new RegExp(`Normal\\s+SuccessfulCreate\\s+\\S+\\s+cronjob-controller\\s+Created job ${job?.metadata.name ?? ''}`));

    // The Job controller is not part of this test: the Job's completion is written as it would write it.
    const completion = timestamp(new Date());
    const fresh = await api().registry.get<Job>(JOBS, 'default', job?.metadata.name ?? '');
    await api().registry.updateStatus(JOBS, 'default', job?.metadata.name ?? '', { ...fresh, status: { startTime: scheduled, completionTime: completion, succeeded: 1, conditions: [{ type: 'Complete', status: 'True' }] } });
    await until(async () => (await getCj('tick')).status?.lastSuccessfulTime === completion, { timeoutMs: 5000, describe: async () => JSON.stringify((await getCj('tick')).status) });
    assert.equal((await getCj('tick')).status?.active, undefined);
    const described = await kubectl(['describe', 'cronjob', 'tick']);
    assert.match(described.out, new RegExp(`SawCompletedJob\\s+\\S+\\s+cronjob-controller\\s+Saw completed job: ${job?.metadata.name ?? ''}, condition: Complete`));

    const manual = await kubectl(['create', 'job', 'by-hand', '--from=cronjob/tick']);
    assert.equal(manual.out, 'job.batch/by-hand created');
    const byHand = await api().registry.get<Job>(JOBS, 'default', 'by-hand');
    assert.equal(byHand.metadata.annotations?.['cronjob.kubernetes.io/instantiate'], 'manual');
    assert.equal(byHand.metadata.ownerReferences?.[0]?.uid, cj.metadata.uid);
    assert.deepEqual(byHand.spec.template.spec?.containers.map((c) => c.command), [['echo', 'hi']]);

    const patched = await kubectl(['patch', 'cronjob', 'tick', '-p', '{"spec":{"suspend":true}}']);
    assert.equal(patched.out, 'cronjob.batch/tick patched');
    assert.deepEqual(tableRows((await kubectl(['get', 'cronjob', 'tick'])).stdout)[1]?.slice(0, 4), ['tick', '*/1 * * * *', '<none>', 'True']);

    const deleted = await kubectl(['delete', 'cronjob', 'tick']);
    assert.equal(deleted.out, 'cronjob.batch "tick" deleted');
    await until(async () => (await jobsOf(cj)).length === 0, { timeoutMs: 15_000, describe: async () => JSON.stringify((await jobsOf(cj)).map((j) => j.metadata.name)) });
  });

  it('shows the time zone of a CronJob applied from a manifest', async () => {
    const applied = await kubectl(['apply', '-f', '-'], cronJobYaml('example-cron', '  timeZone: Europe/Paris\n'));
    assert.equal(applied.out, 'cronjob.batch/example-cron created');
    const get = await kubectl(['get', 'cronjobs']);
    assert.deepEqual(tableRows(get.stdout)[1]?.slice(0, 6), ['example-cron', '0 */5 * * *', 'Europe/Paris', 'False', '0', '<none>']);
    const describe = await kubectl(['describe', 'cronjob.batch/example-cron']);
    for (const line of [/^Schedule:\s+0 \*\/5 \* \* \*$/m, /^Concurrency Policy:\s+Allow$/m, /^Suspend:\s+False$/m, /^Successful Job History Limit:\s+3$/m, /^Failed Job History Limit:\s+1$/m, /^Starting Deadline Seconds:\s+<unset>$/m]) {
      assert.match(describe.out, line);
    }
    await kubectl(['delete', 'cronjob', 'example-cron']);
  });
});
