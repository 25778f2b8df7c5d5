/**
 * Pod volumes (ValidateVolumes / validateVolumeSource): unique DNS-1123 label names and
 * exactly one volume source. The sources pikube runs (emptyDir, hostPath, configMap, secret,
 * persistentVolumeClaim, projected, downwardAPI) get their required fields checked.
 */
import type { Volume } from '../core-v1';
import { child, index } from './field-path';
import { duplicate, forbidden, invalid, notSupported, required, type FieldCause } from './field-errors';
import { isConfigMapKey, isDNS1123Label, nameIsDNSSubdomain } from './names';

const HOST_PATH_TYPES = ['', 'DirectoryOrCreate', 'Directory', 'FileOrCreate', 'File', 'Socket', 'CharDevice', 'BlockDevice'];
const FILE_MODE_MESSAGE = 'must be a number between 0 and 0777 (octal), both inclusive';

/** Validates spec.volumes; returns the causes and the names of the valid volumes. */
export function validateVolumes(volumes: Volume[] | undefined, path: string): { causes: FieldCause[]; names: Set<string> } {
  const causes: FieldCause[] = [];
  const names = new Set<string>();
  (volumes ?? []).forEach((volume, i) => {
    const volumePath = index(path, i);
    const errs = [...validateVolumeSource(volume, volumePath), ...validateVolumeName(volume.name, names, child(volumePath, 'name'))];
    if (errs.length === 0) names.add(volume.name);
    causes.push(...errs);
  });
  return { causes, names };
}

function validateVolumeName(name: string | undefined, seen: Set<string>, field: string): FieldCause[] {
  if (!name) return [required(field)];
  const causes = isDNS1123Label(name).map((msg) => invalid(field, name, msg));
  if (seen.has(name)) causes.push(duplicate(field, name));
  return causes;
}

/** The source keys of a volume: every field but its name. */
function sourcesOf(volume: Volume): string[] {
  return Object.keys(volume).filter((k) => k !== 'name' && volume[k] !== undefined && volume[k] !== null);
}

function validateVolumeSource(volume: Volume, path: string): FieldCause[] {
  const sources = sourcesOf(volume);
  if (sources.length === 0) return [required(path, 'must specify a volume type')];
  const causes = validateSource(sources[0], volume[sources[0]], child(path, sources[0]));
  for (const extra of sources.slice(1)) causes.push(forbidden(child(path, extra), 'may not specify more than 1 volume type'));
  return causes;
}

type Source = Record<string, unknown>;

function validateSource(kind: string, raw: unknown, path: string): FieldCause[] {
  const source = (raw && typeof raw === 'object' ? raw : {}) as Source;
  switch (kind) {
    case 'hostPath':
      return validateHostPath(source, path);
    case 'configMap':
      return [...validateReferenceName(source.name, child(path, 'name')), ...validateKeyToPaths(source, path)];
    case 'secret':
      return [...validateReferenceName(source.secretName, child(path, 'secretName')), ...validateKeyToPaths(source, path)];
    case 'persistentVolumeClaim':
      return source.claimName ? [] : [required(child(path, 'claimName'))];
    case 'nfs':
      return validateNfs(source, path);
    default:
      return [];
  }
}

function validateHostPath(source: Source, path: string): FieldCause[] {
  const causes: FieldCause[] = [];
  const hostPath = typeof source.path === 'string' ? source.path : '';
  if (!hostPath) causes.push(required(child(path, 'path')));
  else causes.push(...validatePathNoBacksteps(hostPath, child(path, 'path')));
  const type = typeof source.type === 'string' ? source.type : '';
  if (!HOST_PATH_TYPES.includes(type)) causes.push(notSupported(child(path, 'type'), type, HOST_PATH_TYPES));
  return causes;
}

/** validateNFSVolumeSource: a server, and an absolute path. */
function validateNfs(source: Source, path: string): FieldCause[] {
  const server = typeof source.server === 'string' ? source.server : '';
  const exportPath = typeof source.path === 'string' ? source.path : '';
  const causes: FieldCause[] = [];
  if (!server) causes.push(required(child(path, 'server')));
  if (!exportPath) causes.push(required(child(path, 'path')));
  if (!exportPath.startsWith('/')) causes.push(invalid(child(path, 'path'), exportPath, 'must be an absolute path'));
  return causes;
}

function validateReferenceName(name: unknown, field: string): FieldCause[] {
  if (typeof name !== 'string' || name === '') return [required(field)];
  return nameIsDNSSubdomain(name, false).map((msg) => invalid(field, name, msg));
}

function validateKeyToPaths(source: Source, path: string): FieldCause[] {
  const causes: FieldCause[] = [];
  const mode = source.defaultMode;
  if (typeof mode === 'number' && (mode < 0 || mode > 0o777)) causes.push(invalid(child(path, 'defaultMode'), mode, FILE_MODE_MESSAGE));
  const items = Array.isArray(source.items) ? (source.items as Source[]) : [];
  items.forEach((item, i) => causes.push(...validateKeyToPath(item, index(child(path, 'items'), i))));
  return causes;
}

function validateKeyToPath(item: Source, path: string): FieldCause[] {
  const causes: FieldCause[] = [];
  const key = typeof item.key === 'string' ? item.key : '';
  const itemPath = typeof item.path === 'string' ? item.path : '';
  if (!key) causes.push(required(child(path, 'key')));
  else causes.push(...isConfigMapKey(key).map((msg) => invalid(child(path, 'key'), key, msg)));
  if (!itemPath) causes.push(required(child(path, 'path')));
  else causes.push(...validateLocalDescendingPath(itemPath, child(path, 'path')));
  if (typeof item.mode === 'number' && (item.mode < 0 || item.mode > 0o777)) causes.push(invalid(child(path, 'mode'), item.mode, FILE_MODE_MESSAGE));
  return causes;
}

/** No `..` path element. */
export function validatePathNoBacksteps(target: string, field: string): FieldCause[] {
  return target.split(/[\\/]/).includes('..') ? [invalid(field, target, "must not contain '..'")] : [];
}

/** A relative path without `..` elements (subPath, items[].path). */
export function validateLocalDescendingPath(target: string, field: string): FieldCause[] {
  const causes = target.startsWith('/') ? [invalid(field, target, 'must be a relative path')] : [];
  return causes.concat(validatePathNoBacksteps(target, field));
}
