/** Go-style durations as Kubernetes flags spell them: "5s", "1m30s", "500ms", "2h". */
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/y;

/** Milliseconds, or an Error naming the bad input. */
export function parseDuration(text: string): number {
  if (text === '0') return 0;
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < text.length) {
    const start = PART.lastIndex;
    const m = PART.exec(text);
    if (!m || m.index !== start) throw new Error(`invalid duration "${text}": expected e.g. "5s", "1m30s", "500ms"`);
    total += Number(m[1]) * UNIT_MS[m[2]];
  }
  if (text.length === 0) throw new Error('invalid duration "": empty');
  return total;
}
