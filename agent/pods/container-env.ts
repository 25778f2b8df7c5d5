/**
 * A container's environment, as the kubelet's makeEnvironmentVariables builds it (1.32):
 * `envFrom` first (ConfigMap `data` or decoded Secret `data`, each key with `prefix`), then
 * `env` in order, overriding (literal values with `$(VAR)` expansion against the variables so
 * far and the service variables; `fieldRef`, `resourceFieldRef`, `configMapKeyRef`,
 * `secretKeyRef`), then the service variables (service-env.ts) not already set.
 *
 * A missing object or key fails the container with the kubelet's message (the worker shows it
 * as CreateContainerConfigError) unless the reference is `optional`; the container starts when
 * it arrives (the pod's worker is woken by the feed). Since 1.32 (RelaxedEnvironmentVariable-
 * Validation, beta and on; kubernetes#123385) the kubelet no longer skips envFrom keys that are
 * not C identifiers, and so no longer records InvalidEnvironmentVariableNames: API validation
 * (relaxed names, ConfigMap key syntax) is the only rule, and every key is passed on. Values of
 * Secrets never appear in a message: only names and keys do.
 */
import type { ConfigMap, Secret } from '../../api/config-v1';
import type { Container, EnvFromSource, EnvVar, Pod, ResourceList } from '../../api/core-v1';
import type { ConfigSource } from '../config-objects';
import { expandVars } from './env-expansion';
import { resourceFieldValue } from './resource-field-value';

/** What `valueFrom` may read beyond the pod object itself. */
export interface EnvContext {
  pod: Pod;
  nodeName: string;
  hostIP: string;
  podIP?: string;
  /** The pod's service variables (service-env.ts); absent: none. */
  serviceEnv?: Map<string, string>;
  /** The ConfigMaps and Secrets delivered to this node; absent: none is. */
  config?: ConfigSource;
  /** The node's allocatable resources: the limits `resourceFieldRef` reads where a container sets none. */
  allocatable?: ResourceList;
}

export type EnvResult = { ok: true; env: Map<string, string> } | { ok: false; message: string };

const LABEL_REF = /^metadata\.(labels|annotations)\['([^']+)'\]$/;

/** The value of a downward-API field path, or an Error for an unsupported one. */
export function fieldValue(path: string, ctx: EnvContext): string | Error {
  const meta = ctx.pod.metadata;
  const simple: Record<string, string | undefined> = {
    'metadata.name': meta.name,
    'metadata.namespace': meta.namespace,
    'metadata.uid': meta.uid,
    'spec.nodeName': ctx.pod.spec.nodeName ?? ctx.nodeName,
    'spec.serviceAccountName': ctx.pod.spec.serviceAccountName,
    'status.hostIP': ctx.hostIP,
    'status.hostIPs': ctx.hostIP,
    'status.podIP': ctx.podIP,
    'status.podIPs': ctx.podIP,
  };
  if (path in simple) return simple[path] ?? '';
  const m = LABEL_REF.exec(path);
  if (m) return (m[1] === 'labels' ? meta.labels : meta.annotations)?.[m[2]] ?? '';
  return new Error(`unsupported fieldRef fieldPath "${path}"`);
}

/** Reads the pod's ConfigMaps and Secrets, with the kubelet's NotFound errors. */
class Lookups {
  constructor(private readonly ctx: EnvContext) {}

  /** The ConfigMap, undefined when it is absent and optional, or the kubelet's NotFound error. */
  configMap(name: string, optional: boolean): ConfigMap | undefined | Error {
    const found = this.ctx.config?.configMap(this.namespace, name);
    return found ?? (optional ? undefined : new Error(`configmap "${name}" not found`));
  }

  secret(name: string, optional: boolean): Secret | undefined | Error {
    const found = this.ctx.config?.secret(this.namespace, name);
    return found ?? (optional ? undefined : new Error(`secret "${name}" not found`));
  }

  get namespace(): string {
    return this.ctx.pod.metadata.namespace ?? '';
  }
}

/** A Secret's value as text (its data is base64 on the wire). */
export function secretValue(base64: string): string {
  return Buffer.from(base64, 'base64').toString('utf8');
}

/** One envFrom source into `env`; an Error when its object is missing and not optional. */
function addEnvFrom(source: EnvFromSource, env: Map<string, string>, lookups: Lookups): Error | undefined {
  const prefix = source.prefix ?? '';
  if (source.configMapRef) {
    const cm = lookups.configMap(source.configMapRef.name, source.configMapRef.optional === true);
    if (cm instanceof Error) return cm;
    for (const [k, v] of Object.entries(cm?.data ?? {})) env.set(prefix + k, v);
  } else if (source.secretRef) {
    const secret = lookups.secret(source.secretRef.name, source.secretRef.optional === true);
    if (secret instanceof Error) return secret;
    for (const [k, v] of Object.entries(secret?.data ?? {})) env.set(prefix + k, secretValue(v));
  }
  return undefined;
}

/** Value of a `configMapKeyRef`: undefined to skip the variable (optional), or the kubelet's error. */
function configMapKey(ref: NonNullable<NonNullable<EnvVar['valueFrom']>['configMapKeyRef']>, lookups: Lookups): string | undefined | Error {
  const optional = ref.optional === true;
  const cm = lookups.configMap(ref.name, optional);
  if (cm === undefined || cm instanceof Error) return cm;
  const value = cm.data?.[ref.key];
  if (value !== undefined || optional) return value;
  return new Error(`couldn't find key ${ref.key} in ConfigMap ${lookups.namespace}/${ref.name}`);
}

function secretKey(ref: NonNullable<NonNullable<EnvVar['valueFrom']>['secretKeyRef']>, lookups: Lookups): string | undefined | Error {
  const optional = ref.optional === true;
  const secret = lookups.secret(ref.name, optional);
  if (secret === undefined || secret instanceof Error) return secret;
  const value = secret.data?.[ref.key];
  if (value !== undefined) return secretValue(value);
  return optional ? undefined : new Error(`couldn't find key ${ref.key} in Secret ${lookups.namespace}/${ref.name}`);
}

/** The value of one env var given those defined before it; undefined: not set (an optional reference to nothing). */
function valueOf(v: EnvVar, container: Container, defined: Map<string, string>, ctx: EnvContext, lookups: Lookups): string | undefined | Error {
  const from = v.valueFrom;
  if (v.value || !from) return expandVars(v.value ?? '', (name) => defined.get(name) ?? ctx.serviceEnv?.get(name));
  if (from.fieldRef) return fieldValue(from.fieldRef.fieldPath, ctx);
  if (from.resourceFieldRef) return resourceFieldValue(from.resourceFieldRef, ctx.pod, container, ctx.allocatable ?? {});
  if (from.configMapKeyRef) return configMapKey(from.configMapKeyRef, lookups);
  if (from.secretKeyRef) return secretKey(from.secretKeyRef, lookups);
  return new Error(`env ${v.name} has an empty valueFrom`);
}

export function resolveEnv(container: Container, ctx: EnvContext): EnvResult {
  const lookups = new Lookups(ctx);
  const env = new Map<string, string>();
  for (const source of container.envFrom ?? []) {
    const failed = addEnvFrom(source, env, lookups);
    if (failed) return { ok: false, message: failed.message };
  }
  for (const v of container.env ?? []) {
    const value = valueOf(v, container, env, ctx, lookups);
    if (value instanceof Error) return { ok: false, message: value.message };
    if (value !== undefined) env.set(v.name, value);
  }
  for (const [name, value] of ctx.serviceEnv ?? []) if (!env.has(name)) env.set(name, value);
  return { ok: true, env };
}
