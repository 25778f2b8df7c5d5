/**
 * YAML bodies parsed within bounds, as sigs.k8s.io/yaml converts them to JSON: the first
 * document only, YAML 1.2 core scalars, at most MAX_YAML_ALIASES alias expansions (a
 * "billion laughs" fails at once instead of growing), at most MAX_NESTING_DEPTH levels and
 * MAX_YAML_NODES nodes. Errors name the line like go-yaml: `yaml: line 3: <reason>`.
 * Duplicate keys are kept last-wins and reported in go-yaml's strict wording (`line 4: key
 * "name" already set in map`) for fieldValidation to refuse or warn about.
 */
import { Composer, isAlias, isCollection, isMap, isPair, isScalar, Lexer, LineCounter, Parser, type Document, type Node } from 'yaml';
import { MAX_NESTING_DEPTH } from './schema/typed-decoder';

export const MAX_YAML_ALIASES = 100;
export const MAX_YAML_NODES = 50_000;
/**
 * Lexer tokens allowed before parsing starts. The yaml package parses about 0.5 MB/s (10 µs a
 * node), so a 3 MiB body of tiny nodes would hold the event loop for seconds: the lexer, four
 * times faster and stopped at the budget, refuses those in about 0.1 s; what passes parses in
 * about half a second at worst. Block scalars (a ConfigMap's files) are a few tokens each.
 */
export const MAX_YAML_TOKENS = 4 * MAX_YAML_NODES;

export interface ParsedYaml {
  value: unknown;
  /** go-yaml's strict-mode complaints (duplicate keys), one per key. */
  duplicates: string[];
}

/** A YAML body that cannot be converted; `message` reads `yaml: line N: …` or `yaml: …`. */
export class YamlBodyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'YamlBodyError';
  }
}

/** `maxNodes` defaults to MAX_YAML_NODES. */
export function parseBoundedYaml(text: string, maxNodes = MAX_YAML_NODES): ParsedYaml {
  if (flowDepth(text) > MAX_NESTING_DEPTH) throw new YamlBodyError(`yaml: exceeded max depth of ${MAX_NESTING_DEPTH}`);
  checkTokenBudget(text, 4 * maxNodes);
  const lines = new LineCounter();
  const doc = firstDocument(text, lines);
  if (!doc) return { value: null, duplicates: [] };
  const error = doc.errors[0];
  if (error) throw new YamlBodyError(`yaml: line ${lines.linePos(error.pos[0]).line}: ${error.message}`);
  const duplicates = checkTree(doc.contents, lines, maxNodes);
  return { value: toJson(doc), duplicates };
}

/**
 * An upper bound of flow nesting (`[[[…` and `{{{…`), counted without parsing so that a deep
 * body never reaches the parser's recursion. Block nesting needs indentation, which the body
 * size bounds. Brackets inside scalars count too; a real manifest is nowhere near the bound.
 */
function flowDepth(text: string): number {
  let depth = 0;
  let max = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5b || c === 0x7b) max = Math.max(max, ++depth);
    else if ((c === 0x5d || c === 0x7d) && depth > 0) depth--;
  }
  return max;
}

function checkTokenBudget(text: string, budget: number): void {
  let tokens = 0;
  for (const _token of new Lexer().lex(text)) {
    if (++tokens > budget) throw new YamlBodyError(`yaml: document has more than ${budget} tokens`);
  }
}

function firstDocument(text: string, lines: LineCounter): Document.Parsed | undefined {
  const composer = new Composer({ uniqueKeys: false, prettyErrors: false, merge: true });
  const tokens = new Parser(lines.addNewLine).parse(text);
  for (const doc of composer.compose(tokens, false)) return doc;
  for (const doc of composer.end(false)) return doc;
  return undefined;
}

function toJson(doc: Document.Parsed): unknown {
  try {
    return doc.toJS({ maxAliasCount: MAX_YAML_ALIASES });
  } catch (err: unknown) {
    if (err instanceof ReferenceError) throw new YamlBodyError('yaml: document contains excessive aliasing');
    throw new YamlBodyError(`yaml: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Walks the node tree without recursion: bounds depth and size, collects duplicate keys. */
function checkTree(root: unknown, lines: LineCounter, maxNodes: number): string[] {
  const duplicates: string[] = [];
  const stack: { node: unknown; depth: number }[] = [{ node: root, depth: 0 }];
  let count = 0;
  for (let top = stack.pop(); top; top = stack.pop()) {
    if (++count > maxNodes) throw new YamlBodyError(`yaml: document has more than ${maxNodes} nodes`);
    if (top.depth > MAX_NESTING_DEPTH) throw new YamlBodyError(`yaml: exceeded max depth of ${MAX_NESTING_DEPTH}`);
    if (isMap(top.node)) duplicates.push(...duplicateKeys(top.node.items, lines));
    for (const child of children(top.node)) stack.push({ node: child, depth: top.depth + 1 });
  }
  return duplicates;
}

function children(node: unknown): unknown[] {
  if (isPair(node)) return [node.key, node.value];
  if (isCollection(node)) return node.items;
  return [];
}

function duplicateKeys(pairs: readonly unknown[], lines: LineCounter): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const pair of pairs) {
    if (!isPair(pair) || !isScalar(pair.key) || isAlias(pair.key)) continue;
    const key = String((pair.key as Node & { value: unknown }).value);
    const line = pair.key.range ? lines.linePos(pair.key.range[0]).line : 0;
    if (seen.has(key)) out.push(`error converting YAML to JSON: yaml: unmarshal errors:\n  line ${line}: key ${JSON.stringify(key)} already set in map`);
    seen.add(key);
  }
  return out;
}
