/**
 * One probe of one container, as the kubelet's prober (pkg/kubelet/prober/prober.go): pick the
 * handler, run it with the probe's timeout, retry at once (up to 3 attempts) only when the
 * attempt errored, and word the event the kubelet records:
 *
 *   Warning Unhealthy     `Liveness probe failed: HTTP probe failed with statuscode: 500`
 *   Warning Unhealthy     `Readiness probe errored and resulted in unknown state: <error>`
 *   Warning ProbeWarning  `Startup probe warning: Probe terminated redirects, Response body: …`
 */
import type { Container, Pod, Probe } from '../../api/core-v1';
import { resolveContainerPort } from './container-port';
import { execProbe, expandProbeCommand, type ProbeExecRuntime } from './exec-probe';
import { grpcProbe } from './grpc-probe';
import { httpGetRequest } from './http-probe-request';
import { httpProbe } from './http-probe';
import type { Clock } from '../../base/clock';
import { errored, probeTypeName, type ProbeOutcome, type ProbeType } from './probe-outcome';
import { tcpProbe } from './tcp-probe';

/** What a probe runs against: the container that is running now. */
export interface ProbeTarget {
  pod: Pod;
  container: Container;
  containerId: string;
  /** The pod's address (the node's for a hostNetwork pod); the default host of http, tcp and grpc probes. */
  podIP?: string;
}

export interface ProberDeps {
  runtime: ProbeExecRuntime;
  clock: Clock;
}

/** A Kubernetes Event the kubelet records about a probe, without the object it is about. */
export interface ProbeEvent {
  type: 'Warning';
  reason: 'Unhealthy' | 'ProbeWarning';
  message: string;
}

/** What a probe run means for the worker: the result to count (unless it errored) and the event to record. */
export interface ProbeVerdict {
  result: 'Success' | 'Failure';
  /** The run could not be made: the kubelet throws the result away (thresholds untouched). */
  errored: boolean;
  output: string;
  event?: ProbeEvent;
}

const MAX_PROBE_RETRIES = 3;

/** A positive whole number (seconds, a threshold), else the Kubernetes default: the API defaults them, this guards. */
export function positiveIntOr(value: number | undefined, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.floor(value) : fallback;
}

function missingHost(): ProbeOutcome {
  return errored('the pod has no IP address yet');
}

/** One attempt with the probe's handler; rejects only when `stop` aborts. */
export function runProbeOnce(probe: Probe, target: ProbeTarget, deps: ProberDeps, stop: AbortSignal): Promise<ProbeOutcome> {
  const timeoutSeconds = positiveIntOr(probe.timeoutSeconds, 1);
  const deadline = deps.clock.timeout(timeoutSeconds * 1000);
  if (probe.exec) return execProbe(deps.runtime, target.containerId, expandProbeCommand(probe.exec.command ?? [], target.container), timeoutSeconds * 1000, stop, deadline);
  if (probe.httpGet) {
    const req = httpGetRequest(probe.httpGet, target.container, target.podIP);
    return req instanceof Error ? Promise.resolve(errored(req.message)) : httpProbe(req, stop, deadline);
  }
  if (probe.tcpSocket) {
    const port = resolveContainerPort(probe.tcpSocket.port, target.container);
    const host = probe.tcpSocket.host || target.podIP;
    if (port instanceof Error) return Promise.resolve(errored(port.message));
    return host ? tcpProbe(host, port, stop, deadline) : Promise.resolve(missingHost());
  }
  if (probe.grpc) return target.podIP ? grpcProbe(target.podIP, probe.grpc.port, probe.grpc.service ?? '', timeoutSeconds, stop) : Promise.resolve(missingHost());
  const { name = '', namespace = '', uid = '' } = target.pod.metadata;
  return Promise.resolve(errored(`missing probe handler for ${name}_${namespace}(${uid}):${target.container.name}`));
}

/** runProbeWithRetries: an errored attempt is retried at once, up to 3 attempts in all. */
export async function runProbe(probe: Probe, target: ProbeTarget, deps: ProberDeps, stop: AbortSignal): Promise<ProbeOutcome> {
  let last = await runProbeOnce(probe, target, deps, stop);
  for (let attempt = 1; attempt < MAX_PROBE_RETRIES && last.error !== undefined; attempt++) last = await runProbeOnce(probe, target, deps, stop);
  return last;
}

/** The kubelet's reading of an outcome: a warning succeeds, unknown fails, an error is thrown away. */
export function verdictOf(type: ProbeType, o: ProbeOutcome): ProbeVerdict {
  const name = probeTypeName(type);
  if (o.error !== undefined) {
    return { result: 'Failure', errored: true, output: o.error, event: { type: 'Warning', reason: 'Unhealthy', message: `${name} probe errored and resulted in ${o.result} state: ${o.error}` } };
  }
  if (o.result === 'success') return { result: 'Success', errored: false, output: o.output };
  if (o.result === 'warning') return { result: 'Success', errored: false, output: o.output, event: { type: 'Warning', reason: 'ProbeWarning', message: `${name} probe warning: ${o.output}` } };
  if (o.result === 'failure') return { result: 'Failure', errored: false, output: o.output, event: { type: 'Warning', reason: 'Unhealthy', message: `${name} probe failed: ${o.output}` } };
  return { result: 'Failure', errored: false, output: o.output };
}
