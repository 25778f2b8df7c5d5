/**
 * Typed decoding: a JSON value checked against a kind's field model the way decoding into the
 * Go types checks it (k8s.io/apimachinery's json serializer over sigs.k8s.io/json), before any
 * code reads it. The result is a fresh copy holding only declared fields, so nothing that a
 * Go struct would drop is stored:
 * - a wrong JSON type fails with encoding/json's UnmarshalTypeError text, naming the innermost
 *   struct and the field path without indices (`PodSpec.spec.terminationGracePeriodSeconds`);
 * - types with their own UnmarshalJSON word their errors themselves (Quantity, IntOrString,
 *   Time and MicroTime) and carry no field path, as in Kubernetes;
 * - `null` anywhere decodes to the zero value: a null field is absent, a null list item or map
 *   value is the item type's zero value;
 * - integers must be integral and fit int32; int64 fields accept JavaScript's safe integers
 *   (larger ones cannot be represented exactly and are refused rather than rounded);
 * - members the model does not declare are dropped and reported (`spec.containers[0].imagee`)
 *   for fieldValidation; free-form values (RawExtension, FieldsV1) are copied as they are;
 * - nesting deeper than MAX_NESTING_DEPTH fails, so every recursive walk after this one (clone,
 *   merge, freeze) is bounded.
 */
import { QUANTITY_FORMAT_MESSAGE, QuantityFormatError, tryParseQuantity } from '../../../api/quantity';
import { decodeFieldType, type ApiDefinition, type DecodedType } from './api-definition';
import { goDefinitionType, goTypeName, jsonKindName, numberLiteral, structName } from './go-type-names';
import { K8S_DEFINITIONS } from './k8s-definitions';

/** Kubernetes accepts 10,000 levels of JSON; a recursive walk on a Pi's stack safely handles this many. */
export const MAX_NESTING_DEPTH = 512;

const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const BASE64_CHAR = /[A-Za-z0-9+/]/;

/** A value that does not decode into its Go type; `message` is the Go decoder's. */
export class TypedDecodeError extends Error {
  constructor(message: string, readonly tooDeep = false) {
    super(message);
    this.name = 'TypedDecodeError';
  }
}

export interface TypedValue {
  /** A copy with only declared fields, nulls resolved. */
  value: Record<string, unknown>;
  /** Paths of the members dropped because the model does not declare them. */
  unknownFields: string[];
}

/**
 * Where the walk is, as a chain to the root: the paths for unknown-field reports (`path`,
 * with indices) and type errors (`goPath`, fields only, in the innermost `struct`) are spelled
 * out only when one is needed, not for every field of every valid body.
 */
interface Place {
  parent?: Place;
  /** The member this place is reached by: a field name, or `[i]` / `[key]` for an item. */
  step?: string;
  item: boolean;
  struct: string;
  depth: number;
}

const ROOT: Place = { item: false, struct: '', depth: 0 };

function pathOf(at: Place): string {
  const steps: Place[] = [];
  for (let p: Place | undefined = at; p?.step !== undefined; p = p.parent) steps.push(p);
  let path = '';
  for (let i = steps.length - 1; i >= 0; i--) path = steps[i].item ? `${path}${steps[i].step}` : join(path, steps[i].step as string);
  return path;
}

function goPathOf(at: Place): string {
  const fields: string[] = [];
  for (let p: Place | undefined = at; p?.step !== undefined; p = p.parent) if (!p.item) fields.push(p.step);
  return fields.reverse().join('.');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function join(path: string, field: string): string {
  return path ? `${path}.${field}` : field;
}

/**
 * Sets an own property even for '__proto__', which plain assignment would treat as the
 * prototype. Any other key is assigned: defineProperty is a slow path on every field of every body.
 */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

export function tooDeepError(): TypedDecodeError {
  return new TypedDecodeError(`json: exceeded max depth of ${MAX_NESTING_DEPTH}`, true);
}

/** The place of a struct's field, or (item) of a list item or map value. */
function deeper(at: Place, step: string, item: boolean, struct = at.struct): Place {
  if (at.depth + 1 > MAX_NESTING_DEPTH) throw tooDeepError();
  return { parent: at, step, item, struct, depth: at.depth + 1 };
}

function mismatch(value: unknown, at: Place, goType: string, kind = jsonKindName(value)): TypedDecodeError {
  if (!at.struct) return new TypedDecodeError(`json: cannot unmarshal ${kind} into Go value of type ${goType}`);
  return new TypedDecodeError(`json: cannot unmarshal ${kind} into Go struct field ${at.struct}.${goPathOf(at)} of type ${goType}`);
}

/** Field types are decoded once: the model is fixed, and every body walks the same fields. */
const decodedTypes = new Map<string, DecodedType>();

function fieldType(type: string): DecodedType {
  let decoded = decodedTypes.get(type);
  if (!decoded) decodedTypes.set(type, (decoded = decodeFieldType(type)));
  return decoded;
}

/**
 * Decodes `value` as the definition `definition` (an OpenAPI name). Throws TypedDecodeError.
 * `own` are definitions a kind brings itself (a kind Kubernetes does not build in); names are
 * looked up there first, then in the built-in field model.
 */
export function decodeTyped(definition: string, value: unknown, own: Readonly<Record<string, ApiDefinition>> = {}): TypedValue {
  const walker = new TypedWalker((name) => (Object.hasOwn(own, name) ? own[name] : K8S_DEFINITIONS[name]));
  const decoded = walker.definition(definition, value, ROOT);
  return { value: decoded as Record<string, unknown>, unknownFields: walker.unknown };
}

/** A bounded deep copy of a free-form JSON value (1e999, which JSON.parse makes Infinity, fails as Go's float64 does). */
export function copyFreeForm(value: unknown, depth = 0): unknown {
  if (depth > MAX_NESTING_DEPTH) throw tooDeepError();
  if (typeof value === 'number' && !Number.isFinite(value)) throw new TypedDecodeError(`json: cannot unmarshal ${numberLiteral(value)} into Go value of type float64`);
  if (Array.isArray(value)) return value.map((item) => copyFreeForm(item, depth + 1));
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) setOwn(out, k, copyFreeForm(v, depth + 1));
  return out;
}

class TypedWalker {
  readonly unknown: string[] = [];

  constructor(private readonly lookup: (name: string) => ApiDefinition | undefined) {}

  definition(name: string, value: unknown, at: Place): unknown {
    const definition = this.lookup(name);
    if (!definition) return copyFreeForm(value, at.depth);
    if (!definition.properties) return this.special(name, definition, value, at);
    if (!isObject(value)) throw mismatch(value, at, goDefinitionType(name));
    return this.struct(name, definition.properties, value, at);
  }

  private struct(name: string, properties: NonNullable<ApiDefinition['properties']>, value: Record<string, unknown>, at: Place): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const struct = structName(name);
    for (const [field, member] of Object.entries(value)) {
      const declared = Object.prototype.hasOwnProperty.call(properties, field) ? properties[field] : undefined;
      if (!declared) this.unknown.push(join(pathOf(at), field));
      else if (member !== null && member !== undefined) setOwn(out, field, this.field(fieldType(declared.type), member, deeper(at, field, false, struct)));
    }
    return out;
  }

  field(type: DecodedType, value: unknown, at: Place): unknown {
    switch (type.kind) {
      case 'scalar': return scalar(type, value, at);
      case 'ref': return this.definition(type.name, value, at);
      case 'array': return this.array(type, type.items, value, at);
      case 'map': return this.map(type, type.values, value, at);
    }
  }

  private array(type: DecodedType, items: DecodedType, value: unknown, at: Place): unknown[] {
    if (!Array.isArray(value)) throw mismatch(value, at, goTypeName(type));
    return value.map((item, i) => (item === null || item === undefined ? this.zero(items) : this.field(items, item, deeper(at, `[${i}]`, true))));
  }

  private map(type: DecodedType, values: DecodedType, value: unknown, at: Place): Record<string, unknown> {
    if (!isObject(value)) throw mismatch(value, at, goTypeName(type));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) setOwn(out, k, v === null || v === undefined ? this.zero(values) : this.field(values, v, deeper(at, `[${k}]`, true)));
    return out;
  }

  /** What Go leaves in a list item or map value decoded from null. */
  private zero(type: DecodedType): unknown {
    if (type.kind === 'scalar') return ZEROS[type.type] ?? null;
    if (type.kind !== 'ref') return null;
    if (type.name === QUANTITY) return '0';
    const definition = this.lookup(type.name);
    if (definition?.format === 'int-or-string') return 0;
    return definition?.properties ? {} : null;
  }

  /** Definitions with a scalar wire form and their own UnmarshalJSON. */
  private special(name: string, definition: ApiDefinition, value: unknown, at: Place): unknown {
    if (name === QUANTITY) return quantity(value);
    if (definition.format === 'int-or-string') return intOrString(value);
    if (definition.format === 'date-time') return time(value);
    if (definition.type === 'string' && typeof value !== 'string') throw mismatch(value, at, goDefinitionType(name));
    return copyFreeForm(value, at.depth);
  }
}

const ZEROS: Record<string, unknown> = { string: '', boolean: false, integer: 0, number: 0 };

function scalar(type: Extract<DecodedType, { kind: 'scalar' }>, value: unknown, at: Place): unknown {
  switch (type.spelled) {
    case 'string': return expect(typeof value === 'string', value, at, 'string');
    case 'string/byte': return base64(expect(typeof value === 'string', value, at, '[]uint8') as string);
    case 'boolean': return expect(typeof value === 'boolean', value, at, 'bool');
    case 'integer/int32': return integer(value, at, 'int32', INT32_MIN, INT32_MAX);
    case 'integer':
    case 'integer/int64': return integer(value, at, 'int64', Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
    case 'number':
    case 'number/double': return double(value, at);
    default: return copyFreeForm(value, at.depth);
  }
}

function expect(ok: boolean, value: unknown, at: Place, goType: string): unknown {
  if (!ok) throw mismatch(value, at, goType);
  return value;
}

function integer(value: unknown, at: Place, goType: string, min: number, max: number): number {
  if (typeof value !== 'number') throw mismatch(value, at, goType);
  if (!Number.isInteger(value) || value < min || value > max) throw mismatch(value, at, goType, numberLiteral(value));
  return value;
}

function double(value: unknown, at: Place): number {
  if (typeof value !== 'number') throw mismatch(value, at, 'float64');
  if (!Number.isFinite(value)) throw mismatch(value, at, 'float64', numberLiteral(value));
  return value;
}

/** []byte travels as standard base64 (encoding/json's rule). */
function base64(text: string): string {
  const body = text.replace(/=+$/, '');
  for (let i = 0; i < body.length; i++) {
    if (!BASE64_CHAR.test(body[i] ?? '')) throw new TypedDecodeError(`illegal base64 data at input byte ${i}`);
  }
  if (text.length % 4 !== 0 || text.length - body.length > 2) throw new TypedDecodeError(`illegal base64 data at input byte ${body.length}`);
  return text;
}

/**
 * resource.Quantity: a string, or a JSON number stored as its canonical string (as
 * Quantity.UnmarshalJSON reads it); anything else fails with the quantity format message. A
 * string's syntax is left to validation, which answers 422 naming the field.
 */
function quantity(value: unknown): string {
  if (typeof value === 'string') return value;
  const parsed = typeof value === 'number' && Number.isFinite(value) ? tryParseQuantity(String(value)) : undefined;
  if (parsed === undefined || parsed instanceof QuantityFormatError) throw new TypedDecodeError(QUANTITY_FORMAT_MESSAGE);
  return parsed.toString();
}

/** intstr.IntOrString: a string, or a number that must fit int32. */
function intOrString(value: unknown): string | number {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX) return value;
  const kind = typeof value === 'number' ? numberLiteral(value) : jsonKindName(value);
  throw new TypedDecodeError(`json: cannot unmarshal ${kind} into Go value of type int32`);
}

/** metav1.Time and MicroTime: an RFC 3339 string. */
function time(value: unknown): string {
  if (typeof value !== 'string') throw new TypedDecodeError(`json: cannot unmarshal ${jsonKindName(value)} into Go value of type string`);
  if (!RFC3339.test(value)) throw new TypedDecodeError(`parsing time ${JSON.stringify(value)} as "2006-01-02T15:04:05Z07:00": cannot parse ${JSON.stringify(value)} as "2006"`);
  return value;
}
