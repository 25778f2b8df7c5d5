/**
 * DaemonSets (pkg/registry/apps/daemonset): created with an empty status and generation 1;
 * defaults on every write; the selector must select the template's labels and never changes;
 * a spec change bumps the generation. The template generation (spec.templateGeneration inside
 * Kubernetes, the `deprecated.daemonset.template.generation` annotation in apps/v1) is 1 at
 * creation (or the annotation's value when higher) and only the server moves it: +1 when the
 * template changes. Status is the controller's, through `…/status`.
 */
import { DEPRECATED_TEMPLATE_GENERATION_ANNOTATION, type DaemonSet } from '../../../api/apps-v1';
import { semanticEqual } from '../../../api/semantic-equality';
import { defaultDaemonSet } from '../../../api/defaults/daemonset-defaults';
import { metadataFieldGetters, selectableFields } from '../../../api/field-selector';
import { validateDaemonSet, validateDaemonSetUpdate } from '../../../api/validation/daemonset-validation';
import { validateDaemonSetStatusUpdate } from '../../../api/validation/workload-status-validation';
import { daemonSetPrinter } from '../../apiserver/tables/daemon-set-printer';
import { defaultStrategy, replaceContents, SPEC_STATUS_FIELDS } from '../default-strategy';
import { defineKind } from '../resource-definition';
import type { ResourceStrategy } from '../strategy';
import { STATUS } from '../subresource';

const base = defaultStrategy<DaemonSet>({ topLevelFields: SPEC_STATUS_FIELDS, hasStatus: true });

function withDefaults(daemonSet: DaemonSet): DaemonSet {
  return replaceContents(daemonSet, defaultDaemonSet(daemonSet));
}

function templateGenerationOf(daemonSet: DaemonSet): number {
  const value = daemonSet.metadata.annotations?.[DEPRECATED_TEMPLATE_GENERATION_ANNOTATION];
  return value !== undefined && /^-?\d+$/.test(value) ? Number(value) : 0;
}

function setTemplateGeneration(daemonSet: DaemonSet, generation: number): void {
  daemonSet.metadata.annotations = { ...(daemonSet.metadata.annotations ?? {}), [DEPRECATED_TEMPLATE_GENERATION_ANNOTATION]: String(generation) };
}

export const daemonSetStrategy: ResourceStrategy<DaemonSet> = {
  ...base,
  prepareForCreate: (daemonSet) => {
    withDefaults(daemonSet).status = { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 };
    setTemplateGeneration(daemonSet, Math.max(1, templateGenerationOf(daemonSet)));
  },
  validate: (daemonSet) => validateDaemonSet(daemonSet),
  prepareForUpdate: (daemonSet, old) => {
    const changed = !semanticEqual(withDefaults(daemonSet).spec.template, old.spec.template);
    setTemplateGeneration(daemonSet, Math.max(1, templateGenerationOf(old)) + (changed ? 1 : 0));
    return base.prepareForUpdate(daemonSet, old);
  },
  validateUpdate: (daemonSet, old) => validateDaemonSetUpdate(daemonSet, old),
  validateStatusUpdate: (daemonSet, old) => validateDaemonSetStatusUpdate(daemonSet, old),
};

export const DAEMON_SETS = defineKind<DaemonSet>({
  group: 'apps', version: 'v1', resource: 'daemonsets', singularName: 'daemonset', kind: 'DaemonSet', listKind: 'DaemonSetList', namespaced: true,
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'], shortNames: ['ds'], categories: ['all'],
  strategy: daemonSetStrategy,
  printer: daemonSetPrinter,
  fields: selectableFields<DaemonSet>(metadataFieldGetters(true)),
  subresources: { status: STATUS },
});
