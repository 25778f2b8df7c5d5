import assert from 'node:assert/strict';
import { DisposableStore, toDisposable } from '../../../base/disposable';

describe('DisposableStore', () => {
  it('disposes what it holds once, in reverse order of registration', () => {
    const order: string[] = [];
    const store = new DisposableStore();
    store.add(toDisposable(() => order.push('first')));
    store.add(toDisposable(() => order.push('second')));
    store.dispose();
    store.dispose();
    assert.deepEqual(order, ['second', 'first']);
    assert.equal(store.isDisposed, true);
  });

  it('disposes every item even when one throws, and reports every failure', () => {
    const disposed: string[] = [];
    const store = new DisposableStore();
    store.add(toDisposable(() => disposed.push('a')));
    store.add({ dispose: () => { throw new Error('b failed'); } });
    store.add({ dispose: () => { throw new Error('c failed'); } });
    assert.throws(() => store.dispose(), (err: unknown) => err instanceof AggregateError && err.errors.length === 2);
    assert.deepEqual(disposed, ['a']);
  });

  it('disposes at once what is added after it was disposed', () => {
    const store = new DisposableStore();
    store.dispose();
    let disposed = false;
    store.add(toDisposable(() => (disposed = true)));
    assert.equal(disposed, true);
  });

  it('clear() releases the held items and keeps the store usable; delete() releases one', () => {
    let count = 0;
    const store = new DisposableStore();
    const one = store.add(toDisposable(() => count++));
    store.delete(one);
    store.delete(one);
    assert.equal(count, 1);
    store.add(toDisposable(() => count++));
    store.clear();
    assert.equal(count, 2);
    assert.equal(store.isDisposed, false);
  });
});
