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

/**
 * Milliseconds as Go's time.Duration.String spells them (a metav1.Duration in JSON, such as a
 * metrics window): "0s", "500ms", "15.012s", "1m1.5s", "2h0m0s".
 */
export function formatDuration(ms: number): string {
  const whole = Math.max(0, Math.round(ms));
  if (whole === 0) return '0s';
  if (whole < 1000) return `${whole}ms`;
  const hours = Math.floor(whole / 3_600_000);
  const minutes = Math.floor((whole % 3_600_000) / 60_000);
  const secondsMs = whole % 60_000;
  const seconds = `${Math.floor(secondsMs / 1000)}${secondsMs % 1000 ? `.${String(secondsMs % 1000).padStart(3, '0').replace(/0+$/, '')}` : ''}s`;
  if (hours > 0) return `${hours}h${minutes}m${seconds}`;
  return minutes > 0 ? `${minutes}m${seconds}` : seconds;
}
