/**
 * Job validation (pkg/apis/batch/validation ValidateJob / ValidateJobUpdate, 1.32), for a
 * defaulted Job whose selector the create strategy has generated (withGeneratedSelector).
 *
 * Worth knowing, all as Kubernetes does it: activeDeadlineSeconds only has to be non-negative
 * (0 passes, unlike a pod's); the template's restartPolicy must be OnFailure or Never, and Never
 * with a podFailurePolicy; an Indexed job needs completions and a name that leaves room for
 * `-<index>` in a DNS label; most of the spec is immutable once created.
 */
import type { Job, JobSpec } from '../batch-v1';
import { JOB_CONTROLLER_UID_LABEL, JOB_NAME_LABEL, LEGACY_JOB_CONTROLLER_UID_LABEL, LEGACY_JOB_NAME_LABEL } from '../batch-v1';
import { matchesLabels } from '../label-selector';
import { child, key } from './field-path';
import { invalid, invalidGo, notSupported, required, tooLong, type FieldCause } from './field-errors';
import { goLabelSelector, goStringMap } from './go-values';
import { validateImmutableField } from './immutable-field';
import { validatePodFailurePolicy, validateSuccessPolicy } from './job-policy-validation';
import { asSelector, validateLabelSelector, validateSelectorMatchesTemplate } from './label-selector-validation';
import { isDNS1123Label, isDNS1123Subdomain, nameIsDNSSubdomain, regexError } from './names';
import { validateNonnegative, validateObjectMeta, validateObjectMetaUpdate } from './object-meta';
import { validatePodTemplateSpec } from './pod-template-validation';

const SPEC = 'spec';
const MAX_PARALLELISM_INDEXED = 100_000;
const MAX_FAILED_INDEXES = 100_000;
const COMPLETIONS_SOFT_LIMIT = 100_000;
const PARALLELISM_LIMIT_HIGH_COMPLETIONS = 10_000;
const MAX_MANAGED_BY_LENGTH = 63;
const NON_NEGATIVE_FIELDS = ['parallelism', 'completions', 'activeDeadlineSeconds', 'backoffLimit', 'ttlSecondsAfterFinished', 'backoffLimitPerIndex', 'maxFailedIndexes'] as const;

export function validateJob(job: Job): FieldCause[] {
  const spec = job.spec ?? ({} as JobSpec);
  const causes = [
    ...validateObjectMeta(job.metadata ?? {}, true, nameIsDNSSubdomain),
    ...validateGeneratedSelector(job),
    ...validateJobSpecWithSelector(spec, SPEC),
  ];
  if (spec.completionMode === 'Indexed' && (spec.completions ?? 0) > 0) {
    const host = `${job.metadata?.name ?? ''}-${(spec.completions ?? 0) - 1}`;
    if (isDNS1123Label(host).length > 0) causes.push(invalid('metadata.name', job.metadata?.name ?? '', `will not able to create pod with invalid DNS label: ${host}`));
  }
  return causes;
}

/** validateGeneratedSelector: unless manualSelector, the template carries the generated labels and the selector selects them. */
function validateGeneratedSelector(job: Job): FieldCause[] {
  if (job.spec?.manualSelector === true || !job.spec?.selector) return [];
  const uid = job.metadata?.uid ?? '';
  const name = job.metadata?.name ?? '';
  const causes = uid ? [] : [required('metadata.uid')];
  const labels = job.spec.template?.metadata?.labels;
  const expected: Record<string, string> = { [LEGACY_JOB_CONTROLLER_UID_LABEL]: uid, [LEGACY_JOB_NAME_LABEL]: name, [JOB_CONTROLLER_UID_LABEL]: uid, [JOB_NAME_LABEL]: name };
  for (const [k, v] of Object.entries(expected)) {
    const field = key('spec.template.metadata.labels', k);
    if (labels?.[k] === undefined) causes.push(required(field, v));
    else if (labels[k] !== v) causes.push(invalidGo(field, goStringMap(labels), v));
  }
  const selector = asSelector(job.spec.selector);
  if (selector && !matchesLabels(selector, expected)) causes.push(invalidGo('spec.selector', goLabelSelector(job.spec.selector), '`selector` not auto-generated'));
  return causes;
}

/** ValidateJobSpec: the spec, a required selector, and the template selected by it. */
function validateJobSpecWithSelector(spec: JobSpec, path: string): FieldCause[] {
  const causes = validateJobSpec(spec, path);
  if (!spec.selector) causes.push(required(child(path, 'selector')));
  else causes.push(...validateLabelSelector(spec.selector, child(path, 'selector')));
  const selector = asSelector(spec.selector);
  if (selector) causes.push(...validateSelectorMatchesTemplate(selector, spec.template?.metadata?.labels, child(path, 'template.metadata.labels')));
  return causes;
}

/** validateJobSpec: shared with a CronJob's jobTemplate (there at spec.jobTemplate.spec). */
export function validateJobSpec(spec: JobSpec, path: string): FieldCause[] {
  const causes: FieldCause[] = [];
  for (const f of NON_NEGATIVE_FIELDS) if (spec[f] != null) causes.push(...validateNonnegative(spec[f] as number, child(path, f)));
  if (spec.maxFailedIndexes != null && spec.backoffLimitPerIndex == null) causes.push(required(child(path, 'backoffLimitPerIndex'), 'when maxFailedIndexes is specified'));
  if (spec.managedBy != null) causes.push(...validateManagedBy(spec.managedBy, child(path, 'managedBy')));
  causes.push(...validateCompletionMode(spec, path));
  if (spec.podFailurePolicy) causes.push(...validatePodFailurePolicy(spec, child(path, 'podFailurePolicy')));
  if (spec.successPolicy) causes.push(...validateSuccessPolicyOf(spec, child(path, 'successPolicy')));
  causes.push(...validatePodReplacementPolicy(spec, child(path, 'podReplacementPolicy')));
  causes.push(...validatePodTemplateSpec(spec.template, child(path, 'template')));
  causes.push(...validateJobRestartPolicy(spec, child(path, 'template.spec.restartPolicy')));
  return causes;
}

function validateSuccessPolicyOf(spec: JobSpec, path: string): FieldCause[] {
  if (spec.completionMode !== 'Indexed') return [invalid(path, spec.successPolicy, 'requires indexed completion mode')];
  return validateSuccessPolicy(spec, path);
}

function validateCompletionMode(spec: JobSpec, path: string): FieldCause[] {
  const mode = spec.completionMode;
  if (mode != null && mode !== 'NonIndexed' && mode !== 'Indexed') return [notSupported(child(path, 'completionMode'), mode, ['NonIndexed', 'Indexed'])];
  if (mode === 'Indexed') return validateIndexedLimits(spec, path);
  const causes: FieldCause[] = [];
  if (spec.backoffLimitPerIndex != null) causes.push(invalid(child(path, 'backoffLimitPerIndex'), spec.backoffLimitPerIndex, 'requires indexed completion mode'));
  if (spec.maxFailedIndexes != null) causes.push(invalid(child(path, 'maxFailedIndexes'), spec.maxFailedIndexes, 'requires indexed completion mode'));
  return causes;
}

function validateIndexedLimits(spec: JobSpec, path: string): FieldCause[] {
  const causes: FieldCause[] = [];
  const { completions, parallelism, maxFailedIndexes } = spec;
  if (completions == null) causes.push(required(child(path, 'completions'), 'when completion mode is Indexed'));
  if (parallelism != null && parallelism > MAX_PARALLELISM_INDEXED) causes.push(invalid(child(path, 'parallelism'), parallelism, `must be less than or equal to ${MAX_PARALLELISM_INDEXED} when completion mode is Indexed`));
  if (completions != null && maxFailedIndexes != null && maxFailedIndexes > completions) causes.push(invalid(child(path, 'maxFailedIndexes'), maxFailedIndexes, 'must be less than or equal to completions'));
  if (maxFailedIndexes != null && maxFailedIndexes > MAX_FAILED_INDEXES) causes.push(invalid(child(path, 'maxFailedIndexes'), maxFailedIndexes, `must be less than or equal to ${MAX_FAILED_INDEXES}`));
  if (completions != null && completions > COMPLETIONS_SOFT_LIMIT && spec.backoffLimitPerIndex != null) causes.push(...validateHighCompletions(spec, path));
  return causes;
}

function validateHighCompletions(spec: JobSpec, path: string): FieldCause[] {
  const suffix = `when completions are above ${COMPLETIONS_SOFT_LIMIT} and used with backoff limit per index`;
  const causes: FieldCause[] = [];
  if (spec.maxFailedIndexes == null) causes.push(required(child(path, 'maxFailedIndexes'), `must be specified when completions is above ${COMPLETIONS_SOFT_LIMIT}`));
  if (spec.parallelism != null && spec.parallelism > PARALLELISM_LIMIT_HIGH_COMPLETIONS) causes.push(invalid(child(path, 'parallelism'), spec.parallelism, `must be less than or equal to ${PARALLELISM_LIMIT_HIGH_COMPLETIONS} ${suffix}`));
  if (spec.maxFailedIndexes != null && spec.maxFailedIndexes > PARALLELISM_LIMIT_HIGH_COMPLETIONS) causes.push(invalid(child(path, 'maxFailedIndexes'), spec.maxFailedIndexes, `must be less than or equal to ${PARALLELISM_LIMIT_HIGH_COMPLETIONS} ${suffix}`));
  return causes;
}

const HTTP_PATH_FMT = "[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+";

/** IsDomainPrefixedPath, at most 63 characters: "kueue.x-k8s.io/multikueue". */
function validateManagedBy(value: string, path: string): FieldCause[] {
  const causes = validateDomainPrefixedPath(value, path);
  if (value.length > MAX_MANAGED_BY_LENGTH) causes.push(tooLong(path, MAX_MANAGED_BY_LENGTH));
  return causes;
}

function validateDomainPrefixedPath(value: string, path: string): FieldCause[] {
  if (value === '') return [required(path)];
  const slash = value.indexOf('/');
  const [host, rest] = slash < 0 ? [value, ''] : [value.slice(0, slash), value.slice(slash + 1)];
  if (slash < 0 || host === '' || rest === '') return [invalid(path, value, 'must be a domain-prefixed path (such as "acme.io/foo")')];
  const causes = isDNS1123Subdomain(host).map((m) => invalid(path, host, m));
  if (!new RegExp(`^${HTTP_PATH_FMT}$`).test(rest)) causes.push(invalid(path, rest, regexError('Invalid path', HTTP_PATH_FMT)));
  return causes;
}

function validatePodReplacementPolicy(spec: JobSpec, path: string): FieldCause[] {
  const policy = spec.podReplacementPolicy;
  if (policy == null) return [];
  if (spec.podFailurePolicy) return policy === 'Failed' ? [] : [notSupported(path, policy, ['Failed'])];
  return ['Failed', 'TerminatingOrFailed'].includes(policy) ? [] : [notSupported(path, policy, ['Failed', 'TerminatingOrFailed'])];
}

/** OnFailure or Never; an unset or Always policy is "Required" (templates default to Always). */
function validateJobRestartPolicy(spec: JobSpec, path: string): FieldCause[] {
  const policy = spec.template?.spec?.restartPolicy ?? '';
  if (policy === 'Always' || policy === '') return [required(path, 'valid values: "OnFailure", "Never"')];
  if (policy !== 'OnFailure' && policy !== 'Never') return [notSupported(path, policy, ['OnFailure', 'Never'])];
  if (spec.podFailurePolicy && policy !== 'Never') return [invalid(path, policy, 'only "Never" is supported when podFailurePolicy is specified')];
  return [];
}

// ---- update ----

const IMMUTABLE_FIELDS = ['completionMode', 'podFailurePolicy', 'backoffLimitPerIndex', 'managedBy', 'successPolicy'] as const;

/**
 * ValidateJobUpdate: the spec revalidated; selector, template, completionMode, podFailurePolicy,
 * backoffLimitPerIndex, managedBy and successPolicy fixed; completions fixed except for an
 * Indexed job scaled in tandem with parallelism (ElasticIndexedJob). While the job is suspended
 * and has never started, its template's node selector, tolerations, affinity, scheduling gates,
 * labels and annotations may change (mutable scheduling directives).
 */
export function validateJobUpdate(next: Job, old: Job): FieldCause[] {
  const spec = next.spec ?? ({} as JobSpec);
  const oldSpec = old.spec ?? ({} as JobSpec);
  const causes = [...validateObjectMetaUpdate(next.metadata ?? {}, old.metadata ?? {}), ...validateJobSpecWithSelector(spec, SPEC)];
  causes.push(...validateCompletionsUpdate(spec, oldSpec));
  causes.push(...validateImmutableField(spec.selector, oldSpec.selector, 'spec.selector', goLabelSelector));
  causes.push(...validateImmutableField(spec.template, comparableOldTemplate(next, old), 'spec.template'));
  for (const f of IMMUTABLE_FIELDS) causes.push(...validateImmutableField<unknown>(spec[f], oldSpec[f], child(SPEC, f)));
  return causes;
}

function validateCompletionsUpdate(spec: JobSpec, oldSpec: JobSpec): FieldCause[] {
  if (spec.completionMode !== 'Indexed') return validateImmutableField(spec.completions, oldSpec.completions, 'spec.completions');
  if (spec.completions === oldSpec.completions || spec.completions == null) return [];
  return spec.completions === spec.parallelism ? [] : [invalid('spec.completions', spec.completions, 'can only be modified in tandem with spec.parallelism')];
}

/** The old template, with the directives a suspended, never-started job may change taken from the new one. */
function comparableOldTemplate(next: Job, old: Job): JobSpec['template'] {
  const oldTemplate = old.spec?.template;
  if (old.spec?.suspend !== true || old.status?.startTime || !oldTemplate) return oldTemplate;
  const template = structuredClone(oldTemplate);
  const newTemplate = next.spec?.template;
  template.metadata = { ...template.metadata, labels: newTemplate?.metadata?.labels, annotations: newTemplate?.metadata?.annotations };
  const spec = template.spec as Record<string, unknown>;
  for (const f of ['nodeSelector', 'tolerations', 'schedulingGates']) spec[f] = newTemplate?.spec?.[f];
  spec.affinity = withNodeAffinityOf(spec.affinity, newTemplate?.spec?.affinity);
  return template;
}

/** Only affinity.nodeAffinity is a scheduling directive; pod (anti-)affinity stays fixed. */
function withNodeAffinityOf(oldAffinity: unknown, newAffinity: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = { ...(oldAffinity as Record<string, unknown> | undefined) };
  delete out.nodeAffinity;
  const nodeAffinity = (newAffinity as Record<string, unknown> | undefined)?.nodeAffinity;
  if (nodeAffinity !== undefined) out.nodeAffinity = nodeAffinity;
  return out;
}
