/**
 * ContainerStreams over the Docker Engine API. Logs are always read as a stream (dockerode
 * buffers a non-follow log whole; a Pi cannot afford that for a chatty container), so the
 * request is dialed through the modem directly. Exec is hijacked: one raw connection carries
 * stdin one way and the (multiplexed, or raw with a TTY) output the other.
 */
import type { Duplex, Readable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import type Docker from 'dockerode';
import type { ContainerSummary, ContainerStatusName } from '../runtime/container-runtime';
import { identityOf, podFilter, POD_IP_LABEL } from '../pods/docker-labels';
import type { ContainerStreams, ExecOptions, ExecProcess, LogOptions, PodAddress, RawOutput } from './container-streams';

interface Modem {
  dial(options: object, callback: (err: Error | null, data: unknown) => void): void;
}

function dial<T>(modem: Modem, options: object): Promise<T> {
  return new Promise((resolve, reject) => modem.dial(options, (err, data) => (err ? reject(err) : resolve(data as T))));
}

/** Docker's `since`: seconds since the epoch, with a fraction. */
function sinceParam(unixMs: number | undefined): string | undefined {
  return unixMs === undefined ? undefined : (unixMs / 1000).toFixed(3);
}

/** Ends `stream` when the signal aborts (the modem's own abort does not reach a response already streaming). */
function destroyOnAbort<T extends Readable>(stream: T, signal: AbortSignal): T {
  const onAbort = (): void => void stream.destroy();
  if (signal.aborted) onAbort();
  signal.addEventListener('abort', onAbort, { once: true });
  stream.once('close', () => signal.removeEventListener('abort', onAbort));
  return stream;
}

export class DockerStreams implements ContainerStreams {
  constructor(private readonly docker: Docker) {}

  async listContainers(labels: string[], signal: AbortSignal): Promise<ContainerSummary[]> {
    const list = await this.docker.listContainers({ all: true, filters: { label: labels }, abortSignal: signal } as Docker.ContainerListOptions);
    return list.map((c) => ({ id: c.Id, name: (c.Names[0] ?? '').replace(/^\//, ''), labels: c.Labels ?? {}, status: c.State as ContainerStatusName }));
  }

  async logs(containerId: string, opts: LogOptions, signal: AbortSignal): Promise<RawOutput> {
    const info = await this.docker.getContainer(containerId).inspect({ abortSignal: signal } as object);
    const query: Record<string, string | number | boolean> = { stdout: true, stderr: true, follow: opts.follow, timestamps: opts.timestamps, tail: opts.tailLines ?? 'all' };
    const since = sinceParam(opts.sinceUnixMs);
    if (since !== undefined) query.since = since;
    const stream = await dial<Readable>(this.docker.modem as Modem, {
      path: `/containers/${containerId}/logs?`, method: 'GET', isStream: true, abortSignal: signal, options: query,
      statusCodes: { 200: true, 404: 'no such container', 500: 'server error' },
    });
    return { tty: Boolean(info.Config.Tty), stream: destroyOnAbort(stream, signal) };
  }

  async attach(containerId: string, opts: Omit<ExecOptions, 'command'>, signal: AbortSignal): Promise<ExecProcess> {
    const container = this.docker.getContainer(containerId);
    const info = await container.inspect({ abortSignal: signal } as object);
    const stream = (await container.attach({ stream: true, hijack: true, stdin: opts.stdin, stdout: opts.stdout, stderr: opts.stderr, abortSignal: signal } as Docker.ContainerAttachOptions)) as unknown as Duplex;
    return {
      tty: Boolean(info.Config.Tty),
      stream: destroyOnAbort(stream, signal),
      resize: async (width, height) => void (await container.resize({ w: width, h: height })),
      // The kubelet reports no exit code for an attach: the session ends when the process's output does.
      exitCode: async () => 0,
    };
  }

  async podAddress(podUid: string, signal: AbortSignal): Promise<PodAddress> {
    const sandboxes = (await this.listContainers(podFilter(podUid), signal))
      .filter((c) => c.status === 'running' && identityOf(c.labels)?.kind === 'podsandbox');
    if (sandboxes.length === 0) return { kind: 'none' };
    const info = await this.docker.getContainer(sandboxes[0].id).inspect({ abortSignal: signal } as object);
    if (info.HostConfig.NetworkMode === 'host') return { kind: 'hostNetwork' };
    // A sandbox the agent attached itself (veth) has its address in a label, not in Docker's settings.
    const address = Object.values(info.NetworkSettings.Networks ?? {}).find((n) => n.IPAddress)?.IPAddress || sandboxes[0].labels[POD_IP_LABEL];
    return address ? { kind: 'ip', address } : { kind: 'none' };
  }

  async exec(containerId: string, opts: ExecOptions, signal: AbortSignal): Promise<ExecProcess> {
    const exec = await this.docker.getContainer(containerId).exec({
      Cmd: opts.command, AttachStdin: opts.stdin, AttachStdout: opts.stdout, AttachStderr: opts.stderr, Tty: opts.tty, abortSignal: signal,
    } as Docker.ExecCreateOptions);
    const stream = (await exec.start({ hijack: true, stdin: opts.stdin, Tty: opts.tty, abortSignal: signal } as Docker.ExecStartOptions)) as Duplex;
    return {
      tty: opts.tty,
      stream: destroyOnAbort(stream, signal),
      resize: async (width, height) => void (await exec.resize({ w: width, h: height })),
      exitCode: (s) => execExitCode(exec, s),
    };
  }
}

/** Docker may report the output's end a moment before the process's exit. */
async function execExitCode(exec: Docker.Exec, signal: AbortSignal): Promise<number> {
  for (;;) {
    const info = await exec.inspect({ abortSignal: signal } as object);
    if (!info.Running && info.ExitCode !== null) return info.ExitCode;
    await delay(20, undefined, { signal });
  }
}
