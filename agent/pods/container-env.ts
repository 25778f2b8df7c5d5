/**
 * A container's environment: literal values with `$(VAR)` expansion, the downward API's
 * `fieldRef`s, then the service variables (service-env.ts) the container's own `env` does not
 * set. As in the kubelet's makeEnvironmentVariables, `$(VAR)` in a value sees the variables
 * declared before it, then the service variables. ConfigMap and Secret references are not
 * delivered to the agent yet: they fail the container with CreateContainerConfigError
 * instead of being dropped silently.
 */
import type { Container, EnvVar, Pod } from '../../api/core-v1';
import { expandVars } from './env-expansion';

/** What `fieldRef` may read beyond the pod object itself. */
export interface EnvContext {
  pod: Pod;
  nodeName: string;
  hostIP: string;
  podIP?: string;
  /** The pod's service variables (service-env.ts); absent: none. */
  serviceEnv?: Map<string, string>;
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

/** The value of one env var given those defined before it, or an Error explaining why not. */
function valueOf(v: EnvVar, defined: Map<string, string>, ctx: EnvContext): string | Error {
  const from = v.valueFrom;
  if (!from) return expandVars(v.value ?? '', (name) => defined.get(name) ?? ctx.serviceEnv?.get(name));
  if (from.fieldRef) return fieldValue(from.fieldRef.fieldPath, ctx);
  if (from.configMapKeyRef) return new Error(`configmap "${from.configMapKeyRef.name}" not found: config maps are not yet delivered to this node (env ${v.name})`);
  if (from.secretKeyRef) return new Error(`secret "${from.secretKeyRef.name}" not found: secrets are not yet delivered to this node (env ${v.name})`);
  if (from.resourceFieldRef) return new Error(`resourceFieldRef is not supported yet (env ${v.name})`);
  return new Error(`env ${v.name} has an empty valueFrom`);
}

export function resolveEnv(container: Container, ctx: EnvContext): EnvResult {
  const first = container.envFrom?.[0];
  if (first) {
    const kind = first.configMapRef ? `configmap "${first.configMapRef.name}"` : `secret "${first.secretRef?.name ?? ''}"`;
    return { ok: false, message: `${kind} not found: envFrom sources are not yet delivered to this node` };
  }
  const env = new Map<string, string>();
  for (const v of container.env ?? []) {
    const value = valueOf(v, env, ctx);
    if (value instanceof Error) return { ok: false, message: value.message };
    env.set(v.name, value);
  }
  for (const [name, value] of ctx.serviceEnv ?? []) if (!env.has(name)) env.set(name, value);
  return { ok: true, env };
}
