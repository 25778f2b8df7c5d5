/** Timestamps as Kubernetes writes them in pod status. */

/** RFC 3339 with second precision, as Kubernetes writes timestamps. */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
}

/** Normalises a runtime timestamp (nanosecond precision) to Kubernetes' form. */
export function kubeTime(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : rfc3339(ms);
}
