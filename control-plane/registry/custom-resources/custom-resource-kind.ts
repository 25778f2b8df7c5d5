/**
 * The ResourceDefinition of one served version of a CustomResourceDefinition: what makes every
 * other kind served (routing, discovery, OpenAPI, storage, watch, Table output, RBAC by group
 * and resource) follows from it as for a kind file. Bodies are pruned and defaulted by the
 * version's openAPIV3Schema and validated against it (422 with the field path); `status` and
 * `scale` subresources as the version declares them; columns from additionalPrinterColumns.
 * Every version is stored under the same key (no conversion: `conversion.strategy: None`).
 */
import type { Scale } from '../../../api/autoscaling-v1';
import type { CustomResourceDefinition, CustomResourceDefinitionVersion, CustomResourceSubresourceScale, JSONSchemaProps } from '../../../api/apiextensions-v1';
import { ApiError } from '../../../api/errors';
import type { KubeObject } from '../../../api/meta';
import { validateAgainstSchema } from '../../../api/validation/custom-resource-schema-validation';
import { customResourcePrinter, jsonPathSteps, valueAtPath } from '../../apiserver/tables/custom-resource-printer';
import { defaultStrategy, OBJECT_FIELDS } from '../default-strategy';
import type { AnyKind } from '../kinds';
import { SCALES } from '../kinds/scale';
import { defineKind } from '../resource-definition';
import type { ResourceStrategy } from '../strategy';
import { STATUS, type ScaleSubresource, type Subresource } from '../subresource';

const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

/** The kinds a CRD serves: one per served version. */
export function customResourceKinds(crd: CustomResourceDefinition): AnyKind[] {
  return crd.spec.versions.filter((v) => v.served).map((v) => customResourceKind(crd, v));
}

/** OpenAPI's name of the kind: the group reversed, the version, the kind ('com.example.stable.v1.CronTab'). */
function definitionName(group: string, version: string, kind: string): string {
  return `${group.split('.').reverse().join('.')}.${version}.${kind}`;
}

function customResourceKind(crd: CustomResourceDefinition, version: CustomResourceDefinitionVersion): AnyKind {
  const { group, names } = crd.spec;
  const schema: JSONSchemaProps = version.schema?.openAPIV3Schema ?? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  const subresources: Record<string, Subresource> = {};
  if (version.subresources?.status) subresources.status = STATUS;
  if (version.subresources?.scale) subresources.scale = pathScale(version.subresources.scale);
  return defineKind<KubeObject>({
    group, version: version.name, resource: names.plural, singularName: names.singular ?? names.kind.toLowerCase(), kind: names.kind,
    listKind: names.listKind ?? `${names.kind}List`, namespaced: crd.spec.scope === 'Namespaced', verbs: VERBS,
    shortNames: names.shortNames, categories: names.categories,
    strategy: customStrategy(schema, version.subresources?.status !== undefined, crd.metadata.deletionTimestamp !== undefined),
    printer: customResourcePrinter(version.additionalPrinterColumns),
    schema: { definition: definitionName(group, version.name, names.kind), builtIn: false, custom: schema },
    subresources,
  });
}

/** `terminating`: the CRD is being deleted; its objects may be read, changed and deleted, not created. */
function customStrategy(schema: JSONSchemaProps, hasStatus: boolean, terminating: boolean): ResourceStrategy<KubeObject> {
  const base = defaultStrategy<KubeObject>({ topLevelFields: [...OBJECT_FIELDS, ...Object.keys(schema.properties ?? {})], hasStatus });
  return {
    ...base,
    tracksGeneration: true,
    prepareForCreate: (obj) => {
      if (terminating) throw new ApiError('MethodNotAllowed', 'create not allowed while custom resource definition is terminating');
      if (hasStatus) delete obj.status;
    },
    validate: (obj, info) => [...base.validate(obj, info), ...validateAgainstSchema(schema, obj)],
    validateUpdate: (obj, old, info) => [...base.validateUpdate(obj, old, info), ...validateAgainstSchema(schema, obj)],
    validateStatusUpdate: (obj, old, info) => [...base.validateStatusUpdate(obj, old, info), ...validateAgainstSchema(schema, obj)],
  };
}

/** `…/scale` over the CRD's paths (the apiextensions scale subresource): replicas read and written where the CRD says. */
function pathScale(paths: CustomResourceSubresourceScale): ScaleSubresource {
  return {
    type: 'scale', kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: ['get', 'patch', 'update'], body: SCALES,
    read: (parent) => scaleOf(parent, paths),
    withReplicas: (parent, replicas) => setAtPath(parent, paths.specReplicasPath, replicas),
  };
}

function scaleOf(parent: KubeObject, paths: CustomResourceSubresourceScale): Scale {
  const { name, namespace, uid, resourceVersion, creationTimestamp } = parent.metadata;
  const number = (path: string): number => {
    const value = valueAtPath(parent, path);
    return typeof value === 'number' ? value : 0;
  };
  const selector = paths.labelSelectorPath ? valueAtPath(parent, paths.labelSelectorPath) : undefined;
  return {
    apiVersion: 'autoscaling/v1', kind: 'Scale',
    metadata: { name, namespace, uid, resourceVersion, creationTimestamp },
    spec: { replicas: number(paths.specReplicasPath) },
    status: { replicas: number(paths.statusReplicasPath), ...(typeof selector === 'string' ? { selector } : {}) },
  };
}

/** Sets a simple path's value, making the objects on the way. */
function setAtPath<T extends KubeObject>(obj: T, path: string, value: unknown): T {
  const steps = jsonPathSteps(path);
  let at = obj as unknown as Record<string | number, unknown>;
  steps.slice(0, -1).forEach((step) => {
    if (typeof at[step] !== 'object' || at[step] === null) at[step] = {};
    at = at[step] as Record<string | number, unknown>;
  });
  at[steps[steps.length - 1]] = value;
  return obj;
}
