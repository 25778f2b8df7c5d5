/**
 * The narrow runtime the logs and exec streams need (STYLE rule 10): a container's log as a
 * byte stream, and an interactive exec. docker-streams.ts implements it with dockerode; the
 * stream logic above it is tested with fakes. Calls take an AbortSignal; aborting one ends
 * the stream it opened.
 */
import type { Duplex, Readable } from 'node:stream';
import type { ContainerRuntime } from '../runtime/container-runtime';

export interface LogOptions {
  follow: boolean;
  timestamps: boolean;
  /** Lines from the end; undefined for all. */
  tailLines?: number;
  /** Only entries at or after this time (Unix milliseconds). */
  sinceUnixMs?: number;
}

/** Docker's framing: multiplexed (stdcopy) unless the container has a TTY, then raw bytes. */
export interface RawOutput {
  tty: boolean;
  stream: Readable;
}

export interface ExecOptions {
  command: string[];
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

export interface ExecProcess extends RawOutput {
  /** The process's stdin (when asked for); `end()` closes it. Reading gives the raw output. */
  stream: Duplex;
  resize(width: number, height: number): Promise<void>;
  /** The exit code, once the output has ended (the process may take a moment longer). */
  exitCode(signal: AbortSignal): Promise<number>;
}

/** Where a pod's ports are reached from the node. */
export type PodAddress =
  | { kind: 'ip'; address: string }
  /** A hostNetwork pod shares the node's network namespace: its ports are the node's loopback. */
  | { kind: 'hostNetwork' }
  /** No running sandbox (pause container) for the pod on this node. */
  | { kind: 'none' };

export interface ContainerStreams extends Pick<ContainerRuntime, 'listContainers'> {
  /** Rejects when the container does not exist. */
  logs(containerId: string, opts: LogOptions, signal: AbortSignal): Promise<RawOutput>;
  /** Creates and starts the exec; rejects when the container is not running. */
  exec(containerId: string, opts: ExecOptions, signal: AbortSignal): Promise<ExecProcess>;
  /**
   * Attaches to the running container's main process (Docker's attach: its stdin when the
   * container keeps one open, its output from now on). The output ends when the process exits;
   * its framing follows the container's own TTY setting, whatever the request asked for.
   */
  attach(containerId: string, opts: Omit<ExecOptions, 'command'>, signal: AbortSignal): Promise<ExecProcess>;
  /** The pod's address from its running sandbox container. */
  podAddress(podUid: string, signal: AbortSignal): Promise<PodAddress>;
}
