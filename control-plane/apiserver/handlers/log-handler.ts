/**
 * `GET /api/v1/namespaces/{ns}/pods/{name}/log`: the container's log as `text/plain`, streamed
 * from the pod's agent. Every refusal comes before the 200 (a Status, as Kubernetes answers);
 * once the agent has the log open the headers go out at once, so `kubectl logs -f` of a quiet
 * container returns its headers. A stream that breaks afterwards aborts the response (the
 * client sees a truncated body, not a clean end); a client that goes away cancels the stream.
 */
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Pod } from '../../../api/core-v1';
import { streamsUnavailable, type OutputChunk, type PodStream, type PodStreamProvider } from '../pod-stream-provider';
import { podLogOptionsFrom } from '../pod-log-options';
import { checkLogsAvailable, containerFor, nodeOf } from '../pod-stream-target';
import type { RequestScope } from '../request-scope';
import type { ResourceTarget } from '../router';

export async function serveLog(scope: RequestScope, target: ResourceTarget, streams: PodStreamProvider | undefined): Promise<void> {
  const name = target.name ?? '';
  const options = podLogOptionsFrom(scope.query, name);
  const pod = await scope.registry.get<Pod>(target.info, target.namespace, name);
  const container = containerFor(pod, options.container);
  nodeOf(pod);
  checkLogsAvailable(pod, container, options.previous);
  if (!streams) throw streamsUnavailable();
  const gone = new AbortController();
  const onClose = (): void => gone.abort();
  scope.res.once('close', onClose);
  try {
    const stream = await streams.openLogs(pod, { ...options, container }, gone.signal);
    await sendLog(scope, stream);
  } catch (err: unknown) {
    if (!gone.signal.aborted) throw err; // nobody is left to tell
  } finally {
    scope.res.off('close', onClose);
  }
}

/** Headers now; then every chunk, stdout and stderr alike, in order. */
async function sendLog(scope: RequestScope, stream: PodStream): Promise<void> {
  const { res } = scope;
  if (res.destroyed) return stream.cancel('the client went away');
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-cache, private', 'X-Content-Type-Options': 'nosniff' });
  res.flushHeaders();
  const bytes = new Transform({
    writableObjectMode: true,
    transform: (chunk: OutputChunk, _encoding, callback) => callback(null, chunk.data),
  });
  // A failure after the headers can only abort the response: pipeline destroys it.
  await pipeline(stream.output, bytes, res).catch(() => undefined);
  stream.cancel('the response ended');
}
