/**
 * A Job's podFailurePolicy and successPolicy, as pkg/apis/batch/validation of 1.32
 * (validatePodFailurePolicy, validateSuccessPolicy), and the index-interval format
 * ("1,3-5,7") of successPolicy rules and status.completedIndexes.
 */
import type { JobSpec, PodFailurePolicyOnExitCodesRequirement, PodFailurePolicyOnPodConditionsPattern, PodFailurePolicyRule, SuccessPolicyRule } from '../batch-v1';
import { child, index } from './field-path';
import { duplicate, invalid, invalidGo, invalidOmitValue, notSupported, required, tooLong, tooMany, type FieldCause } from './field-errors';
import { isQualifiedName } from './names';

const MAX_RULES = 20;
const MAX_EXIT_CODES = 255;
const MAX_POD_CONDITIONS = 20;
const MAX_SUCCEEDED_INDEXES_LENGTH = 64 * 1024;
const ACTIONS = ['Count', 'FailIndex', 'FailJob', 'Ignore'];
const OPERATORS = ['In', 'NotIn'];
const CONDITION_STATUSES = ['False', 'True', 'Unknown'];

/** Go's %q of a sorted []string, as Kubernetes prints `valid values: [...]`. */
const quotedList = (values: string[]): string => `[${values.map((v) => JSON.stringify(v)).join(' ')}]`;
const goInt32Slice = (values: number[] | undefined): string => (values ? `[]int32{${values.join(', ')}}` : '[]int32(nil)');

export function validatePodFailurePolicy(spec: JobSpec, path: string): FieldCause[] {
  const rules = spec.podFailurePolicy?.rules ?? [];
  const rulesPath = child(path, 'rules');
  const causes = rules.length > MAX_RULES ? [tooMany(rulesPath, rules.length, MAX_RULES)] : [];
  const containerNames = new Set([...(spec.template?.spec?.containers ?? []), ...(spec.template?.spec?.initContainers ?? [])].map((c) => c.name));
  rules.forEach((rule, i) => causes.push(...validateRule(spec, rule, index(rulesPath, i), containerNames)));
  return causes;
}

function validateRule(spec: JobSpec, rule: PodFailurePolicyRule, path: string, containerNames: Set<string>): FieldCause[] {
  const causes: FieldCause[] = [];
  const actionPath = child(path, 'action');
  if (!rule.action) causes.push(required(actionPath, `valid values: ${quotedList(ACTIONS)}`));
  else if (rule.action === 'FailIndex' && spec.backoffLimitPerIndex == null) causes.push(invalid(actionPath, rule.action, 'requires the backoffLimitPerIndex to be set'));
  else if (!ACTIONS.includes(rule.action)) causes.push(notSupported(actionPath, rule.action, ACTIONS));
  if (rule.onExitCodes) causes.push(...validateOnExitCodes(rule.onExitCodes, child(path, 'onExitCodes'), containerNames));
  const conditions = rule.onPodConditions ?? [];
  if (conditions.length > 0) causes.push(...validateOnPodConditions(conditions, child(path, 'onPodConditions')));
  if (rule.onExitCodes && conditions.length > 0) causes.push(invalidOmitValue(path, 'specifying both OnExitCodes and OnPodConditions is not supported'));
  if (!rule.onExitCodes && conditions.length === 0) causes.push(invalidOmitValue(path, 'specifying one of OnExitCodes and OnPodConditions is required'));
  return causes;
}

function validateOnPodConditions(patterns: PodFailurePolicyOnPodConditionsPattern[], path: string): FieldCause[] {
  const causes = patterns.length > MAX_POD_CONDITIONS ? [tooMany(path, patterns.length, MAX_POD_CONDITIONS)] : [];
  patterns.forEach((pattern, j) => {
    const patternPath = index(path, j);
    causes.push(...isQualifiedName(pattern.type ?? '').map((m) => invalid(child(patternPath, 'type'), pattern.type ?? '', m)));
    const statusPath = child(patternPath, 'status');
    if (!pattern.status) causes.push(required(statusPath, `valid values: ${quotedList(CONDITION_STATUSES)}`));
    else if (!CONDITION_STATUSES.includes(pattern.status)) causes.push(notSupported(statusPath, pattern.status, CONDITION_STATUSES));
  });
  return causes;
}

function validateOnExitCodes(req: PodFailurePolicyOnExitCodesRequirement, path: string, containerNames: Set<string>): FieldCause[] {
  const causes: FieldCause[] = [];
  const operatorPath = child(path, 'operator');
  if (!req.operator) causes.push(required(operatorPath, `valid values: ${quotedList(OPERATORS)}`));
  else if (!OPERATORS.includes(req.operator)) causes.push(notSupported(operatorPath, req.operator, OPERATORS));
  if (req.containerName != null && !containerNames.has(req.containerName)) {
    causes.push(invalid(child(path, 'containerName'), req.containerName, 'must be one of the container or initContainer names in the pod template'));
  }
  causes.push(...validateExitCodeValues(req, child(path, 'values')));
  return causes;
}

function validateExitCodeValues(req: PodFailurePolicyOnExitCodesRequirement, path: string): FieldCause[] {
  const values = req.values ?? [];
  const causes: FieldCause[] = [];
  if (values.length === 0) causes.push(invalidGo(path, goInt32Slice(req.values), 'at least one value is required'));
  else if (values.length > MAX_EXIT_CODES) causes.push(tooMany(path, values.length, MAX_EXIT_CODES));
  const seen = new Set<number>();
  values.forEach((v, j) => {
    if (req.operator === 'In' && v === 0) causes.push(invalid(index(path, j), v, 'must not be 0 for the In operator'));
    if (seen.has(v)) causes.push(duplicate(index(path, j), v));
    seen.add(v);
  });
  if (values.some((v, j) => j > 0 && values[j - 1] > v)) causes.push(invalidGo(path, goInt32Slice(values), 'must be ordered'));
  return causes;
}

/** Only called for Indexed jobs. */
export function validateSuccessPolicy(spec: JobSpec, path: string): FieldCause[] {
  const rules = spec.successPolicy?.rules ?? [];
  const rulesPath = child(path, 'rules');
  const causes: FieldCause[] = [];
  if (rules.length === 0) causes.push(required(rulesPath, 'at least one rules must be specified when the successPolicy is specified'));
  if (rules.length > MAX_RULES) causes.push(tooMany(rulesPath, rules.length, MAX_RULES));
  rules.forEach((rule, i) => causes.push(...validateSuccessRule(rule, spec.completions ?? 0, index(rulesPath, i))));
  return causes;
}

function validateSuccessRule(rule: SuccessPolicyRule, completions: number, path: string): FieldCause[] {
  const causes: FieldCause[] = [];
  if (rule.succeededCount == null && rule.succeededIndexes == null) causes.push(required(path, 'at least one of succeededCount or succeededIndexes must be specified'));
  let total = 0;
  if (rule.succeededIndexes != null) {
    const indexesPath = child(path, 'succeededIndexes');
    if (rule.succeededIndexes.length > MAX_SUCCEEDED_INDEXES_LENGTH) causes.push(tooLong(indexesPath, MAX_SUCCEEDED_INDEXES_LENGTH));
    const parsed = parseIndexes(rule.succeededIndexes, completions);
    if (typeof parsed === 'string') causes.push(invalid(indexesPath, rule.succeededIndexes, `error parsing succeededIndexes: ${parsed}`));
    else total = parsed;
  }
  if (rule.succeededCount != null) causes.push(...validateSucceededCount(rule, rule.succeededCount, completions, total, child(path, 'succeededCount')));
  return causes;
}

function validateSucceededCount(rule: SuccessPolicyRule, count: number, completions: number, total: number, path: string): FieldCause[] {
  const causes: FieldCause[] = count < 0 ? [invalid(path, count, 'must be greater than or equal to 0')] : [];
  if (count > completions) causes.push(invalid(path, count, `must be less than or equal to ${completions} (the number of specified completions)`));
  if (rule.succeededIndexes != null && count > total) causes.push(invalid(path, count, `must be less than or equal to ${total} (the number of indexes in the specified succeededIndexes field)`));
  return causes;
}

/** validateIndexesFormat: the number of indexes in "0,2-4", or the error Kubernetes words. */
export function parseIndexes(text: string, completions: number): number | string {
  if (text === '') return 0;
  let last: number | undefined;
  let total = 0;
  for (const interval of text.split(',')) {
    const parsed = parseInterval(interval, completions);
    if (typeof parsed === 'string') return parsed;
    if (last !== undefined && last >= parsed[0]) return `non-increasing order, previous: ${last}, current: ${parsed[0]}`;
    total += parsed[1] - parsed[0] + 1;
    last = parsed[1];
  }
  return total;
}

function parseInterval(interval: string, completions: number): [number, number] | string {
  const limits = interval.split('-');
  if (limits.length > 2) return `the fragment ${JSON.stringify(interval)} violates the requirement that an index interval can have at most two parts separated by '-'`;
  const bounds: number[] = [];
  for (const limit of limits) {
    if (!/^[+-]?\d+$/.test(limit)) return `cannot convert string to integer for index: ${JSON.stringify(limit)}`;
    if (Number(limit) >= completions) return `too large index: ${JSON.stringify(limit)}`;
    bounds.push(Number(limit));
  }
  if (bounds.length === 2 && bounds[0] >= bounds[1]) return `non-increasing order, previous: ${bounds[0]}, current: ${bounds[1]}`;
  return [bounds[0], bounds[bounds.length - 1]];
}
