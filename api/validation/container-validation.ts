/**
 * Containers and init containers (validateContainers, validateInitContainers,
 * validateContainerCommon in pkg/apis/core/validation/validation.go), on a defaulted pod.
 */
import type { Container, ContainerPort, EnvFromSource, EnvVar, VolumeMount } from '../core-v1';
import { child, index } from './field-path';
import { duplicate, forbidden, invalid, notFound, notSupported, required, type FieldCause } from './field-errors';
import { isConfigMapKey, isDNS1123Label, isValidPortName, isValidPortNum, nameIsDNSSubdomain } from './names';
import { validateLifecycle, validateLivenessOrStartupProbe, validateReadinessProbe } from './probe-validation';
import { validateResourceRequirements } from './resource-validation';
import { validateLocalDescendingPath } from './volume-validation';

/** What container validation needs from the pod around it. */
export interface ContainerContext {
  /** Names of the pod's valid volumes. */
  volumes: Set<string>;
  /** spec.terminationGracePeriodSeconds, bounding lifecycle sleep actions. */
  gracePeriod: number | undefined;
}

export function validateContainers(containers: Container[] | undefined, ctx: ContainerContext, path: string): FieldCause[] {
  if (!containers || containers.length === 0) return [required(path)];
  const causes: FieldCause[] = [];
  const names = new Set<string>();
  containers.forEach((ctr, i) => {
    const ctrPath = index(path, i);
    causes.push(...validateContainerCommon(ctr, ctx, ctrPath));
    if (names.has(ctr.name)) causes.push(duplicate(child(ctrPath, 'name'), ctr.name));
    else names.add(ctr.name);
    causes.push(...validateRunningContainerHooks(ctr, ctx, ctrPath));
    if (ctr.restartPolicy !== undefined) causes.push(forbidden(child(ctrPath, 'restartPolicy'), 'may not be set for non-init containers'));
  });
  return causes.concat(checkHostPortConflicts(containers, path));
}

/** Init container names must also be unique against the regular containers. */
export function validateInitContainers(inits: Container[] | undefined, regular: Container[] | undefined, ctx: ContainerContext, path: string): FieldCause[] {
  const causes: FieldCause[] = [];
  const names = new Set((regular ?? []).map((c) => c.name));
  (inits ?? []).forEach((ctr, i) => {
    const ctrPath = index(path, i);
    causes.push(...validateContainerCommon(ctr, ctx, ctrPath));
    const restartAlways = ctr.restartPolicy === 'Always';
    if (ctr.restartPolicy !== undefined && !restartAlways) causes.push(notSupported(child(ctrPath, 'restartPolicy'), ctr.restartPolicy, ['Always']));
    if (names.has(ctr.name)) causes.push(duplicate(child(ctrPath, 'name'), ctr.name));
    else if (ctr.name) names.add(ctr.name);
    causes.push(...checkHostPortConflicts([ctr], path));
    causes.push(...(restartAlways ? validateRunningContainerHooks(ctr, ctx, ctrPath) : forbidInitContainerHooks(ctr, ctrPath)));
  });
  return causes;
}

function validateRunningContainerHooks(ctr: Container, ctx: ContainerContext, path: string): FieldCause[] {
  return [
    ...(ctr.lifecycle ? validateLifecycle(ctr.lifecycle, ctx.gracePeriod, child(path, 'lifecycle')) : []),
    ...validateLivenessOrStartupProbe(ctr.livenessProbe, ctx.gracePeriod, child(path, 'livenessProbe')),
    ...validateReadinessProbe(ctr.readinessProbe, ctx.gracePeriod, child(path, 'readinessProbe')),
    ...validateLivenessOrStartupProbe(ctr.startupProbe, ctx.gracePeriod, child(path, 'startupProbe')),
  ];
}

function forbidInitContainerHooks(ctr: Container, path: string): FieldCause[] {
  const fields = ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe'] as const;
  return fields.filter((f) => ctr[f] !== undefined).map((f) => forbidden(child(path, f), 'may not be set for init containers without restartPolicy=Always'));
}

/** Checks shared by every container type. */
export function validateContainerCommon(ctr: Container, ctx: ContainerContext, path: string): FieldCause[] {
  const causes: FieldCause[] = [];
  const namePath = child(path, 'name');
  if (!ctr.name) causes.push(required(namePath));
  else causes.push(...isDNS1123Label(ctr.name).map((msg) => invalid(namePath, ctr.name, msg)));
  if (!ctr.image) causes.push(required(child(path, 'image')));
  causes.push(...validateTerminationMessagePolicy(ctr.terminationMessagePolicy ?? '', child(path, 'terminationMessagePolicy')));
  causes.push(...validateContainerPorts(ctr.ports ?? [], child(path, 'ports')));
  causes.push(...validateEnv(ctr.env ?? [], child(path, 'env')));
  causes.push(...validateEnvFrom(ctr.envFrom ?? [], child(path, 'envFrom')));
  causes.push(...validateVolumeMounts(ctr.volumeMounts ?? [], ctx.volumes, child(path, 'volumeMounts')));
  causes.push(...validatePullPolicy(ctr.imagePullPolicy ?? '', child(path, 'imagePullPolicy')));
  causes.push(...validateResourceRequirements(ctr.resources, child(path, 'resources')));
  return causes;
}

/** Pods only (not templates): the image may not carry surrounding whitespace. */
export function validateImageWhitespace(ctr: Container, path: string): FieldCause[] {
  const image = ctr.image ?? '';
  return image.trim().length !== image.length ? [invalid(child(path, 'image'), image, 'must not have leading or trailing whitespace')] : [];
}

function validateTerminationMessagePolicy(policy: string, field: string): FieldCause[] {
  if (policy === 'File' || policy === 'FallbackToLogsOnError') return [];
  return policy === '' ? [required(field)] : [notSupported(field, policy, ['File', 'FallbackToLogsOnError'])];
}

function validatePullPolicy(policy: string, field: string): FieldCause[] {
  if (policy === 'Always' || policy === 'IfNotPresent' || policy === 'Never') return [];
  return policy === '' ? [required(field)] : [notSupported(field, policy, ['Always', 'IfNotPresent', 'Never'])];
}

export function validateContainerPorts(ports: ContainerPort[], path: string): FieldCause[] {
  const causes: FieldCause[] = [];
  const names = new Set<string>();
  ports.forEach((port, i) => {
    const portPath = index(path, i);
    causes.push(...validatePortName(port.name ?? '', names, child(portPath, 'name')));
    if (!port.containerPort) causes.push(required(child(portPath, 'containerPort')));
    else causes.push(...isValidPortNum(port.containerPort).map((msg) => invalid(child(portPath, 'containerPort'), port.containerPort, msg)));
    if (port.hostPort) causes.push(...isValidPortNum(port.hostPort).map((msg) => invalid(child(portPath, 'hostPort'), port.hostPort, msg)));
    causes.push(...validateProtocol(port.protocol ?? '', child(portPath, 'protocol')));
  });
  return causes;
}

function validatePortName(name: string, seen: Set<string>, field: string): FieldCause[] {
  if (!name) return [];
  const msgs = isValidPortName(name);
  if (msgs.length) return msgs.map((msg) => invalid(field, name, msg));
  if (seen.has(name)) return [duplicate(field, name)];
  seen.add(name);
  return [];
}

function validateProtocol(protocol: string, field: string): FieldCause[] {
  if (protocol === '') return [required(field)];
  return ['TCP', 'UDP', 'SCTP'].includes(protocol) ? [] : [notSupported(field, protocol, ['SCTP', 'TCP', 'UDP'])];
}

/** Host ports may not collide (protocol/hostIP/port) across the given containers. */
function checkHostPortConflicts(containers: Container[], path: string): FieldCause[] {
  const causes: FieldCause[] = [];
  const seen = new Set<string>();
  containers.forEach((ctr, ci) => (ctr.ports ?? []).forEach((port, pi) => {
    if (!port.hostPort) return;
    const id = `${port.protocol ?? ''}/${port.hostIP ?? ''}/${port.hostPort}`;
    if (seen.has(id)) causes.push(duplicate(child(index(child(index(path, ci), 'ports'), pi), 'hostPort'), id));
    seen.add(id);
  }));
  return causes;
}

const RELAXED_ENV_NAME_MESSAGE = "a valid environment variable name must consist only of printable ASCII characters other than '='";

/** RelaxedEnvironmentVariableValidation (beta, on in 1.32): printable ASCII except '='. */
function envNameErrors(name: string): string[] {
  return /^[\x20-\x3c\x3e-\x7e]+$/.test(name) ? [] : [RELAXED_ENV_NAME_MESSAGE];
}

const ENV_FIELD_PATHS = ['metadata.name', 'metadata.namespace', 'metadata.uid', 'spec.nodeName', 'spec.serviceAccountName', 'status.hostIP', 'status.hostIPs', 'status.podIP', 'status.podIPs'];
const ENV_RESOURCE_PATHS = ['limits.cpu', 'limits.ephemeral-storage', 'limits.memory', 'requests.cpu', 'requests.ephemeral-storage', 'requests.memory'];

function validateEnv(vars: EnvVar[], path: string): FieldCause[] {
  const causes: FieldCause[] = [];
  vars.forEach((ev, i) => {
    const varPath = index(path, i);
    if (!ev.name) causes.push(required(child(varPath, 'name')));
    else causes.push(...envNameErrors(ev.name).map((msg) => invalid(child(varPath, 'name'), ev.name, msg)));
    causes.push(...validateEnvValueFrom(ev, child(varPath, 'valueFrom')));
  });
  return causes;
}

function validateEnvValueFrom(ev: EnvVar, path: string): FieldCause[] {
  if (!ev.valueFrom) return [];
  const causes: FieldCause[] = [];
  const from = ev.valueFrom;
  if (from.fieldRef) causes.push(...validateFieldRef(from.fieldRef, child(path, 'fieldRef')));
  if (from.resourceFieldRef) causes.push(...validateResourceFieldRef(from.resourceFieldRef.resource, child(path, 'resourceFieldRef')));
  if (from.configMapKeyRef) causes.push(...validateKeySelector(from.configMapKeyRef, child(path, 'configMapKeyRef')));
  if (from.secretKeyRef) causes.push(...validateKeySelector(from.secretKeyRef, child(path, 'secretKeyRef')));
  const sources = [from.fieldRef, from.resourceFieldRef, from.configMapKeyRef, from.secretKeyRef].filter((s) => s !== undefined).length;
  if (sources === 0) causes.push(invalid(path, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
  else if (ev.value) causes.push(invalid(path, '', 'may not be specified when `value` is not empty'));
  else if (sources > 1) causes.push(invalid(path, '', 'may not have more than one field specified at a time'));
  return causes;
}

function validateFieldRef(ref: { apiVersion?: string; fieldPath: string }, path: string): FieldCause[] {
  if (!ref.apiVersion) return [required(child(path, 'apiVersion'))];
  if (!ref.fieldPath) return [required(child(path, 'fieldPath'))];
  if (/^metadata\.(labels|annotations)\['[^']*'\]$/.test(ref.fieldPath)) return [];
  return ENV_FIELD_PATHS.includes(ref.fieldPath) ? [] : [notSupported(child(path, 'fieldPath'), ref.fieldPath, ENV_FIELD_PATHS)];
}

function validateResourceFieldRef(resource: string, path: string): FieldCause[] {
  if (!resource) return [required(child(path, 'resource'))];
  if (ENV_RESOURCE_PATHS.includes(resource) || /^(limits|requests)\.hugepages-/.test(resource)) return [];
  return [notSupported(child(path, 'resource'), resource, ENV_RESOURCE_PATHS)];
}

function validateKeySelector(ref: { name: string; key: string }, path: string): FieldCause[] {
  const causes = nameIsDNSSubdomain(ref.name ?? '', false).map((msg) => invalid(child(path, 'name'), ref.name ?? '', msg));
  if (!ref.key) causes.push(required(child(path, 'key')));
  else causes.push(...isConfigMapKey(ref.key).map((msg) => invalid(child(path, 'key'), ref.key, msg)));
  return causes;
}

function validateEnvFrom(sources: EnvFromSource[], path: string): FieldCause[] {
  const causes: FieldCause[] = [];
  sources.forEach((source, i) => {
    const sourcePath = index(path, i);
    if (source.prefix) causes.push(...envNameErrors(source.prefix).map((msg) => invalid(child(sourcePath, 'prefix'), source.prefix, msg)));
    const refs = [['configMapRef', source.configMapRef], ['secretRef', source.secretRef]] as const;
    for (const [kind, ref] of refs) if (ref) causes.push(...validateRefName(ref.name, child(child(sourcePath, kind), 'name')));
    const count = refs.filter(([, ref]) => ref !== undefined).length;
    if (count === 0) causes.push(invalid(path, '', 'must specify one of: `configMapRef` or `secretRef`'));
    else if (count > 1) causes.push(invalid(path, '', 'may not have more than one field specified at a time'));
  });
  return causes;
}

function validateRefName(name: string | undefined, field: string): FieldCause[] {
  if (!name) return [required(field)];
  return nameIsDNSSubdomain(name, true).map((msg) => invalid(field, name, msg));
}

function validateVolumeMounts(mounts: VolumeMount[], volumes: Set<string>, path: string): FieldCause[] {
  const causes: FieldCause[] = [];
  const mountPoints = new Set<string>();
  mounts.forEach((mount, i) => {
    const mountPath = index(path, i);
    if (!mount.name) causes.push(required(child(mountPath, 'name')));
    if (!volumes.has(mount.name)) causes.push(notFound(child(mountPath, 'name'), mount.name ?? ''));
    if (!mount.mountPath) causes.push(required(child(mountPath, 'mountPath')));
    if (mountPoints.has(mount.mountPath)) causes.push(invalid(child(mountPath, 'mountPath'), mount.mountPath, 'must be unique'));
    mountPoints.add(mount.mountPath);
    if (mount.subPath) causes.push(...validateLocalDescendingPath(mount.subPath, child(path, 'subPath')));
  });
  return causes;
}
