import { strict as assert } from 'node:assert';
import { applyFieldValidation, enforceFieldValidation, parseFieldValidation, strictDecodingErrors, unknownFields } from '../../../../control-plane/apiserver/field-validation';
import { asciiQuoted } from '../../../../control-plane/apiserver/handlers/request-body-value';
import { PODS } from '../../../../control-plane/registry/kinds';

const POD = {
  apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: { a: 'b' }, colour: 'red' }, extra: 1,
  spec: { containers: [{ name: 'c', image: 'i', imagee: 'typo', resources: { limits: { memory: '1Mi' } } }], nodeSelector: { disk: 'ssd' } },
};

describe('field validation', () => {
  it('finds unknown fields at any depth, with Kubernetes field paths', () => {
    assert.deepEqual(unknownFields(PODS, POD, []).sort(), ['extra', 'metadata.colour', 'spec.containers[0].imagee']);
  });

  it('does not look inside maps and free-form values', () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', annotations: { x: 'y' } }, spec: { containers: [], nodeSelector: { anything: 'goes' } } };
    assert.deepEqual(unknownFields(PODS, pod, []), []);
  });

  it('rejects unknown fields on Strict, warns on Warn (the default), says nothing on Ignore', () => {
    assert.throws(() => enforceFieldValidation(PODS, POD, [], 'Strict'), /Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "metadata.colour", unknown field "extra"/);
    assert.equal(parseFieldValidation(null), 'Warn');
    assert.deepEqual(enforceFieldValidation(PODS, { metadata: {}, foo: 1 }, [], 'Warn'), ['unknown field "foo"']);
    assert.deepEqual(enforceFieldValidation(PODS, POD, [], 'Ignore'), []);
    assert.throws(() => parseFieldValidation('Loose'), /fieldValidation/);
  });

  it('reports duplicate keys as strict errors after unknown fields', () => {
    const errors = strictDecodingErrors(['spec.foo'], ['duplicate field "metadata.name"']);
    assert.deepEqual(errors, ['unknown field "spec.foo"', 'duplicate field "metadata.name"']);
    assert.throws(() => applyFieldValidation(PODS, errors, 'Strict'), /^ApiError: Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.foo", duplicate field "metadata.name"$/);
    assert.deepEqual(applyFieldValidation(PODS, errors, 'Warn'), errors);
    assert.deepEqual(enforceFieldValidation(PODS, { metadata: {} }, [], 'Warn', ['duplicate field "a"']), ['duplicate field "a"']);
  });

  it('refuses a body of wrong types before looking for unknown fields', () => {
    assert.throws(() => unknownFields(PODS, { metadata: { name: 5 }, foo: 1 }, []), /cannot unmarshal number into Go struct field ObjectMeta.metadata.name of type string/);
  });

  it('quotes warning text as ASCII-only JSON, so any field name is a valid header value', () => {
    assert.equal(asciiQuoted('unknown field "spec.caf\u00e9\u{1F600}\n"'), '"unknown field \\"spec.caf\\u00e9\\ud83d\\ude00\\n\\""');
  });
});
