import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { addPaths, fromFieldsV1, pathKey, removePath, subtractFields, toFieldsV1, unionFields, type FieldPath } from '../../../../control-plane/registry/fields-v1';

const element = fc.constantFrom('f:a', 'f:b', 'f:c', 'k:{"name":"x"}');
const paths = fc.array(fc.array(element, { minLength: 1, maxLength: 4 }), { maxLength: 12 });
const asSet = (list: readonly FieldPath[]): string[] => [...new Set(list.map(pathKey))].sort();

describe('FieldsV1 field sets', () => {
  it('marks an inner node that is a member itself with "."', () => {
    assert.deepEqual(toFieldsV1([['f:labels'], ['f:labels', 'f:app'], ['f:spec', 'f:x']]), { 'f:labels': { '.': {}, 'f:app': {} }, 'f:spec': { 'f:x': {} } });
    assert.deepEqual(fromFieldsV1({ 'f:labels': { '.': {}, 'f:app': {} }, 'f:spec': { 'f:x': {} } }), [['f:labels'], ['f:labels', 'f:app'], ['f:spec', 'f:x']]);
  });

  it('reads back the members it wrote', () => {
    fc.assert(fc.property(paths, (list) => assert.deepEqual(asSet(fromFieldsV1(toFieldsV1(list))), asSet(list))));
  });

  it('adds members as a union, and removes one member or a whole subtree', () => {
    fc.assert(fc.property(paths, paths, (a, b) => {
      const tree = toFieldsV1(a);
      addPaths(tree, b);
      assert.deepEqual(asSet(fromFieldsV1(tree)), asSet([...a, ...b]));
    }));
    fc.assert(fc.property(paths, fc.array(element, { minLength: 1, maxLength: 4 }), fc.boolean(), (list, gone, subtree) => {
      const tree = toFieldsV1(list);
      removePath(tree, gone, subtree);
      const key = pathKey(gone);
      const expected = list.filter((p) => pathKey(p) !== key && !(subtree && pathKey(p).startsWith(`${key}\u0000`)));
      assert.deepEqual(asSet(fromFieldsV1(tree)), asSet(expected));
    }));
  });

  it('subtracts and unites member sets without modifying either tree', () => {
    fc.assert(fc.property(paths, paths, (a, b) => {
      const left = toFieldsV1(a);
      const right = toFieldsV1(b);
      const snapshot = JSON.stringify([left, right]);
      const gone = new Set(asSet(b));
      assert.deepEqual(asSet(fromFieldsV1(subtractFields(left, right) ?? {})), asSet(a).filter((p) => !gone.has(p)));
      if (b.length > 0) assert.deepEqual(asSet(fromFieldsV1(unionFields(left, right))), asSet([...a, ...b]));
      assert.equal(JSON.stringify([left, right]), snapshot);
    }));
  });
});
