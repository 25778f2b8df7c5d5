import assert from 'node:assert/strict';
import type { JSONSchemaProps } from '../../../../../api/apiextensions-v1';
import { pruneAndDefault } from '../../../../../control-plane/apiserver/schema/custom-schema-pruning';

const SCHEMA: JSONSchemaProps = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      properties: {
        size: { type: 'integer', default: 1 },
        mode: { type: 'string', nullable: true, default: 'auto' },
        items: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } } } },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
        free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        port: { 'x-kubernetes-int-or-string': true },
        template: { type: 'object', 'x-kubernetes-embedded-resource': true, properties: { spec: { type: 'object', properties: { a: { type: 'string' } } } } },
      },
    },
  },
};

describe('custom resource pruning and defaulting by openAPIV3Schema', () => {
  it('drops and reports fields the schema does not declare, keeping apiVersion, kind and metadata', () => {
    const { value, unknownFields } = pruneAndDefault(SCHEMA, {
      apiVersion: 'x.example.com/v1', kind: 'X', metadata: { name: 'a' }, extra: 1,
      spec: { size: 2, colour: 'blue', items: [{ name: 'n', bad: true }] },
    });
    assert.deepEqual(value, { apiVersion: 'x.example.com/v1', kind: 'X', metadata: { name: 'a' }, spec: { size: 2, mode: 'auto', items: [{ name: 'n' }] } });
    assert.deepEqual(unknownFields, ['extra', 'spec.colour', 'spec.items[0].bad']);
  });

  it('applies defaults to missing fields and to nulls of fields that are not nullable', () => {
    assert.deepEqual(pruneAndDefault(SCHEMA, { spec: { size: null } }).value, { spec: { size: 1, mode: 'auto' } });
    assert.deepEqual(pruneAndDefault(SCHEMA, { spec: { mode: null } }).value, { spec: { size: 1, mode: null } });
  });

  it('keeps what additionalProperties, x-kubernetes-preserve-unknown-fields and x-kubernetes-int-or-string allow', () => {
    const spec = { size: 1, mode: 'm', labels: { a: 'b' }, free: { any: { deep: [1] } }, port: 'http' };
    assert.deepEqual(pruneAndDefault(SCHEMA, { spec }).value, { spec });
  });

  it('keeps apiVersion, kind and metadata of an embedded resource and prunes the rest by its schema', () => {
    const template = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { a: 'x', b: 'y' } };
    const { value, unknownFields } = pruneAndDefault(SCHEMA, { spec: { size: 1, mode: 'm', template } });
    assert.deepEqual((value.spec as { template: unknown }).template, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { a: 'x' } });
    assert.deepEqual(unknownFields, ['spec.template.spec.b']);
  });

  it('leaves values of the wrong type for validation to refuse', () => {
    assert.deepEqual(pruneAndDefault(SCHEMA, { spec: { size: 'big', items: 'none' } }).value, { spec: { size: 'big', mode: 'auto', items: 'none' } });
  });
});
