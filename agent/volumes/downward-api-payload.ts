/**
 * The files of a `downwardAPI` volume (or projected source), as the kubelet's CollectData:
 * each item's `fieldRef` (metadata.name, namespace, uid, labels and annotations as a whole or
 * one key) or `resourceFieldRef` (the container's limits or requests, with the node's
 * allocatable for a missing limit), at its `path` with its `mode` or `defaultMode` (0644).
 * Whole label and annotation maps are Kubernetes' FormatMap: `key="value"` lines sorted by
 * key, values quoted as Go's %q, no trailing newline. The pod worker rewrites the files on
 * every pass, so a label change shows in the volume within moments (through the atomic swap).
 */
import type { Pod, ResourceList } from '../../api/core-v1';
import { resourceFieldValue, type ResourceFieldRef } from '../pods/resource-field-value';
import type { Payload } from './atomic-writer';
import { DEFAULT_MODE } from './config-volume-payload';

export interface DownwardAPIItem {
  path: string;
  fieldRef?: { apiVersion?: string; fieldPath: string };
  resourceFieldRef?: ResourceFieldRef;
  mode?: number;
}

export interface DownwardAPISource {
  items?: DownwardAPIItem[];
  defaultMode?: number;
}

const GO_ESCAPES: Record<string, string> = { '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v', '"': '\\"', '\\': '\\\\' };

/** Code points Go's strconv does not print as they are (controls, DEL, C1, line/paragraph separators, BOM). */
const NOT_PRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff]/u;

/** A string quoted as Go's %q does for the text labels and annotations hold. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const escape = GO_ESCAPES[ch];
    if (escape) out += escape;
    else if (!NOT_PRINTABLE.test(ch)) out += ch;
    else {
      const cp = ch.codePointAt(0) ?? 0;
      out += cp < 0x80 ? `\\x${cp.toString(16).padStart(2, '0')}` : `\\u${cp.toString(16).padStart(4, '0')}`;
    }
  }
  return `${out}"`;
}

/** Kubernetes' fieldpath.FormatMap. */
export function formatMap(m: Record<string, string> | undefined): string {
  return Object.keys(m ?? {}).sort().map((k) => `${k}=${goQuote((m ?? {})[k])}`).join('\n');
}

const ONE_KEY = /^metadata\.(labels|annotations)\['(.+)'\]$/;

/** fieldpath.ExtractFieldPathAsString for the paths a volume may name. */
export function volumeFieldValue(pod: Pod, fieldPath: string): string | Error {
  const meta = pod.metadata;
  const one = ONE_KEY.exec(fieldPath);
  if (one) return (one[1] === 'labels' ? meta.labels : meta.annotations)?.[one[2]] ?? '';
  switch (fieldPath) {
    case 'metadata.annotations': return formatMap(meta.annotations);
    case 'metadata.labels': return formatMap(meta.labels);
    case 'metadata.name': return meta.name ?? '';
    case 'metadata.namespace': return meta.namespace ?? '';
    case 'metadata.uid': return meta.uid ?? '';
    default: return new Error(`unsupported fieldPath: ${fieldPath}`);
  }
}

function itemValue(item: DownwardAPIItem, pod: Pod, allocatable: ResourceList): string | Error {
  if (item.fieldRef) return volumeFieldValue(pod, item.fieldRef.fieldPath);
  if (item.resourceFieldRef) {
    const container = pod.spec.containers.find((c) => c.name === item.resourceFieldRef?.containerName) ?? pod.spec.containers[0];
    return resourceFieldValue(item.resourceFieldRef, pod, container, allocatable);
  }
  return new Error(`downwardAPI item "${item.path}" has neither fieldRef nor resourceFieldRef`);
}

/** The payload; failures of several items are reported together, as the kubelet's aggregate. */
export function downwardAPIPayload(source: DownwardAPISource, pod: Pod, allocatable: ResourceList, defaultMode = DEFAULT_MODE): Payload | Error {
  const mode = source.defaultMode ?? defaultMode;
  const payload: Payload = new Map();
  const errors: string[] = [];
  for (const item of source.items ?? []) {
    const value = itemValue(item, pod, allocatable);
    if (value instanceof Error) errors.push(value.message);
    else payload.set(item.path, { data: Buffer.from(value, 'utf8'), mode: item.mode ?? mode });
  }
  if (errors.length === 1) return new Error(errors[0]);
  if (errors.length > 1) return new Error(`[${errors.join(', ')}]`);
  return payload;
}
