/**
 * `pods/{name}/exec` query parameters → PodExecOptions: `command` (repeated, one argv entry
 * each), `container`, `stdin`, `stdout`, `stderr`, `tty`. As the kubelet: a TTY merges
 * stderr into stdout, and at least one stream is required. The URL's size bounds the command.
 */
import { badRequest } from '../../api/errors';
import type { PodExecParams } from './pod-stream-provider';
import { booleanParam } from './request-options';

/** PodExecParams before the container is resolved against the pod: an empty `container` means the pod's only one. */
export type PodExecOptions = PodExecParams;

export function podExecOptionsFrom(query: URLSearchParams): PodExecOptions {
  const tty = booleanParam(query, 'tty');
  const options: PodExecOptions = {
    container: query.get('container') ?? '',
    command: query.getAll('command'),
    stdin: booleanParam(query, 'stdin'),
    stdout: booleanParam(query, 'stdout'),
    // A terminal has one output stream (Kubernetes drops stderr with a TTY).
    stderr: booleanParam(query, 'stderr') && !tty,
    tty,
  };
  if (options.command.length === 0) throw badRequest('you must specify at least 1 command');
  if (!options.stdin && !options.stdout && !options.stderr) throw badRequest('you must specify at least 1 of stdin, stdout, stderr');
  return options;
}
