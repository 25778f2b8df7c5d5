/**
 * The files of a `projected` volume: its sources' payloads (configMap, secret, downwardAPI)
 * merged into one directory, each with the volume's `defaultMode` (0644) unless its items
 * say otherwise; failures of several sources are reported together (the kubelet's aggregate).
 * `serviceAccountToken` and `clusterTrustBundle` sources are refused with a clear error until
 * pikube issues service account tokens and trust bundles: never a volume silently missing files.
 */
import type { Pod, ResourceList } from '../../api/core-v1';
import type { ConfigSource } from '../config-objects';
import type { Payload } from './atomic-writer';
import { configMapPayload, DEFAULT_MODE, secretPayload, type ConfigVolumeSource } from './config-volume-payload';
import { downwardAPIPayload, type DownwardAPISource } from './downward-api-payload';

export interface ProjectedSource {
  sources?: ProjectionSource[];
  defaultMode?: number;
}

export interface ProjectionSource {
  configMap?: ConfigVolumeSource & { name: string };
  secret?: ConfigVolumeSource & { name: string };
  downwardAPI?: DownwardAPISource;
  serviceAccountToken?: unknown;
  clusterTrustBundle?: unknown;
}

export interface ProjectionContext {
  pod: Pod;
  config?: ConfigSource;
  allocatable: ResourceList;
}

function sourcePayload(s: ProjectionSource, ctx: ProjectionContext, mode: number): Payload | Error {
  const namespace = ctx.pod.metadata.namespace ?? '';
  if (s.configMap) return configMapPayload(s.configMap, ctx.config?.configMap(namespace, s.configMap.name), mode);
  if (s.secret) return secretPayloadOf(s.secret, ctx, mode);
  if (s.downwardAPI) return downwardAPIPayload({ items: s.downwardAPI.items }, ctx.pod, ctx.allocatable, mode);
  if (s.serviceAccountToken !== undefined) return new Error('serviceAccountToken projections are not supported by this node yet (pikube issues no service account tokens)');
  if (s.clusterTrustBundle !== undefined) return new Error('clusterTrustBundle projections are not supported by this node yet');
  return new Error('a projected volume source names no configMap, secret or downwardAPI');
}

function secretPayloadOf(source: ConfigVolumeSource & { name: string }, ctx: ProjectionContext, mode: number): Payload | Error {
  return secretPayload(source, ctx.config?.secret(ctx.pod.metadata.namespace ?? '', source.name), mode);
}

export function projectedPayload(source: ProjectedSource, ctx: ProjectionContext): Payload | Error {
  const mode = source.defaultMode ?? DEFAULT_MODE;
  const payload: Payload = new Map();
  const errors: string[] = [];
  for (const s of source.sources ?? []) {
    const part = sourcePayload(s, ctx, mode);
    if (part instanceof Error) errors.push(part.message);
    else for (const [p, file] of part) payload.set(p, file);
  }
  if (errors.length === 1) return new Error(errors[0]);
  if (errors.length > 1) return new Error(`[${errors.join(', ')}]`);
  return payload;
}
