/**
 * The validation entry points the API server calls, after defaulting: per resource (plural
 * name), the kind's own checks; every other resource gets object-metadata checks only.
 */
import type { Event, Namespace, Node, Pod } from '../core-v1';
import type { KubeObject } from '../meta';
import type { FieldCause } from './field-errors';
import { nameIsDNS1035Label, nameIsDNSLabel, nameIsDNSSubdomain, type NameValidator } from './names';
import { validateObjectMeta, validateObjectMetaUpdate } from './object-meta';
import { validateEvent } from './event-validation';
import { validateNamespace, validateNamespaceUpdate } from './namespace-validation';
import { validateNode, validateNodeUpdate } from './node-validation';
import { validatePodCreate } from './pod-validation';
import { validatePodUpdate } from './pod-update-validation';

/** Name rules of kinds that are not DNS-1123 subdomains. */
const NAME_VALIDATORS: Record<string, NameValidator> = {
  services: nameIsDNS1035Label,
  namespaces: nameIsDNSLabel,
};

export function nameValidatorFor(resource: string): NameValidator {
  return Object.hasOwn(NAME_VALIDATORS, resource) ? NAME_VALIDATORS[resource] : nameIsDNSSubdomain;
}

/** Validation on create. An empty list means valid. */
export function validateObject(resource: string, obj: KubeObject, namespaced: boolean): FieldCause[] {
  switch (resource) {
    case 'pods': return validatePodCreate(obj as Pod);
    case 'nodes': return validateNode(obj as Node);
    case 'namespaces': return validateNamespace(obj as Namespace);
    case 'events': return validateEvent(obj as Event);
    default: return validateObjectMeta(obj.metadata ?? {}, namespaced, nameValidatorFor(resource));
  }
}

/** Validation on update (`next` replaces `old`). */
export function validateObjectUpdate(resource: string, next: KubeObject, old: KubeObject, namespaced: boolean): FieldCause[] {
  switch (resource) {
    case 'pods': return validatePodUpdate(next as Pod, old as Pod);
    case 'nodes': return validateNodeUpdate(next as Node, old as Node);
    case 'namespaces': return validateNamespaceUpdate(next as Namespace, old as Namespace);
    case 'events': return validateEvent(next as Event);
    default: return [...validateObjectMetaUpdate(next.metadata ?? {}, old.metadata ?? {}), ...validateObject(resource, next, namespaced)];
  }
}
