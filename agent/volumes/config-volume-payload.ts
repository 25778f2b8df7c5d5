/**
 * The files of a `configMap` or `secret` volume (or projected source), as the kubelet's
 * MakePayload builds them: every key (ConfigMap `data` and `binaryData`, Secret `data`
 * decoded) at its own name with `defaultMode` (0644 unless set), or only the listed `items`
 * at their `path` with their `mode`. A missing object is an empty volume when `optional`, else
 * the kubelet's NotFound error; a listed key that is missing is skipped when `optional`, else
 * `configmap references non-existent config key: k` / `references non-existent secret key: k`.
 */
import type { ConfigMap, Secret } from '../../api/config-v1';
import type { FileProjection, Payload } from './atomic-writer';

export interface KeyToPath {
  key: string;
  path: string;
  mode?: number;
}

export interface ConfigVolumeSource {
  items?: KeyToPath[];
  defaultMode?: number;
  optional?: boolean;
}

/** The API defaults defaultMode to 0644 (420). */
export const DEFAULT_MODE = 0o644;

/** Key → content of an object, or undefined when it is absent. */
type Contents = Map<string, Buffer>;

function configMapContents(cm: ConfigMap): Contents {
  const text = Object.entries(cm.data ?? {}).map(([k, v]): [string, Buffer] => [k, Buffer.from(v, 'utf8')]);
  const binary = Object.entries(cm.binaryData ?? {}).map(([k, v]): [string, Buffer] => [k, Buffer.from(v, 'base64')]);
  return new Map([...text, ...binary]);
}

function secretContents(secret: Secret): Contents {
  return new Map(Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')]));
}

function payloadOf(source: ConfigVolumeSource, contents: Contents, missingKey: (key: string) => string, defaultMode: number): Payload | Error {
  const mode = source.defaultMode ?? defaultMode;
  const payload: Payload = new Map<string, FileProjection>();
  if (!source.items?.length) {
    for (const [key, data] of contents) payload.set(key, { data, mode });
    return payload;
  }
  for (const item of source.items) {
    const data = contents.get(item.key);
    if (data === undefined) {
      if (source.optional === true) continue;
      return new Error(missingKey(item.key));
    }
    payload.set(item.path, { data, mode: item.mode ?? mode });
  }
  return payload;
}

/** A configMap volume's (or projected source's) payload; `defaultMode` is the projected volume's when set there. */
export function configMapPayload(source: ConfigVolumeSource & { name: string }, cm: ConfigMap | undefined, defaultMode = DEFAULT_MODE): Payload | Error {
  if (!cm) return source.optional === true ? new Map() : new Error(`configmap "${source.name}" not found`);
  return payloadOf(source, configMapContents(cm), (key) => `configmap references non-existent config key: ${key}`, defaultMode);
}

export function secretPayload(source: ConfigVolumeSource & { name: string }, secret: Secret | undefined, defaultMode = DEFAULT_MODE): Payload | Error {
  if (!secret) return source.optional === true ? new Map() : new Error(`secret "${source.name}" not found`);
  return payloadOf(source, secretContents(secret), (key) => `references non-existent secret key: ${key}`, defaultMode);
}
