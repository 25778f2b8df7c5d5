/**
 * The five fields of a standard cron schedule checked as robfig/cron v3's parser checks them
 * (what Kubernetes validates spec.schedule with), so a refused schedule is refused for the same
 * reason and in the same words: comma-separated ranges `*`, `?`, `N`, `N-M`, each with an
 * optional `/step`; month and day-of-week names; minute 0-59, hour 0-23, day of month 1-31,
 * month 1-12, day of week 0-6. Next times are computed elsewhere (croner).
 */

interface Bounds {
  min: number;
  max: number;
  names?: readonly string[];
  /** The value of names[0]. */
  firstName?: number;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/** Minute, hour, day of month, month, day of week. */
const FIELDS: readonly Bounds[] = [
  { min: 0, max: 59 }, { min: 0, max: 23 }, { min: 1, max: 31 }, { min: 1, max: 12, names: MONTHS, firstName: 1 }, { min: 0, max: 6, names: DAYS, firstName: 0 },
];

type Parsed = { value: number } | { error: string };

/** robfig's error for the first bad field of five, or undefined when all parse. */
export function cronFieldError(fields: readonly string[]): string | undefined {
  for (const [i, field] of fields.entries()) {
    const bounds = FIELDS[i];
    if (!bounds) return undefined;
    // strings.FieldsFunc on ',': empty parts are dropped.
    for (const expr of field.split(',').filter((e) => e !== '')) {
      const error = rangeError(expr, bounds);
      if (error) return error;
    }
  }
  return undefined;
}

/** getRange: the checks in robfig's order. */
function rangeError(expr: string, bounds: Bounds): string | undefined {
  const rangeAndStep = expr.split('/');
  const lowAndHigh = (rangeAndStep[0] ?? '').split('-');
  const range = startAndEnd(lowAndHigh, bounds, expr);
  if ('error' in range) return range.error;
  const { start } = range;
  let { end } = range;
  let step = 1;
  if (rangeAndStep.length > 2) return `too many slashes: ${expr}`;
  if (rangeAndStep.length === 2) {
    const parsed = parseInt10(rangeAndStep[1] ?? '');
    if ('error' in parsed) return parsed.error;
    step = parsed.value;
    if (lowAndHigh.length === 1) end = bounds.max;
  }
  if (start < bounds.min) return `beginning of range (${start}) below minimum (${bounds.min}): ${expr}`;
  if (end > bounds.max) return `end of range (${end}) above maximum (${bounds.max}): ${expr}`;
  if (start > end) return `beginning of range (${start}) beyond end of range (${end}): ${expr}`;
  if (step === 0) return `step of range should be a positive number: ${expr}`;
  return undefined;
}

function startAndEnd(lowAndHigh: readonly string[], bounds: Bounds, expr: string): { start: number; end: number } | { error: string } {
  const low = lowAndHigh[0] ?? '';
  if (low === '*' || low === '?') return { start: bounds.min, end: bounds.max };
  const start = intOrName(low, bounds);
  if ('error' in start) return start;
  if (lowAndHigh.length === 1) return { start: start.value, end: start.value };
  if (lowAndHigh.length > 2) return { error: `too many hyphens: ${expr}` };
  const end = intOrName(lowAndHigh[1] ?? '', bounds);
  return 'error' in end ? end : { start: start.value, end: end.value };
}

function intOrName(expr: string, bounds: Bounds): Parsed {
  const named = bounds.names?.indexOf(expr.toLowerCase()) ?? -1;
  if (named >= 0) return { value: named + (bounds.firstName ?? 0) };
  return parseInt10(expr);
}

/** mustParseInt: strconv.Atoi's syntax (optional sign, decimal digits, 64-bit), then no negatives. */
function parseInt10(expr: string): Parsed {
  if (!/^[+-]?\d+$/.test(expr)) return { error: `failed to parse int from ${expr}: strconv.Atoi: parsing ${JSON.stringify(expr)}: invalid syntax` };
  const value = BigInt(expr);
  if (value > 9223372036854775807n || value < -9223372036854775808n) return { error: `failed to parse int from ${expr}: strconv.Atoi: parsing ${JSON.stringify(expr)}: value out of range` };
  if (value < 0n) return { error: `negative number (${value}) not allowed: ${expr}` };
  return { value: Number(value) };
}

/** The same fields as croner reads them: empty list items dropped, `+` signs removed (robfig accepts both). */
export function normalizedCronFields(fields: readonly string[]): string[] {
  return fields.map((field) => field.split(',').filter((e) => e !== '').map((e) => e.replace(/(^|[-/])\+/g, '$1')).join(','));
}
