import assert from 'node:assert/strict';
import { findUntoleratedTaint, toleratesTaint } from '../../../api/tolerations';

describe('toleratesTaint', () => {
  const taint = { key: 'dedicated', value: 'pi', effect: 'NoSchedule' as const };
  const cases: [object, boolean][] = [
    [{ key: 'dedicated', operator: 'Equal', value: 'pi', effect: 'NoSchedule' }, true],
    [{ key: 'dedicated', value: 'pi' }, true],
    [{ key: 'dedicated', value: 'x' }, false],
    [{ key: 'dedicated', operator: 'Exists' }, true],
    [{ operator: 'Exists' }, true],
    [{ key: 'dedicated', operator: 'Exists', effect: 'NoExecute' }, false],
    [{ key: 'other', operator: 'Exists' }, false],
  ];
  for (const [toleration, expected] of cases) it(`${JSON.stringify(toleration)} → ${expected}`, () => assert.equal(toleratesTaint(toleration, taint), expected));

  it('finds the first untolerated taint in node order', () => {
    const taints = [{ key: 'a', effect: 'PreferNoSchedule' as const }, { key: 'b', effect: 'NoSchedule' as const }, { key: 'c', effect: 'NoExecute' as const }];
    const hard = (t: { effect: string }) => t.effect !== 'PreferNoSchedule';
    assert.equal(findUntoleratedTaint(taints, [], hard)?.key, 'b');
    assert.equal(findUntoleratedTaint(taints, [{ key: 'b', operator: 'Exists' }], hard)?.key, 'c');
  });
});
