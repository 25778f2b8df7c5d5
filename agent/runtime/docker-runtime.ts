/**
 * ContainerRuntime over the Docker Engine API (dockerode). Speaks API 1.41 (Docker 20.10,
 * Debian's docker.io): `stop` with a custom signal is done as kill + wait + kill, since the
 * stop endpoint's `signal` parameter needs 1.42.
 */
import { Writable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import type Docker from 'dockerode';
import type { ContainerCreateOptions, ContainerInspectInfo, ContainerInfo } from 'dockerode';
import { withTimeout } from '../../api/abort-timeout';
import { sliceNameOf } from '../cgroups/systemd-slice';
import {
  ExecTimeoutError, ImagePullError, NameConflictError, type RegistryAuth,
  type ContainerDetails, type ContainerEvent, type ContainerRuntime, type ContainerSpec,
  type ContainerStatusName, type ContainerSummary, type ExecOptions, type ExecResult, type ImageDetails, type StopOptions,
} from './container-runtime';

export interface DockerRuntimeOptions {
  /** Upper bound for one image pull (default 5 min; a Pi on a slow link needs minutes). */
  pullTimeoutMs?: number;
  /** How long to wait for a container to die after SIGKILL (default 30 s). */
  killTimeoutMs?: number;
}

/** Docker's "never" timestamp. */
const ZERO_TIME = '0001-01-01T00:00:00Z';

function statusCode(err: unknown): number | undefined {
  const code = (err as { statusCode?: unknown } | null)?.statusCode;
  return typeof code === 'number' ? code : undefined;
}

/** Docker's own words, without docker-modem's "(HTTP code 500) server error - " prefix. */
function message(err: unknown): string {
  const json = (err as { json?: { message?: unknown } } | null)?.json;
  if (json && typeof json.message === 'string') return json.message.trim();
  const text = err instanceof Error ? err.message : String(err);
  return text.replace(/^\(HTTP code \d+\) [a-z ]+ - /, '').trim();
}

/** The registry host of a reference (Docker Hub when the first part is no host). */
function registryHostOf(ref: string): string {
  const first = ref.split('/')[0];
  return ref.includes('/') && (/[.:]/.test(first) || first === 'localhost') ? first : 'https://index.docker.io/v1/';
}

function time(value: string | undefined): string | undefined {
  return value && value !== ZERO_TIME ? value : undefined;
}

/** The address of the container on its first network (the pod network). */
function ipOf(info: ContainerInspectInfo): string | undefined {
  const settings = info.NetworkSettings as ContainerInspectInfo['NetworkSettings'] & { IPAddress?: string };
  if (settings.IPAddress) return settings.IPAddress;
  const nets = Object.values(settings.Networks ?? {});
  return nets.find((n) => n.IPAddress)?.IPAddress || undefined;
}

function summaryOf(c: ContainerInfo): ContainerSummary {
  const ipAddress = Object.values(c.NetworkSettings?.Networks ?? {}).find((n) => n.IPAddress)?.IPAddress || undefined;
  return { id: c.Id, name: (c.Names[0] ?? '').replace(/^\//, ''), labels: c.Labels ?? {}, status: c.State as ContainerStatusName, ...(ipAddress ? { ipAddress } : {}) };
}

function detailsOf(info: ContainerInspectInfo): ContainerDetails {
  const config = info.Config as ContainerInspectInfo['Config'] & { StopSignal?: string };
  return {
    id: info.Id,
    name: info.Name.replace(/^\//, ''),
    labels: config.Labels ?? {},
    status: info.State.Status as ContainerStatusName,
    image: config.Image,
    imageId: info.Image,
    running: info.State.Running,
    exitCode: info.State.ExitCode,
    oomKilled: info.State.OOMKilled,
    error: info.State.Error || undefined,
    startedAt: time(info.State.StartedAt),
    finishedAt: time(info.State.FinishedAt),
    ipAddress: ipOf(info),
    stopSignal: config.StopSignal || 'SIGTERM',
    ...(info.State.Running && info.State.Pid > 0 ? { pid: info.State.Pid } : {}),
  };
}

function createOptions(spec: ContainerSpec): ContainerCreateOptions {
  return {
    name: spec.name,
    Image: spec.image,
    Entrypoint: spec.entrypoint,
    Cmd: spec.cmd,
    Env: spec.env,
    WorkingDir: spec.workingDir,
    Labels: spec.labels,
    OpenStdin: spec.stdin,
    StdinOnce: spec.stdinOnce,
    Tty: spec.tty,
    Hostname: spec.networkMode?.startsWith('container:') ? undefined : spec.hostname,
    HostConfig: {
      NetworkMode: spec.networkMode,
      Memory: spec.memoryBytes,
      // Kubernetes runs without swap: the limit covers memory+swap (ignored where swap accounting is off).
      MemorySwap: spec.memoryBytes,
      CpuQuota: spec.cpuQuota,
      CpuPeriod: spec.cpuPeriod,
      CpuShares: spec.cpuShares,
      CgroupParent: spec.cgroupParent,
      RestartPolicy: { Name: 'no' },
      Mounts: spec.mounts?.map((m) => ({ Type: 'bind' as const, Source: m.source, Target: m.target, ReadOnly: m.readOnly })),
      ExtraHosts: spec.extraHosts,
    },
    ...(spec.ipv4Address && spec.networkMode ? { NetworkingConfig: { EndpointsConfig: { [spec.networkMode]: { IPAMConfig: { IPv4Address: spec.ipv4Address } } } } } : {}),
  };
}

export class DockerRuntime implements ContainerRuntime {
  private readonly pullTimeoutMs: number;
  private readonly killTimeoutMs: number;
  private cgroupDriver: string | undefined;

  constructor(private readonly docker: Docker, opts: DockerRuntimeOptions = {}) {
    this.pullTimeoutMs = opts.pullTimeoutMs ?? 300_000;
    this.killTimeoutMs = opts.killTimeoutMs ?? 30_000;
  }

  async inspectImage(ref: string, signal: AbortSignal): Promise<ImageDetails | undefined> {
    signal.throwIfAborted();
    try {
      const info = await this.docker.getImage(ref).inspect({ abortSignal: signal } as Docker.ImageInspectOptions);
      const stop = (info.Config as { StopSignal?: string } | undefined)?.StopSignal;
      return { id: info.Id, repoDigests: info.RepoDigests ?? [], stopSignal: stop || undefined, size: typeof info.Size === 'number' ? info.Size : undefined };
    } catch (err) {
      if (statusCode(err) === 404) return undefined;
      throw err;
    }
  }

  async pullImage(ref: string, signal: AbortSignal, auth?: RegistryAuth): Promise<void> {
    signal.throwIfAborted();
    const bounded = withTimeout(signal, this.pullTimeoutMs);
    try {
      // dockerode sends `authconfig` as the X-Registry-Auth header of the pull.
      const authconfig = auth ? { username: auth.username, password: auth.password, email: auth.email, serveraddress: registryHostOf(ref) } : undefined;
      const stream = await this.docker.pull(ref, { abortSignal: bounded, ...(authconfig ? { authconfig } : {}) });
      const failure = await this.followPull(stream);
      if (failure) throw new ImagePullError(failure);
    } catch (err) {
      signal.throwIfAborted();
      if (err instanceof ImagePullError) throw err;
      if (bounded.aborted) throw new ImagePullError(`pull of "${ref}" timed out after ${this.pullTimeoutMs} ms`);
      throw new ImagePullError(message(err));
    }
    signal.throwIfAborted();
    if (bounded.aborted) throw new ImagePullError(`pull of "${ref}" timed out after ${this.pullTimeoutMs} ms`);
  }

  /** Resolves the first error message in the pull's progress stream, or undefined. */
  private followPull(stream: NodeJS.ReadableStream): Promise<string | undefined> {
    return new Promise((resolve, reject) => {
      this.docker.modem.followProgress(stream, (err: Error | null, output: { error?: string }[]) => {
        if (err) reject(err);
        else resolve(output.find((o) => o.error)?.error);
      });
    });
  }

  /** The daemon's cgroup driver (`cgroupfs` or `systemd`), asked once. */
  private async driver(signal: AbortSignal): Promise<string> {
    if (this.cgroupDriver === undefined) {
      const info = (await (this.docker as unknown as { info(o: object): Promise<{ CgroupDriver?: string }> }).info({ abortSignal: signal }));
      this.cgroupDriver = info.CgroupDriver ?? 'cgroupfs';
    }
    return this.cgroupDriver;
  }

  async createContainer(spec: ContainerSpec, signal: AbortSignal): Promise<string> {
    signal.throwIfAborted();
    const options = createOptions(spec);
    if (spec.cgroupParent && options.HostConfig && (await this.driver(signal)) === 'systemd') options.HostConfig.CgroupParent = sliceNameOf(spec.cgroupParent);
    try {
      const container = await this.docker.createContainer({ ...options, abortSignal: signal } as ContainerCreateOptions);
      return container.id;
    } catch (err) {
      if (statusCode(err) === 409) throw new NameConflictError(message(err));
      throw err;
    }
  }

  async startContainer(id: string, signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    try {
      await this.docker.getContainer(id).start({ abortSignal: signal });
    } catch (err) {
      if (statusCode(err) !== 304) throw new Error(message(err)); // 304: already started
    }
  }

  async stopContainer(id: string, opts: StopOptions, signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    if (opts.timeoutSeconds > 0 && opts.signal !== 'SIGKILL') {
      if (!(await this.kill(id, opts.signal, signal))) return;
      if (await this.waitNotRunning(id, opts.timeoutSeconds * 1000, signal)) return;
    }
    if (!(await this.kill(id, 'SIGKILL', signal))) return;
    if (!(await this.waitNotRunning(id, this.killTimeoutMs, signal))) throw new Error(`container ${id} still running ${this.killTimeoutMs} ms after SIGKILL`);
  }

  /** False when there was nothing to signal (not running, or gone). */
  private async kill(id: string, sig: string, signal: AbortSignal): Promise<boolean> {
    try {
      await this.docker.getContainer(id).kill({ signal: sig, abortSignal: signal });
      return true;
    } catch (err) {
      if (statusCode(err) === 404 || statusCode(err) === 409) return false;
      throw err;
    }
  }

  /** True once the container is not running; false when `ms` passed first. */
  private async waitNotRunning(id: string, ms: number, signal: AbortSignal): Promise<boolean> {
    try {
      await this.docker.getContainer(id).wait({ condition: 'not-running', abortSignal: withTimeout(signal, ms) });
      return true;
    } catch (err) {
      signal.throwIfAborted();
      if (statusCode(err) === 404) return true;
      const state = await this.inspectContainer(id, signal);
      if (!state || !state.running) return true;
      return false;
    }
  }

  async removeContainer(id: string, signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    try {
      await this.docker.getContainer(id).remove({ v: true, force: false, abortSignal: signal });
    } catch (err) {
      if (statusCode(err) === 404) return;
      // 409 "removal already in progress" ends the same way.
      if (statusCode(err) === 409 && /already in progress/.test(message(err))) return;
      throw new Error(message(err));
    }
  }

  async listContainers(labels: string[], signal: AbortSignal): Promise<ContainerSummary[]> {
    signal.throwIfAborted();
    const list = await this.docker.listContainers({ all: true, filters: { label: labels }, abortSignal: signal });
    return list.map(summaryOf);
  }

  async inspectContainer(id: string, signal: AbortSignal): Promise<ContainerDetails | undefined> {
    signal.throwIfAborted();
    try {
      return detailsOf(await this.docker.getContainer(id).inspect({ abortSignal: signal }));
    } catch (err) {
      if (statusCode(err) === 404) return undefined;
      throw err;
    }
  }

  async watchEvents(labels: string[], onEvent: (event: ContainerEvent) => void, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return;
    const filters = { type: ['container' as const], label: labels };
    let stream: NodeJS.ReadableStream;
    try {
      stream = await this.docker.getEvents({ filters, abortSignal: signal } as Docker.GetEventsOptions);
    } catch (err) {
      if (signal.aborted) return;
      throw err;
    }
    await readEvents(stream, onEvent);
  }

  async exec(containerId: string, command: string[], opts: ExecOptions): Promise<ExecResult> {
    opts.signal.throwIfAborted();
    const bounded = withTimeout(opts.signal, opts.timeoutMs);
    try {
      const exec = await this.docker.getContainer(containerId).exec({ Cmd: command, AttachStdout: true, AttachStderr: true, abortSignal: bounded });
      const stream = await exec.start({ hijack: true, stdin: false, abortSignal: bounded });
      const output = await this.readExecOutput(stream, opts.maxOutputBytes ?? DEFAULT_EXEC_OUTPUT_BYTES, bounded);
      return { exitCode: await execExitCode(exec, bounded), output };
    } catch (err) {
      opts.signal.throwIfAborted();
      if (bounded.aborted) throw new ExecTimeoutError(`command ${JSON.stringify(command.join(' '))} timed out`);
      throw new Error(message(err));
    }
  }

  /** Demultiplexes stdout and stderr into one bounded buffer until the stream ends or the signal aborts. */
  private readExecOutput(stream: NodeJS.ReadWriteStream, maxBytes: number, signal: AbortSignal): Promise<string> {
    const sink = new BoundedSink(maxBytes);
    return new Promise((resolve, reject) => {
      const finish = (err?: unknown): void => {
        signal.removeEventListener('abort', onAbort);
        if (err) reject(err);
        else resolve(sink.text());
      };
      const onAbort = (): void => {
        (stream as unknown as { destroy(): void }).destroy();
        finish(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      stream.once('end', () => finish());
      stream.once('close', () => finish());
      stream.once('error', (err) => finish(err));
      this.docker.modem.demuxStream(stream, sink, sink);
    });
  }
}

const DEFAULT_EXEC_OUTPUT_BYTES = 10 * 1024;

/** Keeps the first `maxBytes` written to it and drops the rest. */
class BoundedSink extends Writable {
  private readonly chunks: Buffer[] = [];
  private size = 0;

  constructor(private readonly maxBytes: number) {
    super();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    const room = this.maxBytes - this.size;
    if (room > 0) {
      const kept = chunk.subarray(0, room);
      this.chunks.push(kept);
      this.size += kept.length;
    }
    done();
  }

  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

/** The exec's exit code: Docker may report the output's end a moment before the process's. */
async function execExitCode(exec: Docker.Exec, signal: AbortSignal): Promise<number> {
  for (;;) {
    const info = await exec.inspect({ abortSignal: signal } as object);
    if (!info.Running && info.ExitCode !== null) return info.ExitCode;
    await delay(20, undefined, { signal });
  }
}

interface DockerEventMessage {
  Type?: string;
  Action?: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
}

/** Reads newline-delimited JSON events until the stream ends, errors or is aborted. */
function readEvents(stream: NodeJS.ReadableStream, onEvent: (event: ContainerEvent) => void): Promise<void> {
  return new Promise((resolve) => {
    let buffer = '';
    const onData = (chunk: Buffer | string): void => {
      buffer += chunk.toString();
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline).trim();
        buffer = buffer.slice(newline + 1);
        if (line) deliver(line, onEvent);
      }
    };
    const done = (): void => {
      stream.removeListener('data', onData);
      stream.removeListener('end', done);
      stream.removeListener('close', done);
      stream.removeListener('error', done);
      resolve();
    };
    // Stays attached: a destroyed stream may report an error after we stopped reading.
    stream.on('error', () => undefined);
    stream.on('data', onData);
    stream.on('end', done);
    stream.on('close', done);
    stream.on('error', done);
  });
}

function deliver(line: string, onEvent: (event: ContainerEvent) => void): void {
  let msg: DockerEventMessage;
  try {
    msg = JSON.parse(line) as DockerEventMessage;
  } catch {
    return; // a torn line: the periodic resync covers what it would have told us
  }
  if (msg.Type !== 'container' || !msg.Actor?.ID || !msg.Action) return;
  onEvent({ containerId: msg.Actor.ID, action: msg.Action, labels: msg.Actor.Attributes ?? {} });
}
