/**
 * Pod create validation (ValidatePodCreate → validatePodMetadataAndSpec → ValidatePodSpec),
 * for a pod already defaulted, as the API server validates after defaulting and admission.
 *
 * Deliberate differences: spec.affinity, securityContext and topology spread constraints are
 * not validated (pikube does not act on most of them); a negative
 * terminationGracePeriodSeconds is rejected (Kubernetes documents it as non-negative); host
 * ports that would not be published (SCTP, init containers') are refused, Kubernetes accepts them.
 */
import { isIPv4 } from 'node:net';
import type { Pod, PodSpec } from '../core-v1';
import { child, index } from './field-path';
import { forbidden, invalid, notSupported, required, type FieldCause } from './field-errors';
import { inclusiveRangeError, isDNS1123Label, nameIsDNSSubdomain } from './names';
import { validateLabels, validateNonnegative, validateObjectMeta } from './object-meta';
import { validateContainers, validateImageWhitespace, validateInitContainers } from './container-validation';
import { validateTolerations } from './toleration-validation';
import { validateVolumes } from './volume-validation';

const MAX_INT32 = 2 ** 31 - 1;
const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];
const DNS_POLICIES = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];
const PREEMPTION_POLICIES = ['PreemptLowerPriority', 'Never'];

/** Everything checked when a pod is created. */
export function validatePodCreate(pod: Pod): FieldCause[] {
  const causes = validatePodMetadataAndSpec(pod);
  if ((pod.spec?.ephemeralContainers as unknown[] | undefined)?.length) causes.push(forbidden('spec.ephemeralContainers', 'cannot be set on create'));
  const gates = pod.spec?.schedulingGates as unknown[] | undefined;
  if (pod.spec?.nodeName && gates?.length) causes.push(forbidden('spec.nodeName', 'cannot be set until all schedulingGates have been cleared'));
  return causes;
}

/** Metadata, spec, and the checks that apply to pods but not to pod templates. */
export function validatePodMetadataAndSpec(pod: Pod): FieldCause[] {
  const spec: PodSpec = pod.spec ?? ({ containers: [] } as PodSpec);
  return [
    ...validateObjectMeta(pod.metadata ?? {}, true, nameIsDNSSubdomain),
    ...validatePodSpec(spec, 'spec'),
    ...(spec.containers ?? []).flatMap((c, i) => validateImageWhitespace(c, index('spec.containers', i))),
    ...(spec.initContainers ?? []).flatMap((c, i) => validateImageWhitespace(c, index('spec.initContainers', i))),
  ];
}

export function validatePodSpec(spec: PodSpec, path: string): FieldCause[] {
  const causes: FieldCause[] = [];
  const gracePeriod = spec.terminationGracePeriodSeconds;
  if (gracePeriod === undefined || gracePeriod === null) causes.push(required(child(path, 'terminationGracePeriodSeconds')));
  else causes.push(...validateNonnegative(gracePeriod, child(path, 'terminationGracePeriodSeconds')));
  const volumes = validateVolumes(spec.volumes, child(path, 'volumes'));
  const ctx = { volumes: volumes.names, gracePeriod: gracePeriod ?? undefined };
  causes.push(...volumes.causes);
  causes.push(...validateContainers(spec.containers, ctx, child(path, 'containers')));
  causes.push(...validateInitContainers(spec.initContainers, spec.containers, ctx, child(path, 'initContainers')));
  causes.push(...validateHostPorts(spec, path));
  causes.push(...validateEnum(spec.restartPolicy ?? '', RESTART_POLICIES, child(path, 'restartPolicy')));
  causes.push(...validateEnum(spec.dnsPolicy ?? '', DNS_POLICIES, child(path, 'dnsPolicy')));
  causes.push(...validateLabels(spec.nodeSelector, child(path, 'nodeSelector')));
  causes.push(...validateDNSConfig(spec, child(path, 'dnsConfig')));
  causes.push(...validateReferences(spec, path));
  causes.push(...validateActiveDeadline(spec.activeDeadlineSeconds, child(path, 'activeDeadlineSeconds')));
  causes.push(...validateTolerations(spec.tolerations, child(path, 'tolerations')));
  if (spec.preemptionPolicy !== undefined) causes.push(...validateEnum(spec.preemptionPolicy, PREEMPTION_POLICIES, child(path, 'preemptionPolicy')));
  return causes;
}

/** Required when empty, else one of the supported values. */
function validateEnum(value: string, supported: string[], field: string): FieldCause[] {
  if (value === '') return [required(field)];
  return supported.includes(value) ? [] : [notSupported(field, value, supported)];
}

/**
 * With hostNetwork a pod's hostPort must equal its containerPort. Without it, the agent
 * publishes host ports with a DNAT on the node (agent/network/host-port-rules.ts, the CNI
 * portmap plugin's way) for TCP and UDP; what it would not publish is refused rather than
 * accepted and never reachable: SCTP, and init containers' host ports (the kubelet maps only
 * `containers`). pikube is IPv4-only, so a hostIP must be an IPv4 address.
 */
function validateHostPorts(spec: PodSpec, path: string): FieldCause[] {
  const ports = (list: PodSpec['containers'] | undefined, name: string) => (list ?? []).flatMap((ctr, ci) => (ctr.ports ?? [])
    .map((port, pi) => ({ port, name, at: index(child(index(child(path, name), ci), 'ports'), pi) })));
  const all = [...ports(spec.initContainers, 'initContainers'), ...ports(spec.containers, 'containers')];
  const causes = all.filter(({ port }) => port.hostIP && !isIPv4(port.hostIP)).map(({ port, at }) => invalid(child(at, 'hostIP'), port.hostIP, 'must be a valid IPv4 address'));
  const published = all.filter(({ port }) => (port.hostPort ?? 0) > 0);
  if (spec.hostNetwork) {
    return causes.concat(published.filter(({ port, name }) => name === 'containers' && port.hostPort !== port.containerPort)
      .map(({ port, at }) => invalid(child(at, 'hostPort'), port.hostPort ?? 0, 'must match `containerPort` when `hostNetwork` is true')));
  }
  return causes.concat(published.flatMap(({ port, name, at }) => {
    if (name === 'initContainers') return [forbidden(child(at, 'hostPort'), 'init containers\' host ports are not published (only `containers` ports are): use a NodePort Service, or hostNetwork: true')];
    return port.protocol === 'SCTP' ? [forbidden(child(at, 'hostPort'), 'SCTP host ports are not published by pikube: use TCP or UDP')] : [];
  }));
}

function validateDNSConfig(spec: PodSpec, path: string): FieldCause[] {
  const config = spec.dnsConfig;
  if (spec.dnsPolicy === 'None') {
    if (!config) return [required(path, 'must provide `dnsConfig` when `dnsPolicy` is None')];
    if (!config.nameservers?.length) return [required(child(path, 'nameservers'), 'must provide at least one DNS nameserver when `dnsPolicy` is None')];
  }
  const causes: FieldCause[] = [];
  if ((config?.nameservers?.length ?? 0) > 3) causes.push(invalid(child(path, 'nameservers'), config?.nameservers, 'must not have more than 3 nameservers'));
  if ((config?.searches?.length ?? 0) > 32) causes.push(invalid(child(path, 'searches'), config?.searches, 'must not have more than 32 search paths'));
  (config?.options ?? []).forEach((o, i) => {
    if (!o.name) causes.push(required(index(child(path, 'options'), i), 'must not be empty'));
  });
  return causes;
}

/** Names that refer to other objects, and the pod's own DNS names. */
function validateReferences(spec: PodSpec, path: string): FieldCause[] {
  const causes: FieldCause[] = [];
  const subdomainFields = ['serviceAccountName', 'nodeName', 'priorityClassName'] as const;
  for (const f of subdomainFields) {
    const value = spec[f];
    if (value) causes.push(...nameIsDNSSubdomain(value, false).map((msg) => invalid(child(path, f), value, msg)));
  }
  for (const f of ['hostname', 'subdomain'] as const) {
    const value = spec[f];
    if (value) causes.push(...isDNS1123Label(value).map((msg) => invalid(child(path, f), value, msg)));
  }
  return causes;
}

function validateActiveDeadline(value: number | undefined, field: string): FieldCause[] {
  if (value === undefined || value === null) return [];
  return value < 1 || value > MAX_INT32 ? [invalid(field, value, inclusiveRangeError(1, MAX_INT32))] : [];
}
