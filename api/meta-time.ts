/** Times as metav1.Time marshals them: RFC 3339 in UTC, second precision (`2026-12-07T10:00:00Z`). */
export function metaTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
