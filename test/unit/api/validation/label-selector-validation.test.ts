import assert from 'node:assert/strict';
import { goLabelSelector, goStringMap } from '../../../../api/validation/go-values';
import { asSelector, validateLabelSelector, validateSelectorMatchesTemplate } from '../../../../api/validation/label-selector-validation';
import type { LabelSelector } from '../../../../api/meta';

const errors = (s: LabelSelector): string[] => validateLabelSelector(s, 'spec.selector').map((c) => `${c.field}: ${c.message}`);

describe('validateLabelSelector', () => {
  // ValidateLabelSelectorRequirement's rules.
  const cases: [string, LabelSelector, string[]][] = [
    ['In with values', { matchExpressions: [{ key: 'tier', operator: 'In', values: ['a'] }] }, []],
    ['In without values', { matchExpressions: [{ key: 'tier', operator: 'In' }] }, ["spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'"]],
    ['Exists with values', { matchExpressions: [{ key: 'tier', operator: 'Exists', values: ['a'] }] }, ["spec.selector.matchExpressions[0].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'"]],
    ['an unknown operator', { matchExpressions: [{ key: 'tier', operator: 'Gt' as 'In', values: ['1'] }] }, ['spec.selector.matchExpressions[0].operator: Invalid value: "Gt": not a valid selector operator']],
    ['a bad value', { matchExpressions: [{ key: 'tier', operator: 'In', values: ['a b'] }] }, [
      "spec.selector.matchExpressions[0].values[0]: Invalid value: \"a b\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
    ]],
  ];
  for (const [name, selector, expected] of cases) {
    it(`checks ${name}`, () => assert.deepEqual(errors(selector), expected));
  }

  it('matches a template only when the selector selects its labels; an empty selector is not checked', () => {
    const web = asSelector({ matchLabels: { app: 'web' } });
    assert.ok(web);
    assert.deepEqual(validateSelectorMatchesTemplate(web, { app: 'web', v: '1' }, 'p'), []);
    assert.equal(validateSelectorMatchesTemplate(web, { app: 'api' }, 'p').length, 1);
    assert.deepEqual(validateSelectorMatchesTemplate(asSelector({})!, undefined, 'p'), []);
    assert.equal(validateSelectorMatchesTemplate(asSelector(undefined)!, { app: 'web' }, 'p').length, 1);
  });
});

describe('Go renderings', () => {
  it('prints maps and selectors as %#v does', () => {
    assert.equal(goStringMap({ b: '2', a: '1' }), 'map[string]string{"a":"1", "b":"2"}');
    assert.equal(goStringMap(undefined), 'map[string]string(nil)');
    assert.equal(goLabelSelector({ matchExpressions: [{ key: 'k', operator: 'In', values: ['v'] }] }),
      'v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{Key:"k", Operator:"In", Values:[]string{"v"}}}}');
  });
});
