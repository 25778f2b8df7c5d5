import assert from 'node:assert/strict';
import type { Event, Namespace, Node } from '../../../../../api/core-v1';
import type { KubeObject } from '../../../../../api/meta';
import { nameIsDNS1035Label } from '../../../../../api/validation/names';
import { defaultStrategy } from '../../../../../control-plane/registry/default-strategy';
import { EVENTS, NAMESPACES, NODES, PODS } from '../../../../../control-plane/registry/kinds';
import { defineKind, type ResourceDefinition } from '../../../../../control-plane/registry/resource-definition';
import { aPod } from '../../../api/validation/pod-builder';

/** A kind with the default strategy, as a kind file that declares only its names would make it. */
function plainKind(resource: string, namespaced: boolean, nameValidator?: typeof nameIsDNS1035Label): ResourceDefinition {
  const strategy = defaultStrategy({ topLevelFields: [], hasStatus: false, nameValidator });
  return defineKind({ group: '', version: 'v1', resource, singularName: resource, kind: resource, listKind: `${resource}List`, namespaced, verbs: ['create'], strategy });
}

function validate(kind: ResourceDefinition, obj: KubeObject) {
  return kind.strategy.validate(obj, kind);
}

describe('validation on create, by kind definition', () => {
  it('validates pods with pod validation', () => {
    assert.deepEqual(validate(PODS, aPod().build()), []);
    const bad = aPod().withContainer({ image: '' }).build();
    assert.deepEqual(validate(PODS, bad).map((c) => c.field), ['spec.containers[0].image']);
  });

  it('checks only metadata for a kind with the default strategy, with the kind name rule', () => {
    assert.deepEqual(validate(plainKind('configmaps', true), { metadata: { name: 'my.config', namespace: 'd' } }), []);
    assert.deepEqual(validate(plainKind('services', true, nameIsDNS1035Label), { metadata: { name: 'my.svc', namespace: 'd' } }).map((c) => c.field), ['metadata.name']);
    assert.deepEqual(validate(plainKind('clusterroles', false), { metadata: { name: 'admin', namespace: 'd' } }).map((c) => c.reason), ['FieldValueForbidden']);
  });

  it('validates nodes, namespaces and events with their own rules', () => {
    assert.equal(NODES.strategy.validate({ metadata: { name: 'Bad Name' } } as Node, NODES).length, 1);
    assert.equal(NAMESPACES.strategy.validate({ metadata: { name: 'a.b' } } as Namespace, NAMESPACES).length, 1);
    assert.equal(EVENTS.strategy.validate({ metadata: { name: 'e', namespace: 'x' }, involvedObject: { namespace: 'y' } } as Event, EVENTS).length, 1);
  });
});

describe('validation on update, by kind definition', () => {
  it('checks metadata immutability for a kind with the default strategy', () => {
    const kind = plainKind('configmaps', true);
    const old = { metadata: { name: 'c', namespace: 'd', uid: 'u', resourceVersion: '1' } };
    assert.deepEqual(kind.strategy.validateUpdate({ metadata: { ...old.metadata, uid: 'v' } }, old, kind).map((c) => c.field), ['metadata.uid']);
  });

  it('applies pod spec immutability', () => {
    const old = aPod().build();
    const next = structuredClone(old);
    next.spec.restartPolicy = 'Never';
    assert.deepEqual(PODS.strategy.validateUpdate(next, old, PODS).map((c) => c.reason), ['FieldValueForbidden']);
  });
});
