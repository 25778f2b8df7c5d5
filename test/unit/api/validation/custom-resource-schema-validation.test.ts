import assert from 'node:assert/strict';
import type { JSONSchemaProps } from '../../../../api/apiextensions-v1';
import { causeToString } from '../../../../api/validation/field-errors';
import { validateAgainstSchema } from '../../../../api/validation/custom-resource-schema-validation';

const SCHEMA: JSONSchemaProps = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      required: ['cronSpec'],
      properties: {
        cronSpec: { type: 'string', pattern: '^\\d+ \\d+$' },
        replicas: { type: 'integer', minimum: 1, maximum: 10 },
        ratio: { type: 'number', minimum: 0, exclusiveMinimum: true },
        mode: { type: 'string', enum: ['Fast', 'Slow'] },
        name: { type: 'string', maxLength: 3, minLength: 2 },
        tags: { type: 'array', maxItems: 2, items: { type: 'string' } },
        port: { 'x-kubernetes-int-or-string': true },
        note: { type: 'string', nullable: true },
        pod: { type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true },
      },
    },
  },
};

function errors(spec: Record<string, unknown>): string[] {
  return validateAgainstSchema(SCHEMA, { apiVersion: 'a.b/v1', kind: 'K', metadata: { name: 'x' }, spec }).map(causeToString);
}

describe('custom resource validation against openAPIV3Schema', () => {
  it('accepts a valid object', () => {
    assert.deepEqual(errors({ cronSpec: '1 2', replicas: 3, ratio: 0.5, mode: 'Fast', name: 'ab', tags: ['a'], port: 80, note: null, pod: { apiVersion: 'v1', kind: 'Pod' } }), []);
    assert.deepEqual(errors({ cronSpec: '1 2', port: 'http', replicas: 10 }), []);
  });

  it('names the field and the expected type, as kube-openapi words it', () => {
    assert.deepEqual(errors({ cronSpec: 5, replicas: 1.5, port: true }), [
      'spec.cronSpec: Invalid value: "integer": spec.cronSpec in body must be of type string: "integer"',
      'spec.replicas: Invalid value: "number": spec.replicas in body must be of type integer: "number"',
      'spec.port: Invalid value: "boolean": spec.port in body must be of type integer,string: "boolean"',
    ]);
  });

  it('checks required fields, ranges, patterns, enums, lengths and item counts', () => {
    assert.deepEqual(errors({ replicas: 11, ratio: 0, mode: 'Medium', name: 'abcd', tags: ['a', 'b', 'c'] }), [
      'spec.cronSpec: Required value',
      'spec.replicas: Invalid value: 11: spec.replicas in body should be less than or equal to 10',
      'spec.ratio: Invalid value: 0: spec.ratio in body should be greater than 0',
      'spec.mode: Unsupported value: "Medium": supported values: "Fast", "Slow"',
      'spec.name: Too long: may not be more than 3 bytes',
      'spec.tags: Too many: 3: must have at most 2 items',
    ]);
    assert.deepEqual(errors({ cronSpec: 'x', replicas: 0, name: 'a' }), [
      "spec.cronSpec: Invalid value: \"x\": spec.cronSpec in body should match '^\\d+ \\d+$'",
      'spec.replicas: Invalid value: 0: spec.replicas in body should be greater than or equal to 1',
      'spec.name: Invalid value: "a": spec.name in body should be at least 2 chars long',
    ]);
  });

  it('refuses null where the field is not nullable, and an embedded resource without apiVersion and kind', () => {
    assert.deepEqual(errors({ cronSpec: '1 2', mode: null, pod: {} }), [
      'spec.mode: Invalid value: "null": spec.mode in body must be of type string: "null"',
      'spec.pod.apiVersion: Required value: must not be empty',
      'spec.pod.kind: Required value: must not be empty',
    ]);
  });
});
