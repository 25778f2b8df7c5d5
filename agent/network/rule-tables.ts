/**
 * An iptables-restore table under construction: the chains of ours it declares (in order) and
 * their rules. Rendering declares every chain with `:NAME - [0:0]`, which under `--noflush`
 * creates or flushes exactly that chain and leaves every other chain of the table alone.
 */
export type TableName = 'filter' | 'nat';

export class RuleTable {
  private readonly rules = new Map<string, string[][]>();

  constructor(readonly name: TableName) {}

  /** Declares a chain (idempotent); a declared chain is flushed and rewritten on restore. */
  declare(chain: string): void {
    if (!this.rules.has(chain)) this.rules.set(chain, []);
  }

  /** Appends a rule (its arguments after `-A CHAIN`) to a chain, declaring it if needed. */
  append(chain: string, ...args: string[]): void {
    this.declare(chain);
    this.rules.get(chain)?.push(args);
  }

  chains(): string[] {
    return [...this.rules.keys()];
  }

  ruleCount(chain: string): number {
    return this.rules.get(chain)?.length ?? 0;
  }

  /** Each chain's rules as restore lines, joined: what a partial sync compares. */
  chainTexts(): Map<string, string> {
    return new Map([...this.rules].map(([chain, rules]) => [chain, rules.map((args) => ['-A', chain, ...args].join(' ')).join('\n')]));
  }

  /** The restore input of this table, ending with COMMIT. */
  render(): string {
    const lines = [`*${this.name}`, ...this.chains().map((c) => `:${c} - [0:0]`)];
    for (const [chain, rules] of this.rules) for (const args of rules) lines.push(['-A', chain, ...args].join(' '));
    return [...lines, 'COMMIT', ''].join('\n');
  }
}
