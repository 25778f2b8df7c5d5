/**
 * grpc probes (pkg/probe/grpc): grpc.health.v1.Health/Check on the pod IP, plaintext, with
 * the kubelet's User-Agent. SERVING succeeds (`service healthy`); anything else fails with the
 * kubelet's wording: `service unhealthy (responded with "NOT_SERVING")`, `timeout: failed to
 * connect service "10.42.0.7:9000" within 1s: context deadline exceeded`, `timeout: health rpc
 * did not complete within 1s`, `error: this server does not implement the grpc health protocol
 * (grpc.health.v1.Health): …`, `error: health rpc probe failed: rpc error: code = … desc = …`.
 * Like Go's blocking dial, a refused connection is retried until the timeout.
 */
import { Client, credentials, Metadata, status as grpcStatus, type ServiceError } from '@grpc/grpc-js';
import { joinHostPort } from './container-port';
import { decodeHealthCheckResponse, encodeHealthCheckRequest, servingStatusName } from './health-check-codec';
import { outcome, PROBE_USER_AGENT, type ProbeOutcome } from './probe-outcome';

const CHECK = '/grpc.health.v1.Health/Check';
const SERVING = 1;

/** Go's codes.Code String(): `NotFound`, `DeadlineExceeded`, ... */
function codeName(code: number): string {
  const name = grpcStatus[code] as string | undefined;
  if (!name) return `Code(${code})`;
  return name.toLowerCase().replace(/(^|_)([a-z])/g, (_m, _u: string, ch: string) => ch.toUpperCase()).replace('Cancelled', 'Canceled');
}

/** Go's time.Duration String() for whole seconds: `1s`, `1m30s`. */
export function goSeconds(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h > 0) return `${h}h${m}m${s}s`;
  return m > 0 ? `${m}m${s}s` : `${s}s`;
}

function waitForReady(client: Client, deadline: Date): Promise<Error | undefined> {
  return new Promise((resolve) => client.waitForReady(deadline, (err) => resolve(err ?? undefined)));
}

function check(client: Client, service: string, deadline: Date): Promise<{ err?: ServiceError; status?: number }> {
  return new Promise((resolve) => {
    client.makeUnaryRequest(CHECK, encodeHealthCheckRequest, decodeHealthCheckResponse, service, new Metadata(), { deadline }, (err, status) => resolve({ err: err ?? undefined, status }));
  });
}

function rpcFailure(err: ServiceError, timeoutSeconds: number): ProbeOutcome {
  if (err.code === grpcStatus.UNIMPLEMENTED) return outcome('failure', `error: this server does not implement the grpc health protocol (grpc.health.v1.Health): ${err.details}`);
  if (err.code === grpcStatus.DEADLINE_EXCEEDED) return outcome('failure', `timeout: health rpc did not complete within ${goSeconds(timeoutSeconds)}`);
  return outcome('failure', `error: health rpc probe failed: rpc error: code = ${codeName(err.code)} desc = ${err.details}`);
}

/** Probes once within `timeoutSeconds`; `stop` abandons the attempt (the promise rejects with its reason). */
export async function grpcProbe(host: string, port: number, service: string, timeoutSeconds: number, stop: AbortSignal): Promise<ProbeOutcome> {
  stop.throwIfAborted();
  const addr = joinHostPort(host, port);
  const client = new Client(addr, credentials.createInsecure(), { 'grpc.primary_user_agent': PROBE_USER_AGENT, 'grpc.enable_retries': 0 });
  const onStop = (): void => client.close();
  stop.addEventListener('abort', onStop, { once: true });
  try {
    const deadline = new Date(Date.now() + timeoutSeconds * 1000);
    const notReady = await waitForReady(client, deadline);
    stop.throwIfAborted();
    if (notReady) return outcome('failure', `timeout: failed to connect service ${JSON.stringify(addr)} within ${goSeconds(timeoutSeconds)}: context deadline exceeded`);
    const res = await check(client, service, deadline);
    stop.throwIfAborted();
    if (res.err) return rpcFailure(res.err, timeoutSeconds);
    if (res.status !== SERVING) return outcome('failure', `service unhealthy (responded with ${JSON.stringify(servingStatusName(res.status ?? 0))})`);
    return outcome('success', 'service healthy');
  } finally {
    stop.removeEventListener('abort', onStop);
    client.close();
  }
}
