/**
 * Kubernetes' LimitRanger (plugin/pkg/admission/limitranger), pure: the defaults a namespace's
 * LimitRanges give containers and init containers without requests or limits, with the
 * `kubernetes.io/limit-ranger` annotation naming what was set, then the bounds they check —
 * min, max and maxLimitRequestRatio per Container, the same on the pod's totals for Pod, and
 * min/max storage requested by a PersistentVolumeClaim — each broken bound one message, in
 * the apiserver's words.
 * https://kubernetes.io/docs/concepts/policy/limit-range/
 */
import type { Container, PersistentVolumeClaim, Pod, ResourceList } from '../../api/core-v1';
import { defaultRequestsFromLimits } from '../../api/defaults/pod-defaults';
import { podResourceTotals } from '../../api/pod-resource-totals';
import type { LimitRange, LimitRangeItem } from '../../api/policy-quota-v1';
import { Quantity } from '../../api/quantity';
import { quantitiesOf, type Quantities } from '../../api/resource-lists';

export const LIMIT_RANGER_ANNOTATION = 'kubernetes.io/limit-ranger';

/** Kubernetes' resource.MaxMilliValue: below it, comparisons are made in thousandths. */
const MAX_MILLI_VALUE = 9223372036854775n;

/**
 * Sets the Container defaults of `range` on every container without them (after a pod's
 * requests have been defaulted from its limits, as the apiserver's decoding does first);
 * annotates the pod with what was set. Changes `pod`.
 */
export function applyLimitRangeDefaults(pod: Pod, range: LimitRange): void {
  const defaults = containerDefaults(range);
  const notes: string[] = [];
  for (const c of pod.spec?.containers ?? []) notes.push(...mergeDefaults(c, defaults, 'container'));
  for (const c of pod.spec?.initContainers ?? []) notes.push(...mergeDefaults(c, defaults, 'init container'));
  if (notes.length === 0) return;
  pod.metadata.annotations = { ...pod.metadata.annotations, [LIMIT_RANGER_ANNOTATION]: `LimitRanger plugin set: ${notes.join('; ')}` };
}

/** Every container's requests defaulted from its limits, as the pod's decoding does before admission. */
export function defaultPodRequestsFromLimits(pod: Pod): void {
  for (const c of [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])]) defaultRequestsFromLimits(c);
}

interface Defaults {
  requests: ResourceList;
  limits: ResourceList;
}

function containerDefaults(range: LimitRange): Defaults {
  const out: Defaults = { requests: {}, limits: {} };
  for (const item of range.spec?.limits ?? []) {
    if (item.type !== 'Container') continue;
    Object.assign(out.requests, item.defaultRequest);
    Object.assign(out.limits, item.default);
  }
  return out;
}

/** mergeContainerResources: the notes are `cpu, memory request for container x`, then the limits'. */
function mergeDefaults(c: Container, defaults: Defaults, prefix: string): string[] {
  const resources = (c.resources ??= {});
  const setLimits = fill((resources.limits ??= {}), defaults.limits);
  const setRequests = fill((resources.requests ??= {}), defaults.requests);
  const notes: string[] = [];
  if (setRequests.length > 0) notes.push(`${setRequests.sort().join(', ')} request for ${prefix} ${c.name}`);
  if (setLimits.length > 0) notes.push(`${setLimits.sort().join(', ')} limit for ${prefix} ${c.name}`);
  return notes;
}

function fill(target: ResourceList, defaults: ResourceList): string[] {
  const set: string[] = [];
  for (const [name, value] of Object.entries(defaults)) {
    if (Object.hasOwn(target, name)) continue;
    target[name] = value;
    set.push(name);
  }
  return set;
}

/** PodValidateLimitFunc: every broken Container and Pod bound of `range`. */
export function podLimitViolations(pod: Pod, range: LimitRange): string[] {
  const errors: string[] = [];
  for (const item of range.spec?.limits ?? []) {
    if (item.type === 'Container') {
      for (const c of [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])]) {
        errors.push(...itemViolations(item, quantitiesOf(c.resources?.requests), quantitiesOf(c.resources?.limits)));
      }
    } else if (item.type === 'Pod') {
      errors.push(...itemViolations(item, podResourceTotals(pod, 'requests'), podResourceTotals(pod, 'limits')));
    }
  }
  return errors;
}

/** PersistentVolumeClaimValidateLimitFunc: min against the request (limits are not user input), max against the request. */
export function claimLimitViolations(claim: PersistentVolumeClaim, range: LimitRange): string[] {
  const errors: string[] = [];
  const requests = quantitiesOf(claim.spec?.resources?.requests);
  for (const item of range.spec?.limits ?? []) {
    if (item.type !== 'PersistentVolumeClaim') continue;
    for (const [name, min] of sortedEntries(item.min)) errors.push(...minConstraint(item.type, name, min, requests, new Map()));
    for (const [name, max] of sortedEntries(item.max)) errors.push(...maxRequestConstraint(item.type, name, max, requests));
  }
  return errors;
}

function itemViolations(item: LimitRangeItem, requests: Quantities, limits: Quantities): string[] {
  return [
    ...sortedEntries(item.min).flatMap(([name, q]) => minConstraint(item.type, name, q, requests, limits)),
    ...sortedEntries(item.max).flatMap(([name, q]) => maxConstraint(item.type, name, q, requests, limits)),
    ...sortedEntries(item.maxLimitRequestRatio).flatMap(([name, q]) => ratioConstraint(item.type, name, q, requests, limits)),
  ];
}

/** The item's entries in name order (Go ranges over the map in random order; sorted is one of its orders). */
function sortedEntries(list: ResourceList | undefined): [string, Quantity][] {
  return [...quantitiesOf(list)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function minConstraint(type: string, name: string, enforced: Quantity, requests: Quantities, limits: Quantities): string[] {
  const req = requests.get(name);
  const lim = limits.get(name);
  const prefix = `minimum ${name} usage per ${type} is ${enforced.toString()}`;
  if (!req) return [`${prefix}.  No request is specified`];
  const [r, l, e] = comparable(req, lim, enforced);
  if (r < e) return [`${prefix}, but request is ${req.toString()}`];
  if (lim && l < e) return [`${prefix}, but limit is ${lim.toString()}`];
  return [];
}

function maxConstraint(type: string, name: string, enforced: Quantity, requests: Quantities, limits: Quantities): string[] {
  const req = requests.get(name);
  const lim = limits.get(name);
  const prefix = `maximum ${name} usage per ${type} is ${enforced.toString()}`;
  if (!lim) return [`${prefix}.  No limit is specified`];
  const [r, l, e] = comparable(req, lim, enforced);
  if (l > e) return [`${prefix}, but limit is ${lim.toString()}`];
  if (req && r > e) return [`${prefix}, but request is ${req.toString()}`];
  return [];
}

function maxRequestConstraint(type: string, name: string, enforced: Quantity, requests: Quantities): string[] {
  const req = requests.get(name);
  const prefix = `maximum ${name} usage per ${type} is ${enforced.toString()}`;
  if (!req) return [`${prefix}.  No request is specified`];
  const [r, , e] = comparable(req, undefined, enforced);
  return r > e ? [`${prefix}, but request is ${req.toString()}`] : [];
}

function ratioConstraint(type: string, name: string, enforced: Quantity, requests: Quantities, limits: Quantities): string[] {
  const req = requests.get(name);
  const lim = limits.get(name);
  const prefix = `${name} max limit to request ratio per ${type} is ${enforced.toString()}`;
  const [r, l] = comparable(req, lim, enforced);
  if (!req || r === 0n) return [`${prefix}, but no request is specified or request is 0`];
  if (!lim || l === 0n) return [`${prefix}, but no limit is specified or limit is 0`];
  const observed = Number(l) / Number(r);
  const milli = enforced.value() <= MAX_MILLI_VALUE;
  const allowed = Number(milli ? enforced.milliValue() : enforced.value());
  return (milli ? observed * 1000 : observed) > allowed ? [`${prefix}, but provided ratio is ${observed.toFixed(6)}`] : [];
}

/** requestLimitEnforcedValues: whole units, or thousandths when all three fit. */
function comparable(req: Quantity | undefined, lim: Quantity | undefined, enforced: Quantity): [bigint, bigint, bigint] {
  const qs = [req ?? Quantity.fromValue(0), lim ?? Quantity.fromValue(0), enforced];
  const milli = qs.every((q) => q.value() <= MAX_MILLI_VALUE);
  const [r, l, e] = qs.map((q) => (milli ? q.milliValue() : q.value()));
  return [r as bigint, l as bigint, e as bigint];
}

/** utilerrors.NewAggregate's text: duplicates dropped, brackets around two or more. */
export function aggregateMessage(errors: readonly string[]): string {
  const unique = [...new Set(errors)];
  return unique.length === 1 ? (unique[0] as string) : `[${unique.join(', ')}]`;
}
