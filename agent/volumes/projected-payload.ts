/**
 * The files of a `projected` volume: its sources' payloads (configMap, secret, downwardAPI)
 * merged into one directory, each with the volume's `defaultMode` (0644) unless its items
 * say otherwise; failures of several sources are reported together (the kubelet's aggregate).
 * A `serviceAccountToken` source is the token the agent's token manager fetched for it
 * (service-account-tokens.ts; fetched before the payload is made, as the source's index in
 * `tokens`), written at its `path` with the volume's mode. `clusterTrustBundle` sources are
 * refused with a clear error: never a volume silently missing files.
 */
import type { Pod, ResourceList } from '../../api/core-v1';
import type { ConfigSource } from '../config-objects';
import type { Payload } from './atomic-writer';
import type { TokenProjection } from './service-account-tokens';
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
  serviceAccountToken?: TokenProjection;
  clusterTrustBundle?: unknown;
}

export interface ProjectionContext {
  pod: Pod;
  config?: ConfigSource;
  allocatable: ResourceList;
  /** The tokens of the volume's `serviceAccountToken` sources, by source index (or why there is none). */
  tokens?: ReadonlyMap<number, string | Error>;
}

function sourcePayload(s: ProjectionSource, index: number, ctx: ProjectionContext, mode: number): Payload | Error {
  const namespace = ctx.pod.metadata.namespace ?? '';
  if (s.configMap) return configMapPayload(s.configMap, ctx.config?.configMap(namespace, s.configMap.name), mode);
  if (s.secret) return secretPayloadOf(s.secret, ctx, mode);
  if (s.downwardAPI) return downwardAPIPayload({ items: s.downwardAPI.items }, ctx.pod, ctx.allocatable, mode);
  if (s.serviceAccountToken !== undefined) return tokenPayload(s.serviceAccountToken, ctx.tokens?.get(index), mode);
  if (s.clusterTrustBundle !== undefined) return new Error('clusterTrustBundle projections are not supported by this node yet');
  return new Error('a projected volume source names no configMap, secret or downwardAPI');
}

function tokenPayload(source: TokenProjection, token: string | Error | undefined, mode: number): Payload | Error {
  if (token instanceof Error) return token;
  if (token === undefined) return new Error('no service account token was fetched for this volume');
  return new Map([[source.path, { data: Buffer.from(token), mode }]]);
}

function secretPayloadOf(source: ConfigVolumeSource & { name: string }, ctx: ProjectionContext, mode: number): Payload | Error {
  return secretPayload(source, ctx.config?.secret(ctx.pod.metadata.namespace ?? '', source.name), mode);
}

export function projectedPayload(source: ProjectedSource, ctx: ProjectionContext): Payload | Error {
  const mode = source.defaultMode ?? DEFAULT_MODE;
  const payload: Payload = new Map();
  const errors: string[] = [];
  for (const [i, s] of (source.sources ?? []).entries()) {
    const part = sourcePayload(s, i, ctx, mode);
    if (part instanceof Error) errors.push(part.message);
    else for (const [p, file] of part) payload.set(p, file);
  }
  if (errors.length === 1) return new Error(errors[0]);
  if (errors.length > 1) return new Error(`[${errors.join(', ')}]`);
  return payload;
}
