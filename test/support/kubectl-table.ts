/**
 * Reading kubectl's human-readable tables in tests: columns are separated by two or more
 * spaces (a single space may stand inside a cell, as in `MIN AVAILABLE` or `1 (5s ago)`).
 */

/** The table's lines, each split into its cells; the header, if printed, is the first row. */
export function tableRows(stdout: string): string[][] {
  return stdout.trim().split('\n').map((line) => line.trim().split(/\s{2,}/));
}
