/**
 * Jobs (pkg/registry/batch/job): created with an empty status and generation 1; defaults on
 * every write; unless `manualSelector` is true the server labels the template with the job's
 * name and uid and selects by the uid (withGeneratedSelector). A batch/v1 DELETE naming no
 * propagation policy orphans the pods, as Kubernetes keeps it for compatibility (kubectl asks
 * for Background), and warns so. Status is the controller's, through `…/status`, validated as
 * validateJobStatus does.
 *
 * The job controller does not implement backoffLimitPerIndex and maxFailedIndexes: a Job
 * asking for them is refused (422 Forbidden on the field) rather than accepted and run as if
 * they were not there.
 */
import type { Job, JobSpec } from '../../../api/batch-v1';
import { defaultJob, withGeneratedSelector } from '../../../api/defaults/job-defaults';
import { metadataFieldGetters, selectableFields } from '../../../api/field-selector';
import { child } from '../../../api/validation/field-path';
import { forbidden, type FieldCause } from '../../../api/validation/field-errors';
import { validateJobStatusUpdate } from '../../../api/validation/job-status-validation';
import { validateJob, validateJobUpdate } from '../../../api/validation/job-validation';
import { jobPrinter } from '../../apiserver/tables/job-printer';
import { defaultStrategy, replaceContents, SPEC_STATUS_FIELDS } from '../default-strategy';
import { defineKind } from '../resource-definition';
import type { DeleteOptions, ResourceStrategy } from '../strategy';
import { STATUS } from '../subresource';

const base = defaultStrategy<Job>({ topLevelFields: SPEC_STATUS_FIELDS, hasStatus: true });

/** deleteOptionWarnings (pkg/registry/batch/job/storage), for a DELETE that leaves the policy to the batch/v1 default. */
export const JOB_DELETE_WARNING = 'child pods are preserved by default when jobs are deleted; set propagationPolicy=Background to remove them or set propagationPolicy=Orphan to suppress this warning';

const UNSUPPORTED: readonly (keyof JobSpec)[] = ['backoffLimitPerIndex', 'maxFailedIndexes'];

/** Fields the job controller does not act on (see the file comment). */
function unsupported(job: Job): FieldCause[] {
  return UNSUPPORTED.filter((field) => job.spec?.[field] !== undefined).map((field) => forbidden(child('spec', field), 'not supported by pikube\'s job controller'));
}

function withDefaults(job: Job): Job {
  return replaceContents(job, defaultJob(job));
}

export const jobStrategy: ResourceStrategy<Job> = {
  ...base,
  defaultGarbageCollectionPolicy: 'OrphanDependents',
  prepareForCreate: (job) => {
    replaceContents(job, withGeneratedSelector(withDefaults(job))).status = {};
  },
  validate: (job) => [...validateJob(job), ...unsupported(job)],
  prepareForUpdate: (job, old) => base.prepareForUpdate(withDefaults(job), old),
  validateUpdate: (job, old) => [...validateJobUpdate(job, old), ...unsupported(job)],
  validateStatusUpdate: (job, old) => validateJobStatusUpdate(job, old),
  deleteWarnings: (options: DeleteOptions) => (options.propagationPolicy === undefined && options.orphanDependents === undefined ? [JOB_DELETE_WARNING] : []),
};

export const JOBS = defineKind<Job>({
  group: 'batch', version: 'v1', resource: 'jobs', singularName: 'job', kind: 'Job', listKind: 'JobList', namespaced: true,
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'], categories: ['all'],
  strategy: jobStrategy,
  printer: jobPrinter,
  // JobToSelectableFields: the object metadata and status.successful.
  fields: selectableFields<Job>({ ...metadataFieldGetters(true), 'status.successful': (job) => String(job.status?.succeeded ?? 0) }),
  subresources: { status: STATUS },
});
