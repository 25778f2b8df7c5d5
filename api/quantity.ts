/**
 * Kubernetes resource.Quantity (k8s.io/apimachinery/pkg/api/resource): a fixed-point number
 * with a suffix, such as "500m", "1.5Gi", "1e3". Values are held exactly as a BigInt count of
 * nano-units (10^-9), which is the finest precision Kubernetes keeps: smaller fractions are
 * rounded up, away from zero ("0.1n" becomes "1n"). Nothing here ever uses floating point.
 *
 * Deliberate differences from apimachinery, all on inputs no manifest uses:
 * - A number part without any digit ("Mi", ".", "-") is rejected; Kubernetes' scanner
 *   accepts those as zero although its own grammar requires digits.
 * - Decimal exponents beyond ±1000 are rejected (Kubernetes truncates them to 32 bits).
 * - DecimalSI values beyond the "E" suffix print as multiples of E ("1000E"), and BinarySI
 *   values beyond "Ei" as multiples of Ei, where Kubernetes would print a bare number.
 */

export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

const SPLIT_RE = '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$';
/** Kubernetes' ErrFormatWrong text. */
export const QUANTITY_FORMAT_MESSAGE = `quantities must match the regular expression '${SPLIT_RE}'`;
const NUMERIC_MESSAGE = 'unable to parse numeric part of quantity';
const SUFFIX_MESSAGE = "unable to parse quantity's suffix";

/** Thrown by parseQuantity; the message is Kubernetes' own error text. */
export class QuantityFormatError extends Error {
  constructor(readonly input: string, message: string) {
    super(message);
    this.name = 'QuantityFormatError';
  }
}

const NANO = 10n ** 9n;
const MAX_INT64 = 2n ** 63n - 1n;
/** BinarySI quantities are capped at 2^63-1 units, as Kubernetes does. */
const MAX_BINARY_NANOS = MAX_INT64 * NANO;
const MAX_EXPONENT = 1000;

const DECIMAL_SUFFIXES: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIXES: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL_SUFFIX_BY_EXPONENT = new Map(Object.entries(DECIMAL_SUFFIXES).map(([s, e]) => [e, s]));
const BINARY_SUFFIX_BY_POWER = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];

export class Quantity {
  /**
   * @param nanos the exact value in units of 10^-9.
   * @param format the suffix family used when printing.
   * @param original the input string, kept only where Kubernetes keeps it (see toString).
   * @param originalScale the decimal scale Kubernetes held the original at (for roundUp).
   */
  private constructor(
    readonly nanos: bigint,
    readonly format: QuantityFormat,
    private readonly original?: string,
    private readonly originalScale = -9,
  ) {}

  static fromNanos(nanos: bigint, format: QuantityFormat = 'DecimalSI'): Quantity {
    return new Quantity(nanos, format);
  }

  /** resource.NewMilliQuantity. */
  static fromMilli(milli: bigint | number, format: QuantityFormat = 'DecimalSI'): Quantity {
    return new Quantity(BigInt(milli) * 10n ** 6n, format);
  }

  /** resource.NewQuantity. */
  static fromValue(value: bigint | number, format: QuantityFormat = 'DecimalSI'): Quantity {
    return new Quantity(BigInt(value) * NANO, format);
  }

  /** @internal used by parseQuantity only. */
  static parsed(nanos: bigint, format: QuantityFormat, original?: string, originalScale?: number): Quantity {
    return new Quantity(nanos, format, original, originalScale);
  }

  isZero(): boolean {
    return this.nanos === 0n;
  }

  sign(): -1 | 0 | 1 {
    return this.nanos === 0n ? 0 : this.nanos > 0n ? 1 : -1;
  }

  /** ceil(q / 10^scale), rounding away from zero, as Quantity.ScaledValue. */
  scaledValue(scale: number): bigint {
    return divideAwayFromZero(this.nanos * pow10(Math.max(0, -scale - 9)), pow10(Math.max(0, scale + 9)));
  }

  /** The value in whole units, rounded up away from zero (Quantity.Value). */
  value(): bigint {
    return this.scaledValue(0);
  }

  /** The value in thousandths, rounded up away from zero (Quantity.MilliValue). */
  milliValue(): bigint {
    return this.scaledValue(-3);
  }

  cmp(other: Quantity): -1 | 0 | 1 {
    return this.nanos === other.nanos ? 0 : this.nanos < other.nanos ? -1 : 1;
  }

  /** Sum; a zero left operand takes the right one's format, as Quantity.Add. */
  add(other: Quantity): Quantity {
    return new Quantity(this.nanos + other.nanos, this.isZero() ? other.format : this.format);
  }

  sub(other: Quantity): Quantity {
    return new Quantity(this.nanos - other.nanos, this.isZero() ? other.format : this.format);
  }

  neg(): Quantity {
    return new Quantity(-this.nanos, this.format);
  }

  /**
   * Quantity.RoundUp(scale): rounds away from zero to a multiple of 10^scale. Kubernetes
   * rounds every container resource to milli precision (scale -3) when defaulting a pod.
   */
  roundUp(scale: number): Quantity {
    if (this.original !== undefined && this.originalScale >= scale) return this;
    const step = pow10(Math.max(0, scale + 9));
    return new Quantity(divideAwayFromZero(this.nanos, step) * step, this.format);
  }

  /** The canonical form (Quantity.CanonicalizeBytes): "0.5" → "500m", "1024Mi" → "1Gi". */
  canonical(): string {
    return formatCanonical(this.nanos, this.format);
  }

  /**
   * The string Kubernetes serializes (Quantity.String): the original input when Kubernetes'
   * parser kept it (already-canonical inputs, and a few such as "+1" or "01" it keeps
   * verbatim), otherwise the canonical form.
   */
  toString(): string {
    return this.original ?? this.canonical();
  }

  toJSON(): string {
    return this.toString();
  }
}

/** Parses a quantity string; throws QuantityFormatError with Kubernetes' message. */
export function parseQuantity(input: string): Quantity {
  const result = tryParseQuantity(input);
  if (result instanceof QuantityFormatError) throw result;
  return result;
}

/** Like parseQuantity, but returns the error instead of throwing it. */
export function tryParseQuantity(input: string): Quantity | QuantityFormatError {
  if (input.length === 0) return new QuantityFormatError(input, QUANTITY_FORMAT_MESSAGE);
  if (input === '0') return Quantity.parsed(0n, 'DecimalSI', '0', 0);
  const scanned = scanQuantity(input);
  if (typeof scanned === 'string') return new QuantityFormatError(input, scanned);
  const suffix = interpretSuffix(scanned.suffix);
  if (suffix === undefined) return new QuantityFormatError(input, SUFFIX_MESSAGE);
  return build(input, scanned, suffix);
}

interface Scanned {
  negative: boolean;
  /** Integer digits without leading zeros ("0" when none). */
  num: string;
  /** Fraction digits, possibly empty. */
  denom: string;
  suffix: string;
}

interface Suffix {
  base: 2 | 10;
  exponent: number;
  format: QuantityFormat;
}

const SUFFIX_SHAPE = /^[eEinumkKMGTP]*[-+]?[0-9]*$/;

/** Splits sign, integer digits, fraction digits and suffix; returns an error message on bad shape. */
function scanQuantity(str: string): Scanned | string {
  const negative = str[0] === '-';
  let pos = str[0] === '-' || str[0] === '+' ? 1 : 0;
  const intStart = pos;
  pos = skipDigits(str, pos);
  const intDigits = str.slice(intStart, pos);
  let denom = '';
  if (str[pos] === '.') {
    const fracStart = pos + 1;
    pos = skipDigits(str, fracStart);
    denom = str.slice(fracStart, pos);
  }
  const suffix = str.slice(pos);
  if (!SUFFIX_SHAPE.test(suffix)) return QUANTITY_FORMAT_MESSAGE;
  if (intDigits.length === 0 && denom.length === 0) return str[intStart] === '.' ? NUMERIC_MESSAGE : QUANTITY_FORMAT_MESSAGE;
  return { negative, num: intDigits.replace(/^0+/, '') || '0', denom, suffix };
}

function skipDigits(str: string, pos: number): number {
  while (pos < str.length && str[pos] >= '0' && str[pos] <= '9') pos++;
  return pos;
}

function interpretSuffix(suffix: string): Suffix | undefined {
  if (Object.hasOwn(DECIMAL_SUFFIXES, suffix)) return { base: 10, exponent: DECIMAL_SUFFIXES[suffix], format: 'DecimalSI' };
  if (Object.hasOwn(BINARY_SUFFIXES, suffix)) return { base: 2, exponent: BINARY_SUFFIXES[suffix], format: 'BinarySI' };
  if (suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E') && /^[-+]?[0-9]+$/.test(suffix.slice(1))) {
    const exponent = Number(suffix.slice(1));
    if (Math.abs(exponent) <= MAX_EXPONENT) return { base: 10, exponent, format: 'DecimalExponent' };
  }
  return undefined;
}

function build(input: string, s: Scanned, suffix: Suffix): Quantity {
  const digits = BigInt(s.num + s.denom);
  const magnitude = suffix.base === 10 ? decimalNanos(digits, suffix.exponent - s.denom.length) : binaryNanos(digits, suffix.exponent, s.denom.length);
  let format = suffix.format;
  let nanos = magnitude;
  if (format === 'BinarySI') {
    if (nanos > MAX_BINARY_NANOS) nanos = MAX_BINARY_NANOS;
    if (nanos > 0n && nanos < NANO) format = 'DecimalSI';
  }
  const kept = keptOriginal(input, s, suffix, digits);
  return Quantity.parsed(s.negative ? -nanos : nanos, format, kept?.original, kept?.scale);
}

/** digits × 10^scale, in nanos, rounded up to a whole nano. */
function decimalNanos(digits: bigint, scale: number): bigint {
  const shift = scale + 9;
  return shift >= 0 ? digits * pow10(shift) : divideAwayFromZero(digits, pow10(-shift));
}

/** digits / 10^fractionDigits × 2^power, in nanos, rounded up to a whole nano. */
function binaryNanos(digits: bigint, power: number, fractionDigits: number): bigint {
  return divideAwayFromZero(digits * (1n << BigInt(power)) * NANO, pow10(fractionDigits));
}

/**
 * Kubernetes keeps the input string verbatim when its int64 fast path parsed it and the input
 * already looked canonical (quantity.go ParseQuantity); this reproduces those conditions.
 */
function keptOriginal(input: string, s: Scanned, suffix: Suffix, digits: bigint): { original?: string; scale: number } | undefined {
  const shifted = s.num + s.denom;
  if (suffix.base === 2) {
    if (s.denom.length > 0 || 15 - s.num.length - Math.floor((suffix.exponent * 3) / 10) - 1 < 0) return undefined;
    if (digits << BigInt(suffix.exponent) > MAX_INT64) return undefined;
    return { original: (digits & 7n) !== 0n ? input : undefined, scale: 0 };
  }
  const scale = suffix.exponent - s.denom.length;
  if (18 - shifted.length < 0 || scale < -9) return undefined;
  const canonicalLooking = scale % 3 === 0 && !shifted.endsWith('000') && shifted[0] !== '0';
  return { original: canonicalLooking ? input : undefined, scale };
}

function formatCanonical(nanos: bigint, format: QuantityFormat): string {
  if (nanos === 0n) return '0';
  if (format === 'BinarySI') {
    const binary = formatBinary(nanos);
    if (binary !== undefined) return binary;
    return formatDecimal(nanos, 'DecimalSI');
  }
  return formatDecimal(nanos, format);
}

/** BinarySI only for whole values of magnitude ≥ 1024; otherwise the caller prints DecimalSI. */
function formatBinary(nanos: bigint): string | undefined {
  const magnitude = nanos < 0n ? -nanos : nanos;
  if (magnitude < 1024n * NANO || magnitude % NANO !== 0n) return undefined;
  let value = nanos / NANO;
  let power = 0;
  while (power < 6 && abs(value) >= 1024n && value % 1024n === 0n) {
    value /= 1024n;
    power++;
  }
  return `${value}${BINARY_SUFFIX_BY_POWER[power]}`;
}

/** Largest exponent (a multiple of 3) that keeps the mantissa whole. */
function formatDecimal(nanos: bigint, format: 'DecimalSI' | 'DecimalExponent'): string {
  let mantissa = nanos;
  let exponent = -9;
  while (abs(mantissa) >= 10n && mantissa % 10n === 0n) {
    mantissa /= 10n;
    exponent++;
  }
  while (exponent % 3 !== 0) {
    mantissa *= 10n;
    exponent--;
  }
  if (format === 'DecimalExponent') return exponent === 0 ? `${mantissa}` : `${mantissa}e${exponent}`;
  if (exponent > 18) {
    mantissa *= pow10(exponent - 18);
    exponent = 18;
  }
  return `${mantissa}${DECIMAL_SUFFIX_BY_EXPONENT.get(exponent)}`;
}

function pow10(n: number): bigint {
  return 10n ** BigInt(n);
}

function abs(n: bigint): bigint {
  return n < 0n ? -n : n;
}

/** n / d rounded away from zero (d > 0). */
function divideAwayFromZero(n: bigint, d: bigint): bigint {
  const q = n / d;
  if (q * d === n) return q;
  return n < 0n ? q - 1n : q + 1n;
}
