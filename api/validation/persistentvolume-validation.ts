/**
 * PersistentVolume validation (ValidatePersistentVolume / …Update, pkg/apis/core/validation
 * 1.32), for a defaulted volume: access modes, a positive `capacity.storage` and nothing else,
 * reclaim policy, class name, volumeMode, exactly one volume source (hostPath, local and nfs
 * checked in depth), node affinity with required terms (mandatory for `local`), no mount
 * options for hostPath and local. After creation the source, the volume mode and node
 * affinity are immutable. Deviation: the immutable-source message has no object diff.
 */
import { QuantityFormatError } from '../quantity';
import { semanticEqual } from '../semantic-equality';
import type { NodeSelector } from '../core-v1';
import { PERSISTENT_VOLUME_SOURCES, type PersistentVolume, type PersistentVolumeSpec } from '../storage-v1';
import { child, index, key } from './field-path';
import { forbidden, invalid, notSupported, notSupportedGo, required, type FieldCause } from './field-errors';
import { validateImmutableField } from './immutable-field';
import { isDNS1123Subdomain, nameIsDNSSubdomain } from './names';
import { validateObjectMeta, validateObjectMetaUpdate } from './object-meta';
import { quantityOf, validateQuantityValue } from './resource-validation';

const ACCESS_MODES = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];
const RECLAIM_POLICIES = ['Delete', 'Recycle', 'Retain'];
const VOLUME_MODES = ['Block', 'Filesystem'];
const HOST_PATH_TYPES = ['', 'BlockDevice', 'CharDevice', 'Directory', 'DirectoryOrCreate', 'File', 'FileOrCreate', 'Socket'];
const NODE_SELECTOR_OPERATORS = ['DoesNotExist', 'Exists', 'Gt', 'In', 'Lt', 'NotIn'];

export function validatePersistentVolume(pv: PersistentVolume): FieldCause[] {
  return [...validateObjectMeta(pv.metadata ?? {}, false, nameIsDNSSubdomain), ...validatePersistentVolumeSpec(pv.spec ?? {}, 'spec')];
}

export function validatePersistentVolumeSpec(spec: PersistentVolumeSpec, path: string): FieldCause[] {
  return [
    ...validateAccessModes(spec.accessModes ?? [], child(path, 'accessModes')),
    ...validateCapacity(spec, path),
    ...validateEnums(spec, path),
    ...validateSources(spec, path),
    ...(spec.nodeAffinity ? validateNodeAffinity(spec.nodeAffinity, child(path, 'nodeAffinity')) : []),
  ];
}

function validateAccessModes(modes: readonly string[], path: string): FieldCause[] {
  if (modes.length === 0) return [required(path, 'must contain at least one access mode')];
  const causes = modes.filter((m) => !ACCESS_MODES.includes(m)).map((m) => notSupported(path, m, ACCESS_MODES));
  if (modes.includes('ReadWriteOncePod') && modes.length > 1) causes.push(forbidden(path, 'may not use ReadWriteOncePod with other access modes'));
  return causes;
}

function validateCapacity(spec: PersistentVolumeSpec, path: string): FieldCause[] {
  const capacity = spec.capacity ?? {};
  const names = Object.keys(capacity);
  if (names.length === 0) return [required(child(path, 'capacity'))];
  if (names.length > 1 || !('storage' in capacity)) return [notSupportedGo(child(path, 'capacity'), JSON.stringify(capacity), ['storage'])];
  const field = key(child(path, 'capacity'), 'storage');
  const q = quantityOf(capacity.storage);
  if (q instanceof QuantityFormatError) return [invalid(field, String(capacity.storage), q.message)];
  if (q.sign() <= 0) return [invalid(field, q.toString(), 'must be greater than zero')];
  return validateQuantityValue('storage', q, field);
}

function validateEnums(spec: PersistentVolumeSpec, path: string): FieldCause[] {
  const causes: FieldCause[] = [];
  const policy = spec.persistentVolumeReclaimPolicy;
  if (policy !== undefined && !RECLAIM_POLICIES.includes(policy)) causes.push(notSupported(child(path, 'persistentVolumeReclaimPolicy'), policy, RECLAIM_POLICIES));
  if (spec.storageClassName) causes.push(...isDNS1123Subdomain(spec.storageClassName).map((m) => invalid(child(path, 'storageClassName'), spec.storageClassName, m)));
  if (spec.volumeMode !== undefined && !VOLUME_MODES.includes(spec.volumeMode)) causes.push(notSupported(child(path, 'volumeMode'), spec.volumeMode, VOLUME_MODES));
  return causes;
}

/** The sources set on the spec, in PersistentVolumeSource's field order. */
export function volumeSourcesOf(spec: PersistentVolumeSpec): string[] {
  return PERSISTENT_VOLUME_SOURCES.filter((s) => spec[s] !== undefined && spec[s] !== null);
}

function validateSources(spec: PersistentVolumeSpec, path: string): FieldCause[] {
  const sources = volumeSourcesOf(spec);
  if (sources.length === 0) return [required(path, 'must specify a volume type')];
  const causes = sources.slice(1).map((s) => forbidden(child(path, s), 'may not specify more than 1 volume type'));
  if (spec.hostPath) causes.push(...validateHostPath(spec.hostPath, child(path, 'hostPath')));
  if (spec.local) causes.push(...validateLocal(spec, child(path, 'local'), path));
  if (spec.nfs) causes.push(...validateNfs(spec.nfs, child(path, 'nfs')));
  if ((spec.mountOptions ?? []).length > 0 && (spec.hostPath || spec.local)) {
    causes.push(forbidden(child(path, 'mountOptions'), 'may not specify mount options for this volume type'));
  }
  return causes;
}

function validatePathNoBacksteps(p: string, path: string): FieldCause[] {
  return p.split('/').includes('..') ? [invalid(path, p, "must not contain '..'")] : [];
}

function validateHostPath(source: { path: string; type?: string }, path: string): FieldCause[] {
  if (!source.path) return [required(child(path, 'path'))];
  const causes = validatePathNoBacksteps(source.path, child(path, 'path'));
  if (source.type !== undefined && !HOST_PATH_TYPES.includes(source.type)) causes.push(notSupported(child(path, 'type'), source.type, HOST_PATH_TYPES));
  return causes;
}

function validateLocal(spec: PersistentVolumeSpec, path: string, specPath: string): FieldCause[] {
  const causes: FieldCause[] = [];
  if (!spec.nodeAffinity) causes.push(required(child(specPath, 'nodeAffinity'), 'Local volumes require node affinity'));
  const p = spec.local?.path ?? '';
  if (!p) return [...causes, required(child(path, 'path'))];
  return [...causes, ...validatePathNoBacksteps(p, child(path, 'path'))];
}

function validateNfs(source: { server: string; path: string }, path: string): FieldCause[] {
  const causes: FieldCause[] = [];
  if (!source.server) causes.push(required(child(path, 'server')));
  if (!source.path) causes.push(required(child(path, 'path')));
  else if (!source.path.startsWith('/')) causes.push(invalid(child(path, 'path'), source.path, 'must be an absolute path'));
  return causes;
}

function validateNodeAffinity(affinity: { required?: NodeSelector }, path: string): FieldCause[] {
  if (!affinity.required) return [required(child(path, 'required'), 'must specify required node constraints')];
  const termsPath = child(child(path, 'required'), 'nodeSelectorTerms');
  const terms = affinity.required.nodeSelectorTerms ?? [];
  if (terms.length === 0) return [required(termsPath, 'must have at least one node selector term')];
  return terms.flatMap((term, i) => (term.matchExpressions ?? []).flatMap((r, j) => {
    const at = index(child(index(termsPath, i), 'matchExpressions'), j);
    if (!NODE_SELECTOR_OPERATORS.includes(r.operator)) return [notSupported(child(at, 'operator'), r.operator, NODE_SELECTOR_OPERATORS)];
    const needsValues = r.operator === 'In' || r.operator === 'NotIn';
    if (needsValues && (r.values ?? []).length === 0) return [required(child(at, 'values'), 'must be specified when `operator` is \'In\' or \'NotIn\'')];
    return [];
  }));
}

/** The source, the volume mode and (once set) the node affinity never change. */
export function validatePersistentVolumeUpdate(next: PersistentVolume, old: PersistentVolume): FieldCause[] {
  const causes = [...validateObjectMetaUpdate(next.metadata ?? {}, old.metadata ?? {}), ...validatePersistentVolume(next)];
  const sourceOf = (spec: PersistentVolumeSpec | undefined): Record<string, unknown> => Object.fromEntries(PERSISTENT_VOLUME_SOURCES.map((s) => [s, spec?.[s]]));
  if (!semanticEqual(sourceOf(next.spec), sourceOf(old.spec))) {
    causes.push(forbidden('spec.persistentvolumesource', 'spec.persistentvolumesource is immutable after creation'));
  }
  causes.push(...validateImmutableField(next.spec?.volumeMode, old.spec?.volumeMode, 'spec.volumeMode'));
  if (old.spec?.nodeAffinity) causes.push(...validateImmutableField(next.spec?.nodeAffinity, old.spec.nodeAffinity, 'spec.nodeAffinity'));
  return causes;
}
