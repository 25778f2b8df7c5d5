/**
 * A pod's containers as runtime specs: the pause container holding the pod's network
 * namespace, and each app container joining it, with its image, command, env, working dir,
 * ports (informational) and cgroup limits, labelled for re-adoption.
 */
import { createHash } from 'node:crypto';
import type { Container, Pod } from '../../api/core-v1';
import type { ContainerSpec } from '../runtime/container-runtime';
import { cgroupResources } from './container-resources';
import { resolveEnv, type EnvContext } from './container-env';
import { atMostOneLabels, dockerName, labelsFor, POD_IP_LABEL, SANDBOX_NAME, type ContainerIdentity } from './docker-labels';
import { expandVars } from './env-expansion';

/** Docker's network of a sandbox the agent attaches itself (`--sandbox-network veth`). */
export const NO_NETWORK = 'none';

export interface SandboxContext {
  pauseImage: string;
  cgroupParent: string;
  /** Sandbox generation: 0, then +1 each time the pause container is recreated. */
  attempt: number;
  gracePeriodSeconds: number;
  /** The Docker network of the pod network (sandbox-network.ts); absent: Docker's default bridge. */
  networkName?: string;
  /**
   * The address the agent leased for the sandbox, kept in a label for re-adoption: on Docker's
   * `none` network the agent attaches it itself (a veth) and /etc/hosts gets the pod's
   * hostname line that Docker writes only for its own networks; on a Docker network, Docker's
   * IPAM is told to use it.
   */
  podIP?: string;
}

export interface AppContext extends EnvContext {
  /** The image as resolved by the pull step (tag added). */
  imageRef: string;
  cgroupParent: string;
  sandboxId: string;
  restartCount: number;
  gracePeriodSeconds: number;
}

export type SpecResult = { ok: true; spec: ContainerSpec } | { ok: false; reason: 'CreateContainerConfigError'; message: string };

/** The pod's hostname: spec.hostname, else the pod name cut to a DNS label. */
export function podHostname(pod: Pod): string {
  return (pod.spec.hostname ?? pod.metadata.name ?? '').slice(0, 63).replace(/[-.]+$/, '');
}

function identity(pod: Pod, containerName: string, kind: ContainerIdentity['kind'], restartCount: number, grace: number, hash?: string): ContainerIdentity {
  const { uid = '', name = '', namespace = 'default' } = pod.metadata;
  return { podUid: uid, podName: name, podNamespace: namespace, containerName, kind, restartCount, hash, gracePeriodSeconds: grace };
}

export function sandboxSpec(pod: Pod, ctx: SandboxContext): ContainerSpec {
  const id = identity(pod, SANDBOX_NAME, 'podsandbox', ctx.attempt, ctx.gracePeriodSeconds);
  const labels = { ...labelsFor(id), ...atMostOneLabels(pod), ...(ctx.podIP ? { [POD_IP_LABEL]: ctx.podIP } : {}) };
  const spec: ContainerSpec = { name: dockerName(id), image: ctx.pauseImage, env: [], labels, cgroupParent: ctx.cgroupParent };
  // A hostNetwork pod lives in the node's network namespace and keeps the node's hostname.
  if (pod.spec.hostNetwork) spec.networkMode = 'host';
  else {
    spec.hostname = podHostname(pod);
    if (ctx.networkName) spec.networkMode = ctx.networkName;
    if (ctx.podIP && ctx.networkName === NO_NETWORK) spec.extraHosts = [`${spec.hostname}:${ctx.podIP}`];
    else if (ctx.podIP && ctx.networkName) spec.ipv4Address = ctx.podIP;
  }
  return spec;
}

/** Sorted-key JSON: the same spec hashes the same whatever order its keys arrived in. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** The config hash recorded on a container: a changed spec means the container is replaced. */
export function containerHash(container: Container): string {
  return createHash('sha256').update(canonicalJson(container)).digest('hex').slice(0, 16);
}

function nonEmpty(list: string[] | undefined): string[] | undefined {
  return list && list.length > 0 ? list : undefined;
}

export function appContainerSpec(pod: Pod, container: Container, ctx: AppContext): SpecResult {
  const env = resolveEnv(container, ctx);
  if (!env.ok) return { ok: false, reason: 'CreateContainerConfigError', message: env.message };
  const resources = cgroupResources(container.resources);
  if (resources instanceof Error) return { ok: false, reason: 'CreateContainerConfigError', message: resources.message };
  const expand = (s: string): string => expandVars(s, (name) => env.env.get(name));
  const id = identity(pod, container.name, 'container', ctx.restartCount, ctx.gracePeriodSeconds, containerHash(container));
  const spec: ContainerSpec = {
    name: dockerName(id),
    image: ctx.imageRef,
    entrypoint: nonEmpty(container.command)?.map(expand),
    cmd: nonEmpty(container.args)?.map(expand),
    env: [...env.env].map(([k, v]) => `${k}=${v}`),
    workingDir: container.workingDir || undefined,
    labels: { ...labelsFor(id), ...atMostOneLabels(pod) },
    // container.ports stay informational, as in Kubernetes: Docker refuses exposed ports on a
    // container that joins another's network, and hostPort is the proxy's job.
    networkMode: `container:${ctx.sandboxId}`,
    ...resources,
    cgroupParent: ctx.cgroupParent,
    // `kubectl attach` / `run -it`: a stdin kept open (closed after the first attach with stdinOnce) and a terminal.
    stdin: container.stdin === true,
    stdinOnce: container.stdin === true && container.stdinOnce === true,
    tty: container.tty === true,
  };
  return { ok: true, spec };
}
