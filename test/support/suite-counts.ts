/** What one mocha run reports to the suite runner (scripts/test/run-suites.ts). */
export interface SuiteCounts {
  passed: number;
  failed: number;
  skipped: number;
}
