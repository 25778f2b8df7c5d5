import { strict as assert } from 'node:assert';
import { enforceFieldValidation, parseFieldValidation, unknownFields } from '../../../../control-plane/apiserver/field-validation';
import { PODS } from '../../../../control-plane/apiserver/resources';

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
});
