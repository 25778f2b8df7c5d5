/**
 * Deployments (pkg/registry/apps/deployment): created with an empty status and generation 1;
 * defaults on every write; the selector must select the template's labels and never changes.
 * A change of the spec or of the annotations bumps the generation (annotations are copied to
 * the ReplicaSets, so the controller must see them: `kubernetes.io/change-cause`). Status is
 * the controller's, through `…/status`, which also keeps the metadata it carries except the
 * labels (deploymentStatusStrategy: the controller records `deployment.kubernetes.io/revision`
 * that way, without a new generation); `…/scale` reads and sets the replicas.
 */
import type { Deployment } from '../../../api/apps-v1';
import { defaultDeployment } from '../../../api/defaults/deployment-defaults';
import { metadataFieldGetters, selectableFields } from '../../../api/field-selector';
import { validateDeployment, validateDeploymentUpdate } from '../../../api/validation/deployment-validation';
import { validateDeploymentStatusUpdate } from '../../../api/validation/workload-status-validation';
import { deploymentPrinter } from '../../apiserver/tables/deployment-printer';
import { defaultStrategy, replaceContents, SPEC_STATUS_FIELDS } from '../default-strategy';
import { carryOverObjectMeta, stableJson } from '../object-meta';
import { defineKind } from '../resource-definition';
import type { ResourceStrategy } from '../strategy';
import { STATUS } from '../subresource';
import { replicasScale } from './scale';

const base = defaultStrategy<Deployment>({ topLevelFields: SPEC_STATUS_FIELDS, hasStatus: true });

function withDefaults(deployment: Deployment): Deployment {
  return replaceContents(deployment, defaultDeployment(deployment));
}

export const deploymentStrategy: ResourceStrategy<Deployment> = {
  ...base,
  prepareForCreate: (deployment) => {
    withDefaults(deployment).status = {};
  },
  validate: (deployment) => validateDeployment(deployment),
  prepareForUpdate: (deployment, old) => {
    base.prepareForUpdate(withDefaults(deployment), old);
    if (stableJson(deployment.metadata.annotations ?? {}) !== stableJson(old.metadata.annotations ?? {})) {
      deployment.metadata.generation = (old.metadata.generation ?? 0) + 1;
    }
  },
  validateUpdate: (deployment, old) => validateDeploymentUpdate(deployment, old),
  prepareForStatusUpdate: (deployment, old) => {
    const next: Deployment = { ...structuredClone(old), metadata: { ...deployment.metadata, labels: structuredClone(old.metadata.labels) }, status: deployment.status };
    if (!old.metadata.labels) delete next.metadata.labels;
    carryOverObjectMeta(next, old);
    return next;
  },
  validateStatusUpdate: (deployment, old) => validateDeploymentStatusUpdate(deployment, old),
};

export const DEPLOYMENTS = defineKind<Deployment>({
  group: 'apps', version: 'v1', resource: 'deployments', singularName: 'deployment', kind: 'Deployment', listKind: 'DeploymentList', namespaced: true,
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'], shortNames: ['deploy'], categories: ['all'],
  strategy: deploymentStrategy,
  printer: deploymentPrinter,
  fields: selectableFields<Deployment>(metadataFieldGetters(true)),
  subresources: { status: STATUS, scale: replicasScale<Deployment>() },
});
