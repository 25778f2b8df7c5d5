import assert from 'node:assert/strict';
import { needsEmptying, planFinalize } from '../../../../control-plane/controllers/namespace-plan';
import { aNamespace } from './fixtures';

describe('namespace plan', () => {
  it('empties only namespaces that are Terminating and still hold the kubernetes finalizer', () => {
    assert.equal(needsEmptying(aNamespace('a', true)), true);
    assert.equal(needsEmptying(aNamespace('a', false)), false);
    assert.equal(needsEmptying({ ...aNamespace('a', true), spec: { finalizers: [] } }), false);
    assert.equal(needsEmptying(undefined), false);
  });

  const cases = [
    { name: 'objects still being deleted: look again after the recheck interval', remaining: 2, want: { op: 'wait', requeueAfterMs: 1000 } },
    { name: 'nothing left: finalize, removing only the kubernetes finalizer', remaining: 0, want: { op: 'finalize', finalizers: ['example.com/keep'] } },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const ns = { ...aNamespace('a', true), spec: { finalizers: ['kubernetes', 'example.com/keep'] } };
      const step = planFinalize(ns, c.remaining, 1000);
      assert.deepEqual(step.op === 'finalize' ? { op: step.op, finalizers: step.namespace.spec?.finalizers } : step, c.want);
    });
  }
});
