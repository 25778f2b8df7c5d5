/**
 * `pods/{name}/attach` query parameters → PodAttachOptions: `container`, `stdin`, `stdout`,
 * `stderr`, `tty`; an exec's options without a command. As for exec, a TTY merges stderr into
 * stdout and at least one stream is required.
 */
import { badRequest } from '../../api/errors';
import type { PodExecParams } from './pod-stream-provider';
import { booleanParam } from './request-options';

/** PodExecParams with an empty command; an empty `container` means the pod's only one. */
export type PodAttachOptions = PodExecParams;

export function podAttachOptionsFrom(query: URLSearchParams): PodAttachOptions {
  const tty = booleanParam(query, 'tty');
  const options: PodAttachOptions = {
    container: query.get('container') ?? '',
    command: [],
    stdin: booleanParam(query, 'stdin'),
    stdout: booleanParam(query, 'stdout'),
    stderr: booleanParam(query, 'stderr') && !tty,
    tty,
  };
  if (!options.stdin && !options.stdout && !options.stderr) throw badRequest('you must specify at least 1 of stdin, stdout, stderr');
  return options;
}
