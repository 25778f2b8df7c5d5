/**
 * CronJobs (pkg/registry/batch/cronjob): created with an empty status and generation 1;
 * defaults on every write; the schedule and time zone must parse (validation); a spec change
 * bumps the generation. Status is the controller's, through `…/status`.
 */
import type { CronJob } from '../../../api/batch-v1';
import { defaultCronJob } from '../../../api/defaults/cronjob-defaults';
import { metadataFieldGetters, selectableFields } from '../../../api/field-selector';
import { validateCronJob, validateCronJobUpdate } from '../../../api/validation/cronjob-validation';
import { cronJobPrinter } from '../../apiserver/tables/cron-job-printer';
import { defaultStrategy, replaceContents, SPEC_STATUS_FIELDS } from '../default-strategy';
import { defineKind } from '../resource-definition';
import type { ResourceStrategy } from '../strategy';
import { STATUS } from '../subresource';

const base = defaultStrategy<CronJob>({ topLevelFields: SPEC_STATUS_FIELDS, hasStatus: true });

function withDefaults(cronJob: CronJob): CronJob {
  return replaceContents(cronJob, defaultCronJob(cronJob));
}

export const cronJobStrategy: ResourceStrategy<CronJob> = {
  ...base,
  prepareForCreate: (cronJob) => {
    withDefaults(cronJob).status = {};
  },
  validate: (cronJob) => validateCronJob(cronJob),
  prepareForUpdate: (cronJob, old) => base.prepareForUpdate(withDefaults(cronJob), old),
  validateUpdate: (cronJob, old) => validateCronJobUpdate(cronJob, old),
};

export const CRON_JOBS = defineKind<CronJob>({
  group: 'batch', version: 'v1', resource: 'cronjobs', singularName: 'cronjob', kind: 'CronJob', listKind: 'CronJobList', namespaced: true,
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'], shortNames: ['cj'], categories: ['all'],
  strategy: cronJobStrategy,
  printer: cronJobPrinter,
  fields: selectableFields<CronJob>(metadataFieldGetters(true)),
  subresources: { status: STATUS },
});
