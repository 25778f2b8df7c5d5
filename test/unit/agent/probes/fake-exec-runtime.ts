/**
 * A hand-written exec runtime for prober tests: each call answers with what `respond` says —
 * an exit code and output, an error, or `hang` (until the call's signal aborts, as a command
 * that never returns and is cut off by the timeout).
 */
import { ExecTimeoutError, type ExecOptions, type ExecResult } from '../../../../agent/runtime/container-runtime';
import type { ProbeExecRuntime } from '../../../../agent/probes/exec-probe';

export type ExecAnswer = ExecResult | Error | 'hang';

export interface ExecCall {
  containerId: string;
  command: string[];
  atMs: number;
  timeoutMs: number;
}

export class FakeExecRuntime implements ProbeExecRuntime {
  readonly calls: ExecCall[] = [];
  /** The answer to each call; by default every command exits 0 without output. */
  respond: (containerId: string, command: string[]) => ExecAnswer = () => ({ exitCode: 0, output: '' });

  constructor(private readonly now: () => number) {}

  /** Calls whose command starts with `first` (a probe's identity in tests). */
  callsOf(first: string, containerId?: string): ExecCall[] {
    return this.calls.filter((c) => c.command[0] === first && (containerId === undefined || c.containerId === containerId));
  }

  exec(containerId: string, command: string[], opts: ExecOptions): Promise<ExecResult> {
    opts.signal.throwIfAborted();
    this.calls.push({ containerId, command, atMs: this.now(), timeoutMs: opts.timeoutMs });
    const answer = this.respond(containerId, command);
    if (answer instanceof Error) return Promise.reject(answer);
    if (answer !== 'hang') return Promise.resolve({ ...answer });
    return new Promise((_resolve, reject) => {
      opts.signal.addEventListener('abort', () => reject(new ExecTimeoutError(`command ${JSON.stringify(command.join(' '))} timed out`)), { once: true });
    });
  }
}
