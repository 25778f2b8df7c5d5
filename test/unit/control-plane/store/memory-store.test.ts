import assert from 'node:assert/strict';
import type { ApiError } from '../../../../api/errors';
import { MemoryStore } from '../../../../control-plane/store/memory-store';
import { describeStoreContract } from '../../../support/store-contract';

describeStoreContract('MemoryStore', () => {
  const store = new MemoryStore();
  return { store, prefix: '/t/registry', compact: async (revision) => store.compact(revision) };
});

describe('MemoryStore', () => {
  it('drops a watch subscriber that falls behind with Gone, as EtcdStore does', async () => {
    const store = new MemoryStore({ watchBufferSize: 2 });
    const errors: ApiError[] = [];
    const seen: string[] = [];
    store.watch('/r/', { afterRevision: 1, onEvent: (e) => (seen.push(e.object.metadata.name ?? ''), new Promise<void>(() => undefined)), onError: (e) => void errors.push(e) });
    for (const name of ['a', 'b', 'c', 'd', 'e']) await store.create(`/r/${name}`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name } });
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(seen, ['a']);
    assert.equal(errors[0]?.code, 'Gone');
    assert.match(errors[0]?.message ?? '', /fell more than 2 events behind/);
  });
});
