/**
 * CustomResourceDefinitions (apiextensions.k8s.io/v1, apiextensions-apiserver's
 * customresourcedefinition strategy): cluster-scoped; names defaulted (singular, listKind) and
 * validated (customresourcedefinition-validation.ts); a create carries the cleanup finalizer,
 * so deleting a CRD first deletes its objects (crd-cleanup-controller.ts). The conditions are
 * set from the object alone: NamesAccepted and Established at once (the names of another CRD
 * of the same group are not compared), Terminating when its deletion begins. Every replica
 * serves the established CRDs' kinds (custom-resources/custom-kinds.ts).
 */
import { CRD_CLEANUP_FINALIZER, type CustomResourceDefinition, type CustomResourceDefinitionCondition } from '../../../api/apiextensions-v1';
import { validateCustomResourceDefinition, validateCustomResourceDefinitionUpdate } from '../../../api/validation/customresourcedefinition-validation';
import type { ApiDefinition } from '../../apiserver/schema/api-definition';
import { defaultStrategy, SPEC_STATUS_FIELDS } from '../default-strategy';
import { defineKind } from '../resource-definition';
import type { ResourceStrategy } from '../strategy';
import { STATUS } from '../subresource';

const CRD = 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition';
const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
const TIME = 'io.k8s.apimachinery.pkg.apis.meta.v1.Time';

const DEFINITIONS: Record<string, ApiDefinition> = {
  [CRD]: {
    description: 'CustomResourceDefinition represents a resource that should be exposed on the API server. Its name MUST be in the format <.spec.name>.<.spec.group>.',
    required: ['spec'],
    properties: {
      apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: `#${META}` },
      spec: { type: `#${CRD}Spec`, description: 'spec describes how the user wants the resources to appear' },
      status: { type: `#${CRD}Status`, description: 'status indicates the actual state of the CustomResourceDefinition' },
    },
  },
  [`${CRD}Spec`]: {
    required: ['group', 'names', 'scope', 'versions'],
    properties: {
      group: { type: 'string', description: 'group is the API group of the defined custom resource: /apis/<group>/...' },
      names: { type: `#${CRD}Names`, description: 'names specify the resource and kind names for the custom resource.' },
      scope: { type: 'string', description: 'scope indicates whether the defined custom resource is cluster- or namespace-scoped: `Cluster` or `Namespaced`.' },
      versions: { type: `[]#${CRD}Version`, description: 'versions is the list of all API versions of the defined custom resource.' },
      conversion: { type: `#${CRD}Conversion`, description: 'conversion defines conversion settings for the CRD; only strategy None is served.' },
      preserveUnknownFields: { type: 'boolean', description: 'must be false; use x-kubernetes-preserve-unknown-fields in the schemas.' },
    },
  },
  [`${CRD}Names`]: {
    required: ['plural', 'kind'],
    properties: {
      plural: { type: 'string' }, singular: { type: 'string' }, kind: { type: 'string' }, listKind: { type: 'string' },
      shortNames: { type: '[]string' }, categories: { type: '[]string' },
    },
  },
  [`${CRD}Version`]: {
    required: ['name', 'served', 'storage'],
    properties: {
      name: { type: 'string' }, served: { type: 'boolean' }, storage: { type: 'boolean' }, deprecated: { type: 'boolean' }, deprecationWarning: { type: 'string' },
      schema: { type: `#${CRD}Validation` }, subresources: { type: `#${CRD}Subresources` }, additionalPrinterColumns: { type: `[]#${CRD}Column` },
    },
  },
  [`${CRD}Validation`]: { properties: { openAPIV3Schema: { type: 'object', description: 'openAPIV3Schema is the OpenAPI v3 schema to use for validation and pruning.' } } },
  [`${CRD}Subresources`]: { properties: { status: { type: 'object' }, scale: { type: `#${CRD}Scale` } } },
  [`${CRD}Scale`]: { properties: { specReplicasPath: { type: 'string' }, statusReplicasPath: { type: 'string' }, labelSelectorPath: { type: 'string' } } },
  [`${CRD}Column`]: {
    properties: {
      name: { type: 'string' }, type: { type: 'string' }, format: { type: 'string' }, description: { type: 'string' }, priority: { type: 'integer/int32' }, jsonPath: { type: 'string' },
    },
  },
  [`${CRD}Conversion`]: { properties: { strategy: { type: 'string' }, webhook: { type: 'object' } } },
  [`${CRD}Status`]: { properties: { conditions: { type: `[]#${CRD}Condition` }, acceptedNames: { type: `#${CRD}Names` }, storedVersions: { type: '[]string' } } },
  [`${CRD}Condition`]: {
    properties: { type: { type: 'string' }, status: { type: 'string' }, lastTransitionTime: { type: `#${TIME}` }, reason: { type: 'string' }, message: { type: 'string' } },
  },
};

/** Singular and listKind from the kind, conversion None: SetDefaults_CustomResourceDefinition. */
function defaultNames(crd: CustomResourceDefinition): void {
  const names = crd.spec?.names;
  if (names?.kind) {
    names.singular ||= names.kind.toLowerCase();
    names.listKind ||= `${names.kind}List`;
  }
  if (crd.spec) crd.spec.conversion ??= { strategy: 'None' };
}

function condition(type: CustomResourceDefinitionCondition['type'], reason: string, message: string, now: Date): CustomResourceDefinitionCondition {
  return { type, status: 'True', lastTransitionTime: now.toISOString().replace(/\.\d{3}Z$/, 'Z'), reason, message };
}

/** The status a (new or changed) spec is served with: names accepted, established, the storage version recorded. */
function establish(crd: CustomResourceDefinition, old: CustomResourceDefinition | undefined, now: Date): void {
  const storage = (crd.spec?.versions ?? []).find((v) => v.storage)?.name;
  const stored = new Set([...(old?.status?.storedVersions ?? []), ...(storage ? [storage] : [])]);
  const kept = (old?.status?.conditions ?? []).filter((c) => c.type === 'NamesAccepted' || c.type === 'Established');
  crd.status = {
    conditions: kept.length === 2 ? kept : [
      condition('NamesAccepted', 'NoConflicts', 'no conflicts found', now),
      condition('Established', 'InitialNamesAccepted', 'the initial names have been accepted', now),
    ],
    acceptedNames: structuredClone(crd.spec.names),
    storedVersions: [...stored],
  };
}

const base = defaultStrategy<CustomResourceDefinition>({ topLevelFields: SPEC_STATUS_FIELDS, hasStatus: true });

const strategy: ResourceStrategy<CustomResourceDefinition> = {
  ...base,
  prepareForCreate: (crd, ctx) => {
    defaultNames(crd);
    const finalizers = crd.metadata.finalizers ?? [];
    if (!finalizers.includes(CRD_CLEANUP_FINALIZER)) crd.metadata.finalizers = [...finalizers, CRD_CLEANUP_FINALIZER];
    establish(crd, undefined, ctx.now);
  },
  validate: (crd, info) => [...base.validate(crd, info), ...validateCustomResourceDefinition(crd)],
  prepareForUpdate: (crd, old, ctx) => {
    defaultNames(crd);
    establish(crd, old, ctx?.now ?? new Date());
    crd.status = { ...crd.status, conditions: [...(crd.status?.conditions ?? []), ...(old.status?.conditions ?? []).filter((c) => c.type === 'Terminating')] };
  },
  validateUpdate: (crd, old, info) => [...base.validateUpdate(crd, old, info), ...validateCustomResourceDefinitionUpdate(crd, old)],
  beginDeletion: (crd) => {
    const conditions = (crd.status?.conditions ?? []).filter((c) => c.type !== 'Terminating');
    const terminating = condition('Terminating', 'InstanceDeletionInProgress', 'CustomResource deletion is in progress', new Date());
    crd.status = { ...crd.status, conditions: [...conditions, terminating] };
  },
};

export const CUSTOM_RESOURCE_DEFINITIONS = defineKind<CustomResourceDefinition>({
  group: 'apiextensions.k8s.io', version: 'v1', resource: 'customresourcedefinitions', singularName: 'customresourcedefinition',
  kind: 'CustomResourceDefinition', listKind: 'CustomResourceDefinitionList', namespaced: false,
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'], shortNames: ['crd', 'crds'], categories: ['api-extensions'],
  strategy,
  schema: { definition: CRD, definitions: DEFINITIONS, builtIn: false },
  subresources: { status: STATUS },
});
