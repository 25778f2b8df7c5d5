/**
 * Namespaces (pkg/registry/core/namespace): created Active with the `kubernetes` finalizer
 * and the `kubernetes.io/metadata.name` label; a DELETE turns them Terminating until the
 * namespace controller has emptied them and removed the finalizer through `…/finalize`.
 * The immortal namespaces cannot be deleted.
 */
import type { Namespace } from '../../../api/core-v1';
import type { KubeObject } from '../../../api/meta';
import { defaultNamespace, namespaceForCreate } from '../../../api/defaults/namespace-defaults';
import { defaultStrategy, replaceContents, SPEC_STATUS_FIELDS } from '../default-strategy';
import { immortalNamespace, IMMORTAL_NAMESPACES } from '../namespace-lifecycle';
import type { ResourceStrategy } from '../strategy';

function prepareForCreate(obj: KubeObject): void {
  replaceContents(obj, namespaceForCreate(obj as Namespace));
}

/** spec.finalizers change only through …/finalize; status only through …/status. */
function prepareForUpdate(obj: KubeObject, old: KubeObject): void {
  const ns = replaceContents(obj, defaultNamespace(obj as Namespace));
  const was = old as Namespace;
  ns.status = structuredClone(was.status);
  ns.spec = { ...ns.spec, finalizers: structuredClone(was.spec?.finalizers) };
  if (ns.spec.finalizers === undefined) delete ns.spec.finalizers;
}

const base = defaultStrategy({ topLevelFields: SPEC_STATUS_FIELDS, hasStatus: true });

export const namespaceStrategy: ResourceStrategy = {
  ...base,
  returnDeletedObject: true,
  tracksGeneration: false,
  prepareForCreate,
  prepareForUpdate,
  checkDelete: (obj) => {
    if (IMMORTAL_NAMESPACES.includes(obj.metadata.name ?? '')) throw immortalNamespace(obj.metadata.name ?? '');
  },
  beginDeletion: (obj) => {
    (obj as Namespace).status = { ...(obj as Namespace).status, phase: 'Terminating' };
  },
  hasPendingFinalizers: (obj) => base.hasPendingFinalizers(obj) || ((obj as Namespace).spec?.finalizers ?? []).length > 0,
};
