/**
 * Serves one `kubectl exec` (or `kubectl attach`, the same minus the command) in the running instance of the container: stdin (and its close)
 * and terminal resizes from the control plane go to the process, its output comes back, and
 * the stream ends with its exit code. A container that is not running is "not found", as the
 * kubelet says it; a process that cannot take stdin fast enough pauses the control plane.
 */
import { findContainerAttempts } from '../pods/container-attempts';
import type { ContainerStreams, ExecProcess } from './container-streams';
import { outputChunks } from './output-chunks';
import type { StreamChannel } from './stream-channel';
import type { ExecStreamRequest } from './stream-requests';
import { withTimeout } from '../../api/abort-timeout';

/** How long the exit code may lag behind the end of the output. */
const EXIT_CODE_TIMEOUT_MS = 10_000;

function errorText(err: unknown): string {
  const json = (err as { json?: { message?: unknown } } | null)?.json;
  if (json && typeof json.message === 'string') return json.message.trim();
  return err instanceof Error ? err.message : String(err);
}

function statusCode(err: unknown): number | undefined {
  const code = (err as { statusCode?: unknown } | null)?.statusCode;
  return typeof code === 'number' ? code : undefined;
}

async function start(r: ExecStreamRequest, channel: StreamChannel, runtime: ContainerStreams, signal: AbortSignal): Promise<ExecProcess | undefined> {
  const { current } = await findContainerAttempts(runtime, r.target.uid, r.target.container, signal);
  if (current?.status !== 'running') return void channel.fail('NotFound', `container not found ("${r.target.container}")`);
  try {
    if (r.kind === 'attach') return await runtime.attach(current.id, { stdin: r.stdin, stdout: r.stdout, stderr: r.stderr, tty: r.tty }, signal);
    return await runtime.exec(current.id, { command: r.command, stdin: r.stdin, stdout: r.stdout, stderr: r.stderr, tty: r.tty }, signal);
  } catch (err: unknown) {
    if (signal.aborted) throw err;
    if (statusCode(err) === 404 || statusCode(err) === 409) return void channel.fail('NotFound', `container not found ("${r.target.container}")`);
    return void channel.fail('InternalError', `failed to ${r.kind} in container: ${errorText(err)}`);
  }
}

/** Client frames → the process; stdin waits (pausing the control plane) while the process is slow to read. */
function connectInput(r: ExecStreamRequest, channel: StreamChannel, proc: ExecProcess): void {
  channel.onInput({
    stdin: (data) => {
      if (!r.stdin || proc.stream.writableEnded) return;
      if (proc.stream.write(data)) return;
      channel.pauseInput();
      proc.stream.once('drain', () => channel.resumeInput());
    },
    stdinClosed: () => void (r.stdin && proc.stream.end()),
    resize: (width, height) => void (r.tty ? proc.resize(width, height).catch(() => undefined) : undefined),
  });
}

export async function serveExec(r: ExecStreamRequest, channel: StreamChannel, runtime: ContainerStreams, signal: AbortSignal): Promise<void> {
  const proc = await start(r, channel, runtime, signal);
  if (!proc) return;
  proc.stream.on('error', () => undefined); // the output loop sees the failure
  connectInput(r, channel, proc);
  channel.ready();
  for await (const chunk of outputChunks(proc)) await channel.send(chunk.stream, chunk.data);
  signal.throwIfAborted();
  const exitCode = await proc.exitCode(withTimeout(signal, EXIT_CODE_TIMEOUT_MS));
  channel.end({ success: true, exit_code: exitCode });
}
