/**
 * Mocha's spec reporter, which also writes the run's counts as JSON to the file named by
 * PIKUBE_TEST_SUMMARY, for the suite runner (scripts/test/run-suites.ts) to add up, and, when
 * PIKUBE_TEST_DURATIONS names a file, the seconds each test file took (its top-level suites with
 * their hooks), by which the runner balances its shards next time (scripts/test/shard-files.ts).
 */
import { writeFileSync } from 'node:fs';
import Mocha from 'mocha';
import type { SuiteCounts } from './suite-counts';

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    const seconds = new Map<string, number>();
    const started = new Map<Mocha.Suite, number>();
    const topLevel = (suite: Mocha.Suite): suite is Mocha.Suite & { file: string } => suite.parent?.root === true && suite.file !== undefined;
    runner.on(Mocha.Runner.constants.EVENT_SUITE_BEGIN, (suite: Mocha.Suite) => {
      if (topLevel(suite)) started.set(suite, performance.now());
    });
    runner.on(Mocha.Runner.constants.EVENT_SUITE_END, (suite: Mocha.Suite) => {
      const start = started.get(suite);
      if (start === undefined || !topLevel(suite)) return;
      seconds.set(suite.file, (seconds.get(suite.file) ?? 0) + (performance.now() - start) / 1000);
      // Written as each file ends, so that a run stopped at its deadline still tells what it did.
      const durationsFile = process.env.PIKUBE_TEST_DURATIONS;
      if (durationsFile) writeFileSync(durationsFile, JSON.stringify(Object.fromEntries(seconds)));
    });
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      const stats = this.stats;
      const counts: SuiteCounts = { passed: stats.passes, failed: stats.failures, skipped: stats.pending };
      const summaryFile = process.env.PIKUBE_TEST_SUMMARY;
      if (summaryFile) writeFileSync(summaryFile, JSON.stringify(counts));
    });
  }
}

export = SummaryReporter;
