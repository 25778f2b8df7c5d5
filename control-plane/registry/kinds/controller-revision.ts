/**
 * ControllerRevisions (pkg/registry/apps/controllerrevision): the DaemonSet and StatefulSet
 * controllers' immutable template snapshots (`kubectl rollout history ds/x`, `rollout undo`).
 * No status and no generation; `data` never changes once written.
 */
import type { ControllerRevision } from '../../../api/apps-v1';
import { metadataFieldGetters, selectableFields } from '../../../api/field-selector';
import { validateControllerRevision, validateControllerRevisionUpdate } from '../../../api/validation/controllerrevision-validation';
import { controllerRevisionPrinter } from '../../apiserver/tables/controller-revision-printer';
import { defaultStrategy, OBJECT_FIELDS } from '../default-strategy';
import { defineKind } from '../resource-definition';
import type { ResourceStrategy } from '../strategy';

const strategy: ResourceStrategy<ControllerRevision> = {
  ...defaultStrategy<ControllerRevision>({ topLevelFields: [...OBJECT_FIELDS, 'data', 'revision'], hasStatus: false }),
  validate: (revision) => validateControllerRevision(revision),
  validateUpdate: (revision, old) => validateControllerRevisionUpdate(revision, old),
};

export const CONTROLLER_REVISIONS = defineKind<ControllerRevision>({
  group: 'apps', version: 'v1', resource: 'controllerrevisions', singularName: 'controllerrevision', kind: 'ControllerRevision', listKind: 'ControllerRevisionList', namespaced: true,
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  strategy,
  printer: controllerRevisionPrinter,
  fields: selectableFields<ControllerRevision>(metadataFieldGetters(true)),
});
