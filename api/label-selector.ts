/**
 * Label selectors as k8s.io/apimachinery/pkg/labels: the string syntax of `?labelSelector=`
 * and `kubectl -l` (`a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`, `a>1`,
 * `a<1`, comma-separated), the LabelSelector object of workloads (matchLabels +
 * matchExpressions), matching against a labels map, and formatting back to a string.
 * Parse errors carry Kubernetes' own messages and are thrown as 400 BadRequest.
 */
import { badRequest } from './errors';
import type { LabelSelector } from './meta';
import { goQuote } from './validation/field-errors';
import { isQualifiedName, isValidLabelValue } from './validation/names';

export { isQualifiedName as labelKeyErrors, isValidLabelValue as labelValueErrors } from './validation/names';

/** selection.Operator values, spelled as Kubernetes spells them. */
export type SelectorOperator = '=' | '==' | '!=' | 'in' | 'notin' | 'exists' | '!' | 'gt' | 'lt';

export interface Requirement {
  key: string;
  operator: SelectorOperator;
  /** Sorted for set operators as parsed; one value for =, ==, !=, gt, lt; none for exists, !. */
  values: string[];
}

/** A parsed selector: the AND of its requirements, sorted by key. */
export interface Selector {
  requirements: Requirement[];
  /** labels.Nothing(): matches no object (a nil LabelSelector). */
  matchesNothing?: boolean;
}

export const EVERYTHING: Selector = Object.freeze({ requirements: [] }) as Selector;
export const NOTHING: Selector = Object.freeze({ requirements: [], matchesNothing: true }) as Selector;

/** Parses the string form; throws ApiError BadRequest with the Kubernetes message. */
export function parseLabelSelector(selector: string): Selector {
  const requirements = new SelectorParser(lex(selector)).parse();
  return { requirements: sortByKey(requirements) };
}

/**
 * metav1.LabelSelectorAsSelector: undefined matches nothing, an empty selector everything.
 * Throws ApiError BadRequest on an unknown operator or invalid keys/values.
 */
export function selectorFromLabelSelector(ls: LabelSelector | undefined): Selector {
  if (!ls) return NOTHING;
  const requirements: Requirement[] = [];
  for (const [key, value] of Object.entries(ls.matchLabels ?? {})) requirements.push(newRequirement(key, '=', [value]));
  for (const expr of ls.matchExpressions ?? []) requirements.push(newRequirement(expr.key, expressionOperator(expr.operator), [...(expr.values ?? [])]));
  return { requirements: sortByKey(requirements) };
}

/** labels.SelectorFromSet: every key must equal its value; not validated. */
export function selectorFromSet(set: Record<string, string> | undefined): Selector {
  const requirements = Object.entries(set ?? {}).map(([key, value]): Requirement => ({ key, operator: '=', values: [value] }));
  return { requirements: sortByKey(requirements) };
}

export function matchesLabels(selector: Selector, labels: Record<string, string> | undefined): boolean {
  if (selector.matchesNothing) return false;
  return selector.requirements.every((r) => requirementMatches(r, labels ?? {}));
}

export function requirementMatches(r: Requirement, labels: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  switch (r.operator) {
    case '=': case '==': case 'in':
      return has && r.values.includes(labels[r.key]);
    case '!=': case 'notin':
      return !has || !r.values.includes(labels[r.key]);
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt': case 'lt':
      return has && compareIntegers(r, labels[r.key]);
  }
}

function compareIntegers(r: Requirement, labelValue: string): boolean {
  const actual = parseInt64(labelValue);
  const bound = r.values.length === 1 ? parseInt64(r.values[0]) : undefined;
  if (actual === undefined || bound === undefined) return false;
  return r.operator === 'gt' ? actual > bound : actual < bound;
}

/** The string form Kubernetes prints: requirements by key, set values sorted. */
export function formatLabelSelector(selector: Selector): string {
  return selector.requirements.map(formatRequirement).join(',');
}

const OPERATOR_TEXT: Record<SelectorOperator, string> = {
  '=': '=', '==': '==', '!=': '!=', in: ' in ', notin: ' notin ', gt: '>', lt: '<', exists: '', '!': '',
};

export function formatRequirement(r: Requirement): string {
  if (r.operator === 'exists') return r.key;
  if (r.operator === '!') return `!${r.key}`;
  const values = r.values.length === 1 ? r.values[0] : [...r.values].sort(compareStrings).join(',');
  const body = r.operator === 'in' || r.operator === 'notin' ? `(${values})` : values;
  return `${r.key}${OPERATOR_TEXT[r.operator]}${body}`;
}

/** If the selector pins `key` to one value (=, ==, or in with one value), that value. */
export function requiresExactMatch(selector: Selector, key: string): string | undefined {
  const r = selector.requirements.find((req) => req.key === key);
  if (!r || !['=', '==', 'in'].includes(r.operator) || r.values.length !== 1) return undefined;
  return r.values[0];
}

function expressionOperator(op: string): SelectorOperator {
  switch (op) {
    case 'In': return 'in';
    case 'NotIn': return 'notin';
    case 'Exists': return 'exists';
    case 'DoesNotExist': return '!';
    default: throw badRequest(`${goQuote(op)} is not a valid label selector operator`);
  }
}

// ---- labels.NewRequirement ----

/** A field error inside a selector, printed as Go's field.Error.Error(). */
function fieldError(path: string, value: string | string[], detail: string): string {
  const shown = typeof value === 'string' ? goQuote(value) : `[]string{${value.map(goQuote).join(', ')}}`;
  return `${path}: Invalid value: ${shown}: ${detail}`;
}

/** Validates and builds a requirement; throws BadRequest with the aggregated errors. */
export function newRequirement(key: string, operator: SelectorOperator, values: string[]): Requirement {
  const errs = requirementErrors(key, operator, values);
  if (errs.length > 0) throw badRequest(aggregate(errs));
  return { key, operator, values };
}

function requirementErrors(key: string, operator: SelectorOperator, values: string[]): string[] {
  const errs: string[] = [];
  const keyErrs = isQualifiedName(key);
  if (keyErrs.length) errs.push(fieldError('key', key, keyErrs.join('; ')));
  errs.push(...operatorErrors(operator, values));
  values.forEach((v, i) => {
    const valueErrs = isValidLabelValue(v);
    if (valueErrs.length) errs.push(fieldError(`values[${i}][${key}]`, v, valueErrs.join('; ')));
  });
  return errs;
}

function operatorErrors(operator: SelectorOperator, values: string[]): string[] {
  switch (operator) {
    case 'in': case 'notin':
      return values.length === 0 ? [fieldError('values', values, "for 'in', 'notin' operators, values set can't be empty")] : [];
    case '=': case '==': case '!=':
      return values.length !== 1 ? [fieldError('values', values, 'exact-match compatibility requires one single value')] : [];
    case 'exists': case '!':
      return values.length !== 0 ? [fieldError('values', values, 'values set must be empty for exists and does not exist')] : [];
    case 'gt': case 'lt':
      return integerOperatorErrors(values);
  }
}

function integerOperatorErrors(values: string[]): string[] {
  const errs = values.length !== 1 ? [fieldError('values', values, "for 'Gt', 'Lt' operators, exactly one value is required")] : [];
  values.forEach((v, i) => {
    if (parseInt64(v) === undefined) errs.push(fieldError(`values[${i}]`, v, "for 'Gt', 'Lt' operators, the value must be an integer"));
  });
  return errs;
}

/** utilerrors.NewAggregate(...).Error(): one message bare, several deduplicated in brackets. */
function aggregate(messages: string[]): string {
  const unique = [...new Set(messages)];
  return unique.length === 1 ? unique[0] : `[${unique.join(', ')}]`;
}

// ---- lexer (labels.Lexer) ----

type Token =
  | 'error' | 'end' | ')' | ',' | '!' | '==' | '=' | '>' | 'identifier' | 'in' | '<' | '!=' | 'notin' | '(';

interface Scanned {
  token: Token;
  literal: string;
}

const LITERAL_TOKENS: Record<string, Token> = {
  ')': ')', ',': ',', '!': '!', '==': '==', '=': '=', '>': '>', in: 'in', '<': '<', '!=': '!=', notin: 'notin', '(': '(',
};

/** Own-property lookup: user text such as `constructor` must not hit Object.prototype. */
const literalToken = (text: string): Token | undefined => (Object.hasOwn(LITERAL_TOKENS, text) ? LITERAL_TOKENS[text] : undefined);

const isWhitespace = (ch: string): boolean => ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';
const isSpecial = (ch: string): boolean => '=!(),><'.includes(ch);

function lex(input: string): Scanned[] {
  const lexer = new Lexer(input);
  const items: Scanned[] = [];
  for (;;) {
    const item = lexer.next();
    items.push(item);
    if (item.token === 'end') return items;
  }
}

class Lexer {
  private pos = 0;

  constructor(private readonly s: string) {}

  /** The next character, or '' at the end (Go's NUL sentinel also ends the input). */
  private read(): string {
    const ch = this.pos < this.s.length ? this.s[this.pos] : '';
    if (ch !== '') this.pos++;
    return ch === '\0' ? '' : ch;
  }

  next(): Scanned {
    let ch = this.read();
    while (ch !== '' && isWhitespace(ch)) ch = this.read();
    if (ch === '') return { token: 'end', literal: '' };
    this.pos--;
    return isSpecial(ch) ? this.specialSymbol() : this.identifierOrKeyword();
  }

  private identifierOrKeyword(): Scanned {
    let buffer = '';
    for (let ch = this.read(); ch !== ''; ch = this.read()) {
      if (isSpecial(ch) || isWhitespace(ch)) {
        this.pos--;
        break;
      }
      buffer += ch;
    }
    return { token: literalToken(buffer) ?? 'identifier', literal: buffer };
  }

  /** Longest operator made of special symbols ("!=", "==", "="...). */
  private specialSymbol(): Scanned {
    let buffer = '';
    let last: Scanned | undefined;
    for (let ch = this.read(); ch !== ''; ch = this.read()) {
      if (!isSpecial(ch)) {
        this.pos--;
        break;
      }
      buffer += ch;
      const token = literalToken(buffer);
      if (token) last = { token, literal: buffer };
      else if (last) {
        this.pos--;
        break;
      }
    }
    return last ?? { token: 'error', literal: `error expected: keyword found '${buffer}'` };
  }
}

// ---- parser (labels.Parser) ----

type Context = 'keyAndOperator' | 'values';

const BINARY_OPERATORS = 'in, notin, =, ==, !=, gt, lt';

/** A syntax error inside one requirement; parse() prefixes "unable to parse requirement: ". */
class RequirementSyntaxError extends Error {}

const OPERATOR_TOKENS: Partial<Record<Token, SelectorOperator>> = {
  in: 'in', '=': '=', '==': '==', '>': 'gt', '<': 'lt', notin: 'notin', '!=': '!=',
};

class SelectorParser {
  private position = 0;

  constructor(private readonly items: Scanned[]) {}

  private lookahead(context: Context): Scanned {
    return this.asContext(this.items[this.position], context);
  }

  private consume(context: Context): Scanned {
    return this.asContext(this.items[this.position++], context);
  }

  /** In a values context the keywords `in` and `notin` are plain identifiers. */
  private asContext(item: Scanned, context: Context): Scanned {
    if (context === 'values' && (item.token === 'in' || item.token === 'notin')) return { token: 'identifier', literal: item.literal };
    return item;
  }

  parse(): Requirement[] {
    const requirements: Requirement[] = [];
    for (;;) {
      const { token, literal } = this.lookahead('values');
      if (token === 'end') return requirements;
      if (token !== 'identifier' && token !== '!') throw badRequest(`found '${literal}', expected: !, identifier, or 'end of string'`);
      requirements.push(this.requirementOrThrow());
      if (this.afterRequirement()) return requirements;
    }
  }

  /** After a requirement: end of input (true), or a comma followed by another requirement. */
  private afterRequirement(): boolean {
    const { token, literal } = this.consume('values');
    if (token === 'end') return true;
    if (token !== ',') throw badRequest(`found '${literal}', expected: ',' or 'end of string'`);
    const next = this.lookahead('values');
    if (next.token !== 'identifier' && next.token !== '!') throw badRequest(`found '${next.literal}', expected: identifier after ','`);
    return false;
  }

  private requirementOrThrow(): Requirement {
    try {
      return this.requirement();
    } catch (err: unknown) {
      if (err instanceof RequirementSyntaxError) throw badRequest(`unable to parse requirement: ${err.message}`);
      throw err;
    }
  }

  private requirement(): Requirement {
    const { key, operator: inferred } = this.keyAndInferredOperator();
    if (inferred) return validated(key, inferred, []);
    const operator = this.operator();
    const values = operator === 'in' || operator === 'notin' ? this.setValues() : this.exactValue();
    return validated(key, operator, [...values].sort(compareStrings));
  }

  /** The key, and the operator when the key alone decides it (`a` exists, `!a` does not). */
  private keyAndInferredOperator(): { key: string; operator?: SelectorOperator } {
    let { token, literal } = this.consume('values');
    const negated = token === '!';
    if (negated) ({ token, literal } = this.consume('values'));
    if (token !== 'identifier') throw new RequirementSyntaxError(`found '${literal}', expected: identifier`);
    const keyErrs = isQualifiedName(literal);
    if (keyErrs.length) throw new RequirementSyntaxError(fieldError('<nil>', literal, keyErrs.join('; ')));
    if (negated) return { key: literal, operator: '!' };
    const next = this.lookahead('values').token;
    return { key: literal, operator: next === 'end' || next === ',' ? 'exists' : undefined };
  }

  private operator(): SelectorOperator {
    const { token, literal } = this.consume('keyAndOperator');
    const operator = OPERATOR_TOKENS[token];
    if (!operator) throw new RequirementSyntaxError(`found '${literal}', expected: ${BINARY_OPERATORS}`);
    return operator;
  }

  private setValues(): Set<string> {
    const open = this.consume('values');
    if (open.token !== '(') throw new RequirementSyntaxError(`found '${open.literal}' expected: '('`);
    const { token, literal } = this.lookahead('values');
    if (token === ')') {
      this.consume('values');
      return new Set(['']);
    }
    if (token !== 'identifier' && token !== ',') throw new RequirementSyntaxError(`found '${literal}', expected: ',', ')' or identifier`);
    const values = this.identifierList();
    if (this.consume('values').token !== ')') throw new RequirementSyntaxError(`found '${literal}', expected: ')'`);
    return values;
  }

  /** A possibly empty, comma-separated list of possibly empty identifiers, up to ')'. */
  private identifierList(): Set<string> {
    const values = new Set<string>();
    for (;;) {
      const { token, literal } = this.consume('values');
      if (token === 'identifier') {
        values.add(literal);
        const next = this.lookahead('values');
        if (next.token === ')') return values;
        if (next.token !== ',') throw new RequirementSyntaxError(`found '${next.literal}', expected: ',' or ')'`);
      } else if (token === ',') {
        const next = this.lookahead('values').token;
        if (values.size === 0 || next === ')' || next === ',') values.add('');
        if (next === ')') return values;
      } else {
        throw new RequirementSyntaxError(`found '${literal}', expected: ',', or identifier`);
      }
    }
  }

  private exactValue(): Set<string> {
    const next = this.lookahead('values').token;
    if (next === 'end' || next === ',') return new Set(['']);
    const { token, literal } = this.consume('values');
    if (token !== 'identifier') throw new RequirementSyntaxError(`found '${literal}', expected: identifier`);
    return new Set([literal]);
  }
}

/** labels.NewRequirement inside the parser: invalid values are requirement errors. */
function validated(key: string, operator: SelectorOperator, values: string[]): Requirement {
  const errs = requirementErrors(key, operator, values);
  if (errs.length) throw new RequirementSyntaxError(aggregate(errs));
  return { key, operator, values };
}

/** Stable sort by key, as labels.ByKey over Kubernetes' small slices. */
function sortByKey(requirements: Requirement[]): Requirement[] {
  return requirements.map((r, i) => ({ r, i })).sort((a, b) => compareStrings(a.r.key, b.r.key) || a.i - b.i).map((x) => x.r);
}

/** Go string ordering (by UTF-8 bytes; equal to UTF-16 order for the characters selectors allow). */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** strconv.ParseInt(s, 10, 64), or undefined. */
function parseInt64(s: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const n = BigInt(s);
  return n > 2n ** 63n - 1n || n < -(2n ** 63n) ? undefined : n;
}
