/**
 * The narrow container runtime the pod logic depends on (STYLE rule 10). The Docker
 * implementation lives in docker-runtime.ts; tests of pod logic use hand-written fakes.
 * Every call takes an AbortSignal and rejects with its reason once it is aborted.
 */

/** What the pod logic asks the runtime to create. Values are already validated. */
export interface ContainerSpec {
  /** Runtime-wide unique name, e.g. `k8s_app_web_default_<uid>_0`. */
  name: string;
  image: string;
  /** Replaces the image's ENTRYPOINT when set (Kubernetes `command`). */
  entrypoint?: string[];
  /** Replaces the image's CMD when set (Kubernetes `args`). */
  cmd?: string[];
  /** `NAME=value` pairs. */
  env: string[];
  workingDir?: string;
  labels: Record<string, string>;
  /** `container:<id>` to join another container's network namespace; omitted: the default network. */
  networkMode?: string;
  /** The address on the Docker network `networkMode` names (its IPAM then holds it); omitted: Docker picks one. */
  ipv4Address?: string;
  hostname?: string;
  /** `hostname:address` lines for the container's /etc/hosts. */
  extraHosts?: string[];
  memoryBytes?: number;
  cpuQuota?: number;
  cpuPeriod?: number;
  cpuShares?: number;
  cgroupParent?: string;
  /** Keep the process's stdin open for attaches (Kubernetes `stdin`); `stdinOnce` closes it when the first attach ends. */
  stdin?: boolean;
  stdinOnce?: boolean;
  /** Give the process a terminal (Kubernetes `tty`). */
  tty?: boolean;
  /** Host paths bind-mounted into the container (pod volumes); each source exists. */
  mounts?: ContainerMount[];
}

/** A bind mount of a host path (already prepared) at an absolute path in the container. */
export interface ContainerMount {
  source: string;
  target: string;
  readOnly: boolean;
}

export type ContainerStatusName = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';

/** One line of a container listing. */
export interface ContainerSummary {
  id: string;
  name: string;
  labels: Record<string, string>;
  status: ContainerStatusName;
  /** Address on the container's own Docker network, when the listing tells (none for a sandbox the agent attached itself). */
  ipAddress?: string;
}

/** A container's inspected state. Times are RFC 3339, absent when Docker reports none. */
export interface ContainerDetails extends ContainerSummary {
  /** The image as the spec named it. */
  image: string;
  /** The image's content id, `sha256:…`. */
  imageId: string;
  running: boolean;
  exitCode: number;
  oomKilled: boolean;
  /** Docker's message when the container could not start (e.g. executable not found). */
  error?: string;
  startedAt?: string;
  finishedAt?: string;
  /** Address on the container's own network (empty when it joins another's namespace). */
  ipAddress?: string;
  /** The signal `stop` should send first (the image's STOPSIGNAL, else SIGTERM). */
  stopSignal: string;
  /** The container's main process, as the host sees it, while it runs. */
  pid?: number;
}

export interface ImageDetails {
  id: string;
  repoDigests: string[];
  stopSignal?: string;
  /** Bytes, when the runtime tells (the kubelet's `Image size: N bytes.`). */
  size?: number;
}

/** A container lifecycle event from the runtime's event stream. */
export interface ContainerEvent {
  containerId: string;
  /** Docker's action: `start`, `die`, `oom`, `destroy`, ... */
  action: string;
  labels: Record<string, string>;
}

export interface StopOptions {
  /** Sent first; SIGKILL follows once `timeoutSeconds` have passed. */
  signal: string;
  timeoutSeconds: number;
}

/** Credentials for one pull (the kubelet's CRI AuthConfig, from a pod's image pull secrets). */
export interface RegistryAuth {
  username: string;
  password: string;
  email?: string;
}

/** Raised by `pullImage`; its message is fit for a pod's waiting message. */
export class ImagePullError extends Error {
  override readonly name = 'ImagePullError';
}

/** Raised by `createContainer` when the name is taken (a concurrent or earlier create). */
export class NameConflictError extends Error {
  override readonly name = 'NameConflictError';
}

export interface ExecOptions {
  /** The command is given up on after this long; rejects with ExecTimeoutError. */
  timeoutMs: number;
  signal: AbortSignal;
  /** Output kept (stdout and stderr interleaved); the rest is read and dropped. Default 10 KiB, as the kubelet's prober. */
  maxOutputBytes?: number;
}

export interface ExecResult {
  exitCode: number;
  /** Combined stdout and stderr, cut at `maxOutputBytes`. */
  output: string;
}

/** Raised by `exec` when its timeout passed first. The process may still be running in the container. */
export class ExecTimeoutError extends Error {
  override readonly name = 'ExecTimeoutError';
}

export interface ContainerRuntime {
  /** Undefined when the image is not present locally. */
  inspectImage(ref: string, signal: AbortSignal): Promise<ImageDetails | undefined>;
  /** Pulls within a bounded time, with the credentials when given; rejects with ImagePullError. */
  pullImage(ref: string, signal: AbortSignal, auth?: RegistryAuth): Promise<void>;
  /** Creates (does not start) a container; resolves its id. */
  createContainer(spec: ContainerSpec, signal: AbortSignal): Promise<string>;
  startContainer(id: string, signal: AbortSignal): Promise<void>;
  /** Signals, waits up to the timeout, then kills. Resolves once it is not running. A missing container is stopped. */
  stopContainer(id: string, opts: StopOptions, signal: AbortSignal): Promise<void>;
  /** Removes a stopped container; a missing one is already removed. */
  removeContainer(id: string, signal: AbortSignal): Promise<void>;
  /** All containers (running or not) carrying every given label (`key` or `key=value`). */
  listContainers(labels: string[], signal: AbortSignal): Promise<ContainerSummary[]>;
  /** Undefined when the container does not exist. */
  inspectContainer(id: string, signal: AbortSignal): Promise<ContainerDetails | undefined>;
  /**
   * Streams container events for containers carrying the labels until the signal aborts or
   * the stream breaks; resolves when it ends (callers re-subscribe and resync).
   */
  watchEvents(labels: string[], onEvent: (event: ContainerEvent) => void, signal: AbortSignal): Promise<void>;
  /**
   * Runs a command in a running container (`docker exec`, no tty, no stdin) and resolves its
   * exit code and output. Rejects with ExecTimeoutError after `timeoutMs`, with the signal's
   * reason when it aborts, and with an Error when the command could not be run at all.
   */
  exec(containerId: string, command: string[], opts: ExecOptions): Promise<ExecResult>;
}
