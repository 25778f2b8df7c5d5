/**
 * Kubernetes' slowStartBatch (pkg/controller/replicaset): `count` calls in batches of 1, 2, 4…,
 * each batch at once; a batch with a failure ends the run, so a create every call would fail
 * alike (a quota, a bad template, a webhook) costs one call, not hundreds.
 */

/** Runs the calls; rethrows the first failure of the first batch that had one. */
export async function slowStartBatch(count: number, call: () => Promise<void>): Promise<void> {
  for (let done = 0, size = 1; done < count; done += size, size *= 2) {
    await allOrFirstFailure(Array.from({ length: Math.min(size, count - done) }, call));
  }
}

/** Waits for every call; rethrows the first failure. */
export async function allOrFirstFailure(calls: Promise<void>[]): Promise<void> {
  const failed = (await Promise.allSettled(calls)).find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}
