/**
 * Applies rendered rule sets with `iptables-restore --noflush` in the namespace the runner
 * runs in (the agent's own, which is the node's). Contracts:
 * - `apply(ruleSet)` resolves once that rule set, or a newer one, is in place; an unchanged
 *   text is not re-applied; bursts coalesce into one restore per `minSyncIntervalMs`.
 * - The first restore (and the one after a repair or cleanup) is full: it reads the tables,
 *   writes every chain of ours and checks the jumps. Later ones are partial: only the chains
 *   whose rules changed since the last restore are written (kube-proxy's
 *   MinimizeIPTablesRestore), so one endpoint among 1,000 services rewrites a few chains.
 * - Chains of ours that the new set no longer has are deleted in the same restore.
 * - `verify()` re-reads the tables and re-applies when a rule or jump of ours went missing
 *   (drift: someone flushed or deleted by hand); `startDriftChecks` runs it periodically.
 * - `cleanup()` removes every jump and chain of ours and nothing else.
 */
import { setTimeout as sleep, setInterval as every } from 'node:timers/promises';
import { isProxyChain } from './chain-names';
import { runChecked, type CommandRunner } from './command-runner';
import type { IptablesBackend } from './iptables-backend';
import { changedChainsInput, withStaleChainsDeleted, type ChainTexts, type RuleSet } from './iptables-rules';
import { parseIptablesSave, rulesJumpingTo, type SavedTables } from './iptables-save-parser';
import { ensureJumpRules, JUMP_RULES, removeJumpRules } from './jump-rules';

export interface RuleApplierOptions {
  run: CommandRunner;
  backend: IptablesBackend;
  /** Least time between two restores (kube-proxy's minSyncPeriod); default 1 s. */
  minSyncIntervalMs?: number;
  now?: () => number;
  /** Errors of the periodic drift check (nobody awaits it). */
  onError?: (err: unknown) => void;
  /** Told of every full restore and of partial ones slower than a second. */
  log?: (message: string) => void;
}

export type VerifyResult = 'idle' | 'in-sync' | 'repaired';

const TABLES = ['filter', 'nat'] as const;

export class RuleApplier {
  private desired: RuleSet | undefined;
  private applied: string | undefined;
  /** The chains the tables hold as of the last restore; undefined: the next restore is full. */
  private appliedChains: ChainTexts | undefined;
  private running: Promise<void> | undefined;
  private lastSyncAt = Number.NEGATIVE_INFINITY;
  private readonly lifetime = new AbortController();
  private driftChecks: AbortController | undefined;
  /** Serialises drift checks and cleanup, so a check in flight cannot re-create what cleanup removed. */
  private exclusive: Promise<unknown> = Promise.resolve();
  /** Restores actually run, for tests and metrics. */
  syncCount = 0;
  /** Of which full. */
  fullSyncCount = 0;

  constructor(private readonly opts: RuleApplierOptions) {}

  async apply(ruleSet: RuleSet): Promise<void> {
    this.desired = ruleSet;
    const pending = (): boolean => this.desired !== undefined && this.desired.text !== this.applied && !this.lifetime.signal.aborted;
    do await this.kick();
    while (pending()); // a newer set arrived while the last restore ran (cleanup() clears `desired`)
  }

  /** One drift check; re-applies the last rule set if any rule or jump of ours is missing. */
  verify(): Promise<VerifyResult> {
    return this.serialised(() => this.verifyNow());
  }

  private async verifyNow(): Promise<VerifyResult> {
    if (this.running) await this.running;
    const desired = this.desired;
    if (desired === undefined) return 'idle';
    if (desired.text === this.applied && this.matches(desired, await this.readTables())) return 'in-sync';
    this.forgetApplied();
    await this.apply(desired);
    return 'repaired';
  }

  /** Runs `verify` every `intervalMs` until disposed. */
  startDriftChecks(intervalMs: number): void {
    this.driftChecks?.abort();
    const checks = new AbortController();
    this.driftChecks = checks;
    const signal = AbortSignal.any([this.lifetime.signal, checks.signal]);
    const loop = async () => {
      for await (const _ of every(intervalMs, undefined, { signal })) {
        await this.verify().catch((err: unknown) => this.opts.onError?.(err));
      }
    };
    loop().catch(() => undefined); // only an abort (dispose, cleanup, restart) ends the loop
  }

  /**
   * Removes every jump and chain of ours (for `pikube agent --cleanup`), stops drift checks and
   * forgets the rule set; a later `apply` programs from scratch.
   */
  cleanup(): Promise<void> {
    this.driftChecks?.abort();
    return this.serialised(() => this.cleanupNow());
  }

  private async cleanupNow(): Promise<void> {
    if (this.running) await this.running.catch(() => undefined);
    this.desired = undefined;
    this.forgetApplied();
    await removeJumpRules(this.opts.run, this.opts.backend);
    const tables = await this.readTables();
    const input = TABLES.map((t) => deletionSection(t, (tables.get(t)?.chains ?? []).filter(isProxyChain))).join('');
    if (input !== '') await runChecked(this.opts.run, this.opts.backend.restore, ['-w', '5', '--noflush'], input);
  }

  /** Stops drift checks and pending waits; rules stay in place (an agent restart keeps traffic flowing). */
  dispose(): void {
    this.lifetime.abort();
  }

  private serialised<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.exclusive.then(fn, fn);
    this.exclusive = next.catch(() => undefined);
    return next;
  }

  private kick(): Promise<void> {
    this.running ??= this.loop().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async loop(): Promise<void> {
    while (this.desired !== undefined && this.desired.text !== this.applied) {
      const wait = this.lastSyncAt + (this.opts.minSyncIntervalMs ?? 1_000) - this.now();
      if (wait > 0) await sleep(wait, undefined, { signal: this.lifetime.signal });
      await this.sync(this.desired);
    }
  }

  private forgetApplied(): void {
    this.applied = undefined;
    this.appliedChains = undefined;
  }

  private async sync(ruleSet: RuleSet): Promise<void> {
    const started = Date.now();
    this.lastSyncAt = this.now();
    const previous = this.appliedChains;
    this.appliedChains = undefined; // until this restore is known to have worked
    const written = previous === undefined ? await this.fullSync(ruleSet) : await this.restore(changedChainsInput(ruleSet, previous));
    const ms = Date.now() - started;
    if (previous === undefined || ms > 1000) this.opts.log?.(`${previous === undefined ? 'full' : 'partial'} iptables restore took ${ms} ms (${written} chains written)`);
    this.syncCount++;
    this.applied = ruleSet.text;
    this.appliedChains = ruleSet.chainTexts;
  }

  private async fullSync(ruleSet: RuleSet): Promise<number> {
    const tables = await this.readTables();
    const existing = { filter: tables.get('filter')?.chains ?? [], nat: tables.get('nat')?.chains ?? [] };
    const written = await this.restore(withStaleChainsDeleted(ruleSet, existing));
    await ensureJumpRules(this.opts.run, this.opts.backend);
    this.fullSyncCount++;
    return written;
  }

  /** Runs one restore; returns how many chains it declared (wrote or deleted). */
  private async restore(input: string): Promise<number> {
    if (input === '') return 0;
    await runChecked(this.opts.run, this.opts.backend.restore, ['-w', '5', '--noflush'], input);
    return input.split('\n').filter((l) => l.startsWith(':')).length;
  }

  private async readTables(): Promise<SavedTables> {
    const texts = await Promise.all(TABLES.map((t) => runChecked(this.opts.run, this.opts.backend.save, ['-t', t])));
    return parseIptablesSave(texts.join('\n'));
  }

  /** Every chain of ours holds as many rules as rendered, and every jump is in place. */
  private matches(ruleSet: RuleSet, tables: SavedTables): boolean {
    const chainSets = new Map([...tables].map(([name, t]) => [name, new Set(t.chains)]));
    const countsOk = Object.entries(ruleSet.ruleCounts).every(([key, n]) => {
      const [table = '', chain = ''] = key.split('/');
      const t = tables.get(table);
      return t !== undefined && chainSets.get(table)?.has(chain) === true && (t.rules.get(chain)?.length ?? 0) === n;
    });
    return countsOk && JUMP_RULES.every((j) => rulesJumpingTo(tables.get(j.table), j.from, j.to).length > 0);
  }

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }
}

/** Restore input that flushes and deletes these chains of one table ('' when there are none). */
function deletionSection(table: string, chains: string[]): string {
  if (chains.length === 0) return '';
  return [`*${table}`, ...chains.map((c) => `:${c} - [0:0]`), ...chains.map((c) => `-X ${c}`), 'COMMIT', ''].join('\n');
}
