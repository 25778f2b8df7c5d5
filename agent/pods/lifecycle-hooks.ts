/**
 * Runs a container's lifecycle hook (postStart, preStop) as the kubelet's handler runner does
 * (pkg/kubelet/lifecycle/handlers.go): `exec` in the container (non-zero exit fails), `httpGet`
 * to the pod (only a transport error fails; the status code is not checked), `sleep` for the
 * given seconds; anything else (tcpSocket) is an invalid handler. The failure message is the
 * kubelet's, for the container's status; events carry only "PostStartHook failed".
 */
import http from 'node:http';
import https from 'node:https';
import type { Container, LifecycleHandler, Pod } from '../../api/core-v1';
import type { ContainerRuntime } from '../runtime/container-runtime';
import { formatPod } from './pod-events';
import { withTimeout } from '../../api/abort-timeout';

/** The one runtime call hooks need: a command in a running container, bounded in time. */
export type HookExec = Pick<ContainerRuntime, 'exec'>;

export interface HookTarget {
  pod: Pod;
  container: Container;
  containerId: string;
  /** Host for httpGet hooks without one. */
  podIP: string | undefined;
}

export type HookResult = { ok: true } | { ok: false; message: string };

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Go's %v of a []string: `[sh -c exit 1]`. */
function goList(list: string[]): string {
  return `[${list.join(' ')}]`;
}

function resolvePort(port: number | string, container: Container): number | Error {
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(port)) return Number(port);
  const named = container.ports?.find((p) => p.name === port);
  return named ? named.containerPort : new Error(`couldn't find port: ${port} in ${container.name}`);
}

async function runExec(handler: NonNullable<LifecycleHandler['exec']>, target: HookTarget, exec: HookExec, timeoutMs: number, signal: AbortSignal): Promise<HookResult> {
  const command = handler.command ?? [];
  const where = `for Container "${target.container.name}" in Pod "${formatPod(target.pod)}"`;
  try {
    const r = await exec.exec(target.containerId, command, { timeoutMs, signal });
    if (r.exitCode === 0) return { ok: true };
    const err = `command '${command.join(' ')}' exited with ${r.exitCode}: ${r.output}`;
    return { ok: false, message: `Exec lifecycle hook (${goList(command)}) ${where} failed - error: ${err}, message: ${JSON.stringify(r.output)}` };
  } catch (err) {
    signal.throwIfAborted();
    return { ok: false, message: `Exec lifecycle hook (${goList(command)}) ${where} failed - error: ${errorText(err)}, message: ""` };
  }
}

function httpGet(url: URL, headers: Record<string, string>, timeoutMs: number, signal: AbortSignal): Promise<void> {
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.get(url, { headers, signal: withTimeout(signal, timeoutMs), rejectUnauthorized: false }, (res) => {
      res.resume();
      res.on('end', resolve);
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

async function runHttp(handler: NonNullable<LifecycleHandler['httpGet']>, target: HookTarget, timeoutMs: number, signal: AbortSignal): Promise<HookResult> {
  const path = handler.path ?? '';
  const fail = (err: unknown): HookResult => ({
    ok: false, message: `HTTP lifecycle hook (${path}) for Container "${target.container.name}" in Pod "${formatPod(target.pod)}" failed - error: ${errorText(err)}`,
  });
  const port = resolvePort(handler.port, target.container);
  if (port instanceof Error) return fail(port);
  const host = handler.host || target.podIP;
  if (!host) return fail(new Error('the pod has no IP address'));
  const scheme = (handler.scheme ?? 'HTTP').toLowerCase();
  const headers: Record<string, string> = { 'User-Agent': 'kube-lifecycle/1.32', Accept: '*/*' };
  for (const h of handler.httpHeaders ?? []) headers[h.name] = h.value;
  try {
    const hostPart = host.includes(':') ? `[${host}]` : host;
    await httpGet(new URL(`${scheme}://${hostPart}:${port}${path.startsWith('/') ? path : `/${path}`}`), headers, timeoutMs, signal);
    return { ok: true };
  } catch (err) {
    signal.throwIfAborted();
    return fail(err);
  }
}

/** Resolves after `seconds` (cut short by the timeout); rejects only when the signal aborts. */
async function runSleep(seconds: number, timeoutMs: number, signal: AbortSignal): Promise<HookResult> {
  await new Promise<void>((resolve, reject) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    };
    const onAbort = (): void => {
      done();
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      done();
      resolve();
    }, Math.min(seconds * 1000, timeoutMs));
    signal.addEventListener('abort', onAbort, { once: true });
  });
  return { ok: true };
}

/**
 * Runs the hook within `timeoutMs`. Resolves with the outcome; rejects only when `signal`
 * aborts (the pod is being killed, or the agent stops).
 */
export async function runHook(handler: LifecycleHandler, target: HookTarget, exec: HookExec, timeoutMs: number, signal: AbortSignal): Promise<HookResult> {
  signal.throwIfAborted();
  if (handler.exec) return runExec(handler.exec, target, exec, timeoutMs, signal);
  if (handler.httpGet) return runHttp(handler.httpGet, target, timeoutMs, signal);
  if (handler.sleep) return runSleep(handler.sleep.seconds, timeoutMs, signal);
  return { ok: false, message: `Cannot run handler: invalid handler: ${JSON.stringify(handler)}` };
}
