import assert from 'node:assert/strict';
import type { CustomResourceDefinition } from '../../../../api/apiextensions-v1';
import { causeToString } from '../../../../api/validation/field-errors';
import { validateCustomResourceDefinition, validateCustomResourceDefinitionUpdate } from '../../../../api/validation/customresourcedefinition-validation';

function aCrd(change: (crd: CustomResourceDefinition) => void = () => undefined): CustomResourceDefinition {
  const crd: CustomResourceDefinition = {
    apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'crontabs.stable.example.com' },
    spec: {
      group: 'stable.example.com', scope: 'Namespaced',
      names: { plural: 'crontabs', singular: 'crontab', kind: 'CronTab', listKind: 'CronTabList', shortNames: ['ct'] },
      versions: [{
        name: 'v1', served: true, storage: true,
        schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { n: { type: 'integer' } } } } } },
        subresources: { status: {}, scale: { specReplicasPath: '.spec.n', statusReplicasPath: '.status.n' } },
        additionalPrinterColumns: [{ name: 'N', type: 'integer', jsonPath: '.spec.n' }],
      }],
    },
  };
  change(crd);
  return crd;
}

function errors(crd: CustomResourceDefinition): string[] {
  return validateCustomResourceDefinition(crd).map(causeToString);
}

describe('CustomResourceDefinition validation', () => {
  it('accepts the classic CronTab definition', () => {
    assert.deepEqual(errors(aCrd()), []);
  });

  it('wants the name to be plural.group, and a group with a dot', () => {
    assert.deepEqual(errors(aCrd((c) => { c.metadata.name = 'crontab.stable.example.com'; })), [
      'metadata.name: Invalid value: "crontab.stable.example.com": must be spec.names.plural+"."+spec.group',
    ]);
    assert.deepEqual(errors(aCrd((c) => { c.spec.group = 'stable'; c.metadata.name = 'crontabs.stable'; })), [
      'spec.group: Invalid value: "stable": should be a domain with at least one dot',
    ]);
  });

  it('checks names, scope and the one storage version', () => {
    const bad = aCrd((c) => {
      c.spec.names.listKind = 'CronTab';
      c.spec.names.shortNames = ['Bad_Name'];
      c.spec.scope = 'Global' as never;
      c.spec.versions.push({ ...c.spec.versions[0] });
    });
    assert.deepEqual(errors(bad).map((e) => e.split(':')[0]), [
      'spec.names.listKind', 'spec.names.shortNames[0]', 'spec.scope', 'spec.versions[1].name', 'spec.versions',
    ]);
    assert.match(errors(bad)[4], /must have exactly one version marked as storage version/);
  });

  it('refuses what is not served: conversion webhooks and preserveUnknownFields', () => {
    assert.deepEqual(errors(aCrd((c) => { c.spec.conversion = { strategy: 'Webhook' }; c.spec.preserveUnknownFields = true; })), [
      'spec.conversion.strategy: Unsupported value: "Webhook": supported values: "None"',
      'spec.preserveUnknownFields: Invalid value: true: cannot set to true, set x-kubernetes-preserve-unknown-fields to true in spec.versions[*].schema instead',
    ]);
  });

  it('refuses schemas that are not structural', () => {
    const path = 'spec.versions[0].schema.openAPIV3Schema';
    assert.deepEqual(errors(aCrd((c) => { delete c.spec.versions[0].schema; })), [`${path}: Required value: schemas are required`]);
    assert.deepEqual(errors(aCrd((c) => {
      const root = c.spec.versions[0].schema!.openAPIV3Schema!;
      root.properties!.spec.properties!.n = { description: 'untyped' };
      root.properties!.list = { type: 'array' };
      root.properties!.both = { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: { type: 'string' } };
      root.properties!.metadata = { type: 'object', properties: { labels: { type: 'object' } } };
      root.properties!.either = { type: 'object', anyOf: [{ required: ['a'] }] };
    })), [
      `${path}.properties[spec].properties[n].type: Required value: must not be empty for specified object fields`,
      `${path}.properties[list].items: Required value: must be specified`,
      `${path}.properties[both].additionalProperties: Forbidden: additionalProperties and properties are mutual exclusive`,
      `${path}.properties[either].anyOf: Forbidden: anyOf is not supported by pikube`,
      `${path}.properties[metadata]: Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified`,
    ]);
  });

  it('checks scale paths and printer columns', () => {
    assert.deepEqual(errors(aCrd((c) => {
      c.spec.versions[0].subresources!.scale = { specReplicasPath: '.status.n', statusReplicasPath: 'n' };
      c.spec.versions[0].additionalPrinterColumns = [{ name: 'N', type: 'float', jsonPath: '{.spec.n}' }];
    })).map((e) => e.split(':')[0]), [
      'spec.versions[0].subresources.scale.specReplicasPath', 'spec.versions[0].subresources.scale.statusReplicasPath',
      'spec.versions[0].additionalPrinterColumns[0].type', 'spec.versions[0].additionalPrinterColumns[0].jsonPath',
    ]);
  });

  it('keeps group and scope immutable', () => {
    const old = aCrd();
    assert.deepEqual(validateCustomResourceDefinitionUpdate(aCrd((c) => { c.spec.scope = 'Cluster'; }), old).map(causeToString), [
      'spec.scope: Invalid value: "Cluster": field is immutable',
    ]);
  });
});
