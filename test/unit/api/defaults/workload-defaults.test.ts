import assert from 'node:assert/strict';
import { defaultCronJob } from '../../../../api/defaults/cronjob-defaults';
import { defaultDaemonSet } from '../../../../api/defaults/daemonset-defaults';
import { defaultDeployment } from '../../../../api/defaults/deployment-defaults';
import { defaultJob, withGeneratedSelector } from '../../../../api/defaults/job-defaults';
import { defaultPod, defaultPodTemplateSpec } from '../../../../api/defaults/pod-defaults';
import { defaultReplicaSet } from '../../../../api/defaults/replicaset-defaults';
import { defaultStatefulSet } from '../../../../api/defaults/statefulset-defaults';
import { aCronJob, aDaemonSet, aDeployment, aJob, aReplicaSet, aStatefulSet, aTemplate } from '../workload-builders';

describe('pod template defaults', () => {
  it('fills the pod-spec defaults a Deployment template shows in kubectl get -o yaml', () => {
    const t = defaultPodTemplateSpec(aTemplate());
    assert.deepEqual(t.spec, {
      containers: [{ name: 'web', image: 'nginx:1.27', imagePullPolicy: 'IfNotPresent', terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File' }],
      dnsPolicy: 'ClusterFirst', restartPolicy: 'Always', securityContext: {}, terminationGracePeriodSeconds: 30, schedulerName: 'default-scheduler',
    });
  });

  it('leaves pod-only defaults to the pods: no priority, tolerations, service links, requests from limits or host ports', () => {
    const template = aTemplate();
    template.spec.hostNetwork = true;
    template.spec.containers[0].ports = [{ containerPort: 80 }];
    template.spec.containers[0].resources = { limits: { cpu: '0.5' } };
    const t = defaultPodTemplateSpec(template);
    assert.deepEqual(t.spec.containers[0].ports, [{ containerPort: 80, protocol: 'TCP' }]);
    assert.deepEqual(t.spec.containers[0].resources, { limits: { cpu: '500m' } });
    for (const field of ['priority', 'tolerations', 'enableServiceLinks', 'preemptionPolicy']) assert.equal(field in t.spec, false, field);
  });

  it('still gives pods every default they had', () => {
    const spec = defaultPod({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { hostNetwork: true, containers: [{ name: 'c', image: 'x', ports: [{ containerPort: 80 }], resources: { limits: { cpu: '1' } } }] } }).spec;
    assert.equal(spec.enableServiceLinks, true);
    assert.equal(spec.containers[0].ports?.[0].hostPort, 80);
    assert.deepEqual(spec.containers[0].resources?.requests, { cpu: '1' });
    assert.equal(spec.tolerations?.length, 2);
  });
});

describe('apps/v1 defaults', () => {
  it('defaults a Deployment as SetDefaults_Deployment', () => {
    const spec = defaultDeployment(aDeployment()).spec;
    assert.equal(spec.replicas, 1);
    assert.deepEqual(spec.strategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } });
    assert.equal(spec.revisionHistoryLimit, 10);
    assert.equal(spec.progressDeadlineSeconds, 600);
    assert.equal(spec.template.spec.restartPolicy, 'Always');
  });

  it('keeps what the user set, including replicas 0 and a Recreate strategy without rollingUpdate', () => {
    const spec = defaultDeployment(aDeployment({ replicas: 0, strategy: { type: 'Recreate' }, revisionHistoryLimit: 0 })).spec;
    assert.equal(spec.replicas, 0);
    assert.deepEqual(spec.strategy, { type: 'Recreate' });
    assert.equal(spec.revisionHistoryLimit, 0);
    assert.deepEqual(defaultDeployment(aDeployment({ strategy: { rollingUpdate: { maxSurge: 0 } } })).spec.strategy, { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: '25%' } });
  });

  it('does not change its input', () => {
    const d = aDeployment();
    defaultDeployment(d);
    assert.equal(d.spec.replicas, undefined);
  });

  it('defaults a ReplicaSet to one replica', () => {
    assert.equal(defaultReplicaSet(aReplicaSet()).spec.replicas, 1);
    assert.equal(defaultReplicaSet(aReplicaSet({ template: undefined })).spec.template?.spec.restartPolicy, 'Always');
  });

  it('defaults a DaemonSet to RollingUpdate 1 unavailable, 0 surge', () => {
    const spec = defaultDaemonSet(aDaemonSet()).spec;
    assert.deepEqual(spec.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
    assert.equal(spec.revisionHistoryLimit, 10);
    assert.deepEqual(defaultDaemonSet(aDaemonSet({ updateStrategy: { type: 'OnDelete' } })).spec.updateStrategy, { type: 'OnDelete' });
  });

  it('defaults a StatefulSet as SetDefaults_StatefulSet', () => {
    const spec = defaultStatefulSet(aStatefulSet({ volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { resources: { requests: { storage: '1Gi' } } } }] })).spec;
    assert.equal(spec.replicas, 1);
    assert.equal(spec.podManagementPolicy, 'OrderedReady');
    assert.deepEqual(spec.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
    assert.deepEqual(spec.persistentVolumeClaimRetentionPolicy, { whenDeleted: 'Retain', whenScaled: 'Retain' });
    assert.equal(spec.revisionHistoryLimit, 10);
    assert.deepEqual(spec.volumeClaimTemplates?.[0], { metadata: { name: 'data' }, spec: { resources: { requests: { storage: '1Gi' } }, volumeMode: 'Filesystem' }, status: { phase: 'Pending' } });
  });

  it('creates a StatefulSet rollingUpdate only when it defaulted the type', () => {
    assert.deepEqual(defaultStatefulSet(aStatefulSet({ updateStrategy: { type: 'RollingUpdate' } })).spec.updateStrategy, { type: 'RollingUpdate' });
    assert.deepEqual(defaultStatefulSet(aStatefulSet({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: {} } })).spec.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
  });
});

describe('batch/v1 defaults', () => {
  // Cases of pkg/apis/batch/v1 defaults_test.go TestSetDefaultJob.
  const counts: [string, { completions?: number; parallelism?: number; backoffLimitPerIndex?: number }, { completions?: number; parallelism: number; backoffLimit: number }][] = [
    ['neither completions nor parallelism', {}, { completions: 1, parallelism: 1, backoffLimit: 6 }],
    ['only completions', { completions: 5 }, { completions: 5, parallelism: 1, backoffLimit: 6 }],
    ['only parallelism (a work queue)', { parallelism: 3 }, { completions: undefined, parallelism: 3, backoffLimit: 6 }],
    ['zero parallelism', { parallelism: 0 }, { completions: undefined, parallelism: 0, backoffLimit: 6 }],
    ['backoffLimitPerIndex', { completions: 4, backoffLimitPerIndex: 1 }, { completions: 4, parallelism: 1, backoffLimit: 2147483647 }],
  ];
  for (const [name, given, expected] of counts) {
    it(`defaults the counts of a job with ${name}`, () => {
      const spec = defaultJob(aJob(given)).spec;
      assert.deepEqual({ completions: spec.completions, parallelism: spec.parallelism, backoffLimit: spec.backoffLimit }, expected);
    });
  }

  it('fills the other Job defaults', () => {
    const spec = defaultJob(aJob()).spec;
    assert.equal(spec.completionMode, 'NonIndexed');
    assert.equal(spec.suspend, false);
    assert.equal(spec.manualSelector, false);
    assert.equal(spec.podReplacementPolicy, 'TerminatingOrFailed');
    assert.equal(spec.template.spec.restartPolicy, 'Never');
  });

  it('uses podReplacementPolicy Failed with a podFailurePolicy, whose pattern status defaults to True', () => {
    const spec = defaultJob(aJob({ podFailurePolicy: { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] }] } })).spec;
    assert.equal(spec.podReplacementPolicy, 'Failed');
    assert.equal(spec.podFailurePolicy?.rules[0].onPodConditions?.[0].status, 'True');
  });

  it("copies the template's labels to a job without labels", () => {
    assert.deepEqual(defaultJob(aJob({ template: aTemplate({ app: 'pi' }, 'Never') })).metadata.labels, { app: 'pi' });
    const own = aJob({ template: aTemplate({ app: 'pi' }, 'Never') });
    own.metadata.labels = { team: 'a' };
    assert.deepEqual(defaultJob(own).metadata.labels, { team: 'a' });
  });

  it('generates the selector and template labels from the uid on create', () => {
    const job = withGeneratedSelector(defaultJob(aJob()));
    assert.deepEqual(job.spec.selector, { matchLabels: { 'batch.kubernetes.io/controller-uid': 'uid-1' } });
    assert.deepEqual(job.spec.template.metadata?.labels, {
      'job-name': 'pi', 'batch.kubernetes.io/job-name': 'pi', 'controller-uid': 'uid-1', 'batch.kubernetes.io/controller-uid': 'uid-1',
    });
    const manual = aJob({ manualSelector: true, selector: { matchLabels: { app: 'x' } } });
    assert.equal(withGeneratedSelector(manual), manual);
  });

  it('defaults a CronJob but not the JobSpec fields of its jobTemplate', () => {
    const spec = defaultCronJob(aCronJob()).spec;
    assert.equal(spec.concurrencyPolicy, 'Allow');
    assert.equal(spec.suspend, false);
    assert.equal(spec.successfulJobsHistoryLimit, 3);
    assert.equal(spec.failedJobsHistoryLimit, 1);
    assert.equal(spec.jobTemplate.spec.backoffLimit, undefined);
    assert.equal(spec.jobTemplate.spec.template.spec.terminationGracePeriodSeconds, 30);
  });
});
