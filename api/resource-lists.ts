/**
 * Arithmetic on resource lists as Kubernetes' quota helpers do it (pkg/quota/v1 Add, Subtract,
 * Mask, LessThanOrEqual...), on exact quantities: a sum keeps its first operand's format, an
 * untouched quantity keeps the text it was written with. Lists are Maps, so any resource name
 * is a safe key.
 */
import type { ResourceList } from './core-v1';
import { Quantity, tryParseQuantity } from './quantity';

export type Quantities = Map<string, Quantity>;

/** Parses a wire resource list; values that do not parse are skipped (validation reports them). */
export function quantitiesOf(list: ResourceList | undefined): Quantities {
  const out: Quantities = new Map();
  for (const [name, raw] of Object.entries(list ?? {})) {
    const q = tryParseQuantity(String(raw).trim());
    if (!(q instanceof Error)) out.set(name, q);
  }
  return out;
}

/** Back to the wire form, names sorted (as Go's JSON encoder writes maps). */
export function toResourceList(quantities: Quantities): ResourceList {
  const out: ResourceList = {};
  for (const name of [...quantities.keys()].sort()) out[name] = (quantities.get(name) as Quantity).toString();
  return out;
}

export function addQuantities(a: Quantities, b: Quantities): Quantities {
  const out: Quantities = new Map(a);
  for (const [name, q] of b) {
    const mine = out.get(name);
    out.set(name, mine ? mine.add(q) : q);
  }
  return out;
}

/** a − b over a's names (quota.Subtract keeps b's other names as their negation; usage never needs them). */
export function subtractQuantities(a: Quantities, b: Quantities): Quantities {
  const out: Quantities = new Map(a);
  for (const [name, q] of b) {
    const mine = out.get(name);
    out.set(name, mine ? mine.sub(q) : q.neg());
  }
  return out;
}

/** The entries whose names are in `names`. */
export function maskQuantities(list: Quantities, names: Iterable<string>): Quantities {
  const out: Quantities = new Map();
  for (const name of names) {
    const q = list.get(name);
    if (q) out.set(name, q);
  }
  return out;
}

/** Each entry of `a` at most its namesake in `b` (absent in b: not limited); the names that exceed. */
export function exceededNames(a: Quantities, b: Quantities): string[] {
  return [...a].filter(([name, q]) => {
    const limit = b.get(name);
    return limit !== undefined && q.cmp(limit) > 0;
  }).map(([name]) => name);
}

/** Same names, equal amounts (quota.Equals). */
export function sameQuantities(a: Quantities, b: Quantities): boolean {
  if (a.size !== b.size) return false;
  return [...a].every(([name, q]) => b.get(name)?.cmp(q) === 0);
}

/** The larger of each name (quota.Max). */
export function maxQuantities(a: Quantities, b: Quantities): Quantities {
  const out: Quantities = new Map(a);
  for (const [name, q] of b) {
    const mine = out.get(name);
    if (!mine || q.cmp(mine) > 0) out.set(name, q);
  }
  return out;
}

/** As the quota admission prints lists in its messages: `pods=1,requests.cpu=500m`, names sorted. */
export function printQuantities(list: Quantities): string {
  return [...list.keys()].sort().map((name) => `${name}=${(list.get(name) as Quantity).toString()}`).join(',');
}

export function zeroQuantity(): Quantity {
  return Quantity.fromValue(0);
}
