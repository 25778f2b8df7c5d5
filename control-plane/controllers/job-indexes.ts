/**
 * Sets of completion indexes as an Indexed Job's status writes them (`completedIndexes`,
 * `failedIndexes`: "1,3-5,7", ascending, a run of three or more consecutive indexes as `first-last`, a pair as
 * `first,last`: pkg/controller/job indexed_job_utils.go orderedIntervals.String).
 */

/** The indexes of `text` below `completions`, ascending and unique; malformed parts are skipped, as Kubernetes does. */
export function parseIndexes(text: string | undefined, completions: number): number[] {
  const out = new Set<number>();
  for (const part of (text ?? '').split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) continue;
    const first = Number(m[1]);
    const last = Math.min(m[2] === undefined ? first : Number(m[2]), completions - 1);
    for (let i = first; i <= last; i++) out.add(i);
  }
  return [...out].sort((a, b) => a - b);
}

/** The status text of a set of indexes (any order, duplicates allowed). */
export function formatIndexes(indexes: Iterable<number>): string {
  const sorted = [...new Set(indexes)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === (sorted[j] ?? 0) + 1) j++;
    const first = sorted[i] ?? 0;
    const last = sorted[j] ?? 0;
    parts.push(last > first + 1 ? `${first}-${last}` : last === first + 1 ? `${first},${last}` : String(first));
    i = j + 1;
  }
  return parts.join(',');
}
