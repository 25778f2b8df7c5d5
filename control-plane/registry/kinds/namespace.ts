/**
 * Namespaces (pkg/registry/core/namespace): created Active with the `kubernetes` finalizer
 * and the `kubernetes.io/metadata.name` label; a DELETE turns them Terminating until the
 * namespace controller has emptied them and removed the finalizer through `…/finalize`.
 * The immortal namespaces cannot be deleted.
 */
import type { Namespace } from '../../../api/core-v1';
import { defaultNamespace, namespaceForCreate } from '../../../api/defaults/namespace-defaults';
import { selectableFields } from '../../../api/field-selector';
import { validateNamespace, validateNamespaceUpdate } from '../../../api/validation/namespace-validation';
import { namespacePrinter } from '../../apiserver/tables/namespace-printer';
import { defaultStrategy, replaceContents, SPEC_STATUS_FIELDS } from '../default-strategy';
import { immortalNamespace, IMMORTAL_NAMESPACES } from '../namespace-lifecycle';
import { defineKind } from '../resource-definition';
import type { ResourceStrategy } from '../strategy';
import { STATUS, type ParentWriteSubresource } from '../subresource';

/** spec.finalizers change only through …/finalize; status only through …/status. */
function prepareForUpdate(ns: Namespace, was: Namespace): void {
  replaceContents(ns, defaultNamespace(ns));
  ns.status = structuredClone(was.status);
  ns.spec = { ...ns.spec, finalizers: structuredClone(was.spec?.finalizers) };
  if (ns.spec.finalizers === undefined) delete ns.spec.finalizers;
}

const base = defaultStrategy<Namespace>({ topLevelFields: SPEC_STATUS_FIELDS, hasStatus: true });

export const namespaceStrategy: ResourceStrategy<Namespace> = {
  ...base,
  returnDeletedObject: true,
  tracksGeneration: false,
  prepareForCreate: (ns) => void replaceContents(ns, namespaceForCreate(ns)),
  validate: (ns) => validateNamespace(ns),
  prepareForUpdate,
  validateUpdate: (ns, old) => validateNamespaceUpdate(ns, old),
  checkDelete: (ns) => {
    if (IMMORTAL_NAMESPACES.includes(ns.metadata.name ?? '')) throw immortalNamespace(ns.metadata.name ?? '');
  },
  beginDeletion: (ns) => {
    ns.status = { ...ns.status, phase: 'Terminating' };
  },
  hasPendingFinalizers: (ns) => base.hasPendingFinalizers(ns) || (ns.spec?.finalizers ?? []).length > 0,
};

/** `PUT namespaces/{name}/finalize`: replaces spec.finalizers; a deleting namespace left with none goes. */
const finalize: ParentWriteSubresource<Namespace, Namespace> = {
  type: 'write',
  verbs: ['update'],
  answersStatus: false,
  finishesDeletion: true,
  validateBody: () => undefined,
  apply: (current, body) => {
    const finalizers = (body.spec?.finalizers ?? []).filter((f) => typeof f === 'string');
    return { ...current, spec: { ...current.spec, finalizers } };
  },
};

export const NAMESPACES = defineKind<Namespace>({
  group: '', version: 'v1', resource: 'namespaces', singularName: 'namespace', kind: 'Namespace', listKind: 'NamespaceList', namespaced: false,
  verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'], shortNames: ['ns'],
  strategy: namespaceStrategy,
  printer: namespacePrinter,
  fields: selectableFields<Namespace>({ 'metadata.name': (ns) => ns.metadata.name ?? '', 'status.phase': (ns) => ns.status?.phase ?? '' }),
  subresources: { status: STATUS, finalize },
});
