/**
 * Serves one `kubectl logs`: the current (or, with --previous, the preceding) instance of the
 * container, found by label, its Docker log streamed with follow / tail / since / timestamps,
 * cut at limitBytes. Refusals use the kubelet's words (validateContainerLogStatus), which the
 * API server returns as a 400.
 */
import { findContainerAttempts } from '../pods/container-attempts';
import type { ContainerStreams } from './container-streams';
import { outputChunks } from './output-chunks';
import type { StreamChannel } from './stream-channel';
import type { LogStreamRequest } from './stream-requests';

function refusal(r: LogStreamRequest): string {
  const { container, name } = r.target;
  if (r.previous) return `previous terminated container "${container}" in pod "${name}" not found`;
  return `container "${container}" in pod "${name}" is waiting to start - no logs yet`;
}

export async function serveLogs(r: LogStreamRequest, channel: StreamChannel, runtime: ContainerStreams, signal: AbortSignal): Promise<void> {
  const attempts = await findContainerAttempts(runtime, r.target.uid, r.target.container, signal);
  const instance = r.previous ? attempts.previous : attempts.current;
  if (!instance) return channel.fail('BadRequest', refusal(r));
  const raw = await runtime.logs(instance.id, { follow: r.follow, timestamps: r.timestamps, tailLines: r.tailLines, sinceUnixMs: r.sinceUnixMs }, signal);
  channel.ready();
  let left = r.limitBytes ?? Number.POSITIVE_INFINITY;
  for await (const chunk of outputChunks(raw)) {
    const data = chunk.data.subarray(0, left);
    left -= data.length;
    await channel.send(chunk.stream, data);
    if (left <= 0 || signal.aborted) break;
  }
  channel.end({ success: true, exit_code: 0 });
}
