import assert from 'node:assert/strict';
import { NextRead } from '../../../base/next-read';

/** A read the test settles by hand, numbered in the order reads start. */
function manualReads(): { started: { resolve: (v: number) => void; reject: (e: Error) => void }[]; read: () => Promise<number> } {
  const started: { resolve: (v: number) => void; reject: (e: Error) => void }[] = [];
  return {
    started,
    read: () => new Promise<number>((resolve, reject) => void started.push({ resolve, reject })),
  };
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('NextRead', () => {
  it('starts a read at once when none is in flight', async () => {
    const reads = manualReads();
    const next = new NextRead(reads.read);
    const a = next.get();
    assert.equal(reads.started.length, 1);
    reads.started[0]?.resolve(7);
    assert.equal(await a, 7);
  });

  it('callers during a read share the one read that starts after it, never the earlier one', async () => {
    const reads = manualReads();
    const next = new NextRead(reads.read);
    const first = next.get();
    const later = [next.get(), next.get(), next.get()];
    assert.equal(reads.started.length, 1, 'the queued callers wait for the read in flight to end');
    reads.started[0]?.resolve(1);
    assert.equal(await first, 1);
    await tick();
    assert.equal(reads.started.length, 2, 'one read for all three');
    reads.started[1]?.resolve(2);
    assert.deepEqual(await Promise.all(later), [2, 2, 2]);
  });

  it('a failed read fails only its own callers; the queued read still starts', async () => {
    const reads = manualReads();
    const next = new NextRead(reads.read);
    const first = next.get();
    const queued = next.get();
    reads.started[0]?.reject(new Error('etcd away'));
    await assert.rejects(first, /etcd away/);
    await tick();
    reads.started[1]?.resolve(3);
    assert.equal(await queued, 3);
    const after = next.get();
    assert.equal(reads.started.length, 3, 'nothing in flight: a new read at once');
    reads.started[2]?.resolve(4);
    assert.equal(await after, 4);
  });
});
