/**
 * Mocha's spec reporter, which also writes the run's counts as JSON to the file named by
 * PIKUBE_TEST_SUMMARY, for the suite runner (scripts/test/run-suites.ts) to add up.
 */
import { writeFileSync } from 'node:fs';
import Mocha from 'mocha';
import type { SuiteCounts } from './suite-counts';

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      const file = process.env.PIKUBE_TEST_SUMMARY;
      const stats = this.stats;
      const counts: SuiteCounts = { passed: stats.passes, failed: stats.failures, skipped: stats.pending };
      if (file) writeFileSync(file, JSON.stringify(counts));
    });
  }
}

export = SummaryReporter;
