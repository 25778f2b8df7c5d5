/**
 * IntOrString fields that hold a count or a percentage of a total (maxSurge, maxUnavailable,
 * minAvailable), as k8s.io/apimachinery/pkg/util/intstr and the Deployment controller read them.
 * On the wire the value is a JSON number or a string; only "<digits>%" strings are valid there.
 */
import { regexError } from './validation/names';

export type IntOrString = number | string;

export type ScaledValue = { ok: true; value: number } | { ok: false; error: string };

/**
 * intstr.GetScaledValueFromIntOrPercent: a number is returned as is; "N%" is N percent of
 * `total`, rounded up or down; any other string is an error worded as Kubernetes words it.
 */
export function getScaledValueFromIntOrPercent(value: IntOrString | undefined, total: number, roundUp: boolean): ScaledValue {
  if (value === undefined || value === null) return { ok: false, error: 'nil value for IntOrString' };
  if (typeof value === 'number') return { ok: true, value };
  if (!value.endsWith('%')) return invalidValue('invalid type: string is not a percentage');
  const digits = value.slice(0, -1);
  if (!/^[+-]?\d+$/.test(digits)) return invalidValue(`invalid value "${value}": strconv.Atoi: parsing "${digits}": invalid syntax`);
  const scaled = (Number(digits) * total) / 100;
  return { ok: true, value: roundUp ? Math.ceil(scaled) : Math.floor(scaled) };
}

function invalidValue(detail: string): ScaledValue {
  return { ok: false, error: `invalid value for IntOrString: ${detail}` };
}

export type Fenceposts = { ok: true; maxSurge: number; maxUnavailable: number } | { ok: false; error: string };

/**
 * deploymentutil.ResolveFenceposts: maxSurge rounds up, maxUnavailable rounds down, an unset
 * value counts as 0, and when both resolve to 0 maxUnavailable becomes 1 (validation forbids
 * two explicit zeros, but rounding down can still produce them).
 */
export function resolveFenceposts(maxSurge: IntOrString | undefined, maxUnavailable: IntOrString | undefined, desired: number): Fenceposts {
  const surge = getScaledValueFromIntOrPercent(maxSurge ?? 0, desired, true);
  if (!surge.ok) return surge;
  const unavailable = getScaledValueFromIntOrPercent(maxUnavailable ?? 0, desired, false);
  if (!unavailable.ok) return unavailable;
  if (surge.value === 0 && unavailable.value === 0) return { ok: true, maxSurge: 0, maxUnavailable: 1 };
  return { ok: true, maxSurge: surge.value, maxUnavailable: unavailable.value };
}

const PERCENT_FMT = '[0-9]+%';

/** validation.IsValidPercent: a non-negative integer followed by '%'. */
export function isValidPercent(value: string): string[] {
  if (/^[0-9]+%$/.test(value)) return [];
  return [regexError("a valid percent string must be a numeric string followed by an ending '%'", PERCENT_FMT, '1%', '93%')];
}

/** The N of a valid "N%" string; undefined for numbers and other strings. */
export function percentValue(value: IntOrString | undefined): number | undefined {
  if (typeof value !== 'string' || isValidPercent(value).length > 0) return undefined;
  return Number(value.slice(0, -1));
}

/** apps validation's getIntOrPercentValue: the percentage, else IntValue() (0 for a non-numeric string). */
export function intOrPercentValue(value: IntOrString | undefined): number {
  const percent = percentValue(value);
  if (percent !== undefined) return percent;
  if (typeof value === 'number') return value;
  return typeof value === 'string' && /^[+-]?\d+$/.test(value) ? Number(value) : 0;
}

/** Go's %#v of an intstr.IntOrString, as it appears in Kubernetes' validation messages. */
export function goIntOrString(value: IntOrString | undefined): string {
  if (typeof value === 'string') return `intstr.IntOrString{Type:1, IntVal:0, StrVal:${JSON.stringify(value)}}`;
  return `intstr.IntOrString{Type:0, IntVal:${value ?? 0}, StrVal:""}`;
}
