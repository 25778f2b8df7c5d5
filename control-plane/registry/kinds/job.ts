/**
 * Jobs (pkg/registry/batch/job): created with an empty status and generation 1; defaults on
 * every write; unless `manualSelector` is true the server labels the template with the job's
 * name and uid and selects by the uid (withGeneratedSelector). A batch/v1 DELETE naming no
 * propagation policy orphans the pods, as Kubernetes keeps it for compatibility (kubectl asks
 * for Background). Status is the controller's, through `…/status`.
 */
import type { Job } from '../../../api/batch-v1';
import { defaultJob, withGeneratedSelector } from '../../../api/defaults/job-defaults';
import { metadataFieldGetters, selectableFields } from '../../../api/field-selector';
import { validateJob, validateJobUpdate } from '../../../api/validation/job-validation';
import { jobPrinter } from '../../apiserver/tables/job-printer';
import { defaultStrategy, replaceContents, SPEC_STATUS_FIELDS } from '../default-strategy';
import { defineKind } from '../resource-definition';
import type { ResourceStrategy } from '../strategy';
import { STATUS } from '../subresource';

const base = defaultStrategy<Job>({ topLevelFields: SPEC_STATUS_FIELDS, hasStatus: true });

function withDefaults(job: Job): Job {
  return replaceContents(job, defaultJob(job));
}

export const jobStrategy: ResourceStrategy<Job> = {
  ...base,
  defaultGarbageCollectionPolicy: 'OrphanDependents',
  prepareForCreate: (job) => {
    replaceContents(job, withGeneratedSelector(withDefaults(job))).status = {};
  },
  validate: (job) => validateJob(job),
  prepareForUpdate: (job, old) => base.prepareForUpdate(withDefaults(job), old),
  validateUpdate: (job, old) => validateJobUpdate(job, old),
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
