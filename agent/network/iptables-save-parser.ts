/**
 * Reads `iptables-save` output: per table, the chains it declares and each chain's rules (the
 * text after `-A CHAIN `). Used to find chains of ours to delete and to notice drift.
 */
export interface SavedTable {
  chains: string[];
  rules: Map<string, string[]>;
}

export type SavedTables = Map<string, SavedTable>;

function tableFor(tables: SavedTables, name: string): SavedTable {
  let t = tables.get(name);
  if (t === undefined) {
    t = { chains: [], rules: new Map() };
    tables.set(name, t);
  }
  return t;
}

function addRule(table: SavedTable, line: string): void {
  const rest = line.slice(3);
  const space = rest.indexOf(' ');
  const chain = space < 0 ? rest : rest.slice(0, space);
  const rules = table.rules.get(chain) ?? [];
  rules.push(space < 0 ? '' : rest.slice(space + 1));
  table.rules.set(chain, rules);
}

export function parseIptablesSave(text: string): SavedTables {
  const tables: SavedTables = new Map();
  let current: SavedTable | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('*')) current = tableFor(tables, line.slice(1).trim());
    else if (current === undefined) continue;
    else if (line.startsWith(':')) current.chains.push(line.slice(1).split(' ')[0] ?? '');
    else if (line.startsWith('-A ')) addRule(current, line);
  }
  return tables;
}

/** The rules of a chain whose target (`-j X`) is `target`. */
export function rulesJumpingTo(table: SavedTable | undefined, chain: string, target: string): string[] {
  return (table?.rules.get(chain) ?? []).filter((r) => new RegExp(`(^| )-j ${target}( |$)`).test(r));
}
