/**
 * `kubectl get pods` columns, as printPod of k8s.io/kubernetes pkg/printers/internalversion
 * (v1.32): READY counts ready containers (sidecars included), STATUS is the pod's phase or
 * reason refined by its init containers, then its containers (last one wins), then
 * deletion; RESTARTS shows when the last restart happened.
 */
import type { ContainerStatus, Pod, PodCondition } from '../../../api/core-v1';
import { DESCRIPTIONS } from './column-descriptions';
import { humanDuration } from './human-duration';
import { ageColumn, ageOf, column, nameColumn, nameOf } from './columns';
import type { Printer, TableCell, TableRowCondition } from './table';

export const podPrinter: Printer = {
  columns: [
    nameColumn(),
    column('Ready', 'string', DESCRIPTIONS.podReady),
    column('Status', 'string', DESCRIPTIONS.podStatus),
    column('Restarts', 'string', DESCRIPTIONS.podRestarts),
    ageColumn(),
    column('IP', 'string', DESCRIPTIONS.podIP, 1),
    column('Node', 'string', DESCRIPTIONS.podNodeName, 1),
    column('Nominated Node', 'string', DESCRIPTIONS.nominatedNodeName, 1),
    column('Readiness Gates', 'string', DESCRIPTIONS.readinessGates, 1),
  ],
  cells: (obj, now) => podCells(obj as Pod, now),
  conditions: (obj) => podRowConditions(obj as Pod),
};

function podCells(pod: Pod, now: Date): TableCell[] {
  const summary = summarizePod(pod);
  const restarts = summary.restarts !== 0 && summary.lastRestart > 0
    ? `${summary.restarts} (${humanDuration(now.getTime() - summary.lastRestart)} ago)`
    : String(summary.restarts);
  return [
    nameOf(pod), `${summary.ready}/${summary.total}`, summary.status, restarts, ageOf(pod, now),
    podIP(pod), pod.spec?.nodeName || '<none>', pod.status?.nominatedNodeName || '<none>', readinessGates(pod),
  ];
}

/** Marks finished pods, as the apiserver's printer does (kubectl uses it to tell them apart). */
function podRowConditions(pod: Pod): TableRowCondition[] | undefined {
  const phase = pod.status?.phase;
  if (phase === 'Succeeded') return [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }];
  if (phase === 'Failed') return [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }];
  return undefined;
}

export interface PodSummary {
  ready: number;
  total: number;
  status: string;
  restarts: number;
  /** Epoch milliseconds of the last container termination counted in `restarts`; 0 if none. */
  lastRestart: number;
}

/** The READY, STATUS and RESTARTS of a pod. */
export function summarizePod(pod: Pod): PodSummary {
  const spec = pod.spec ?? { containers: [] };
  const restartable = new Set((spec.initContainers ?? []).filter((c) => c.restartPolicy === 'Always').map((c) => c.name));
  const s: PodSummary = { ready: 0, total: (spec.containers ?? []).length + restartable.size, status: initialReason(pod), restarts: 0, lastRestart: 0 };
  const sidecars = { restarts: 0, lastRestart: 0 };
  const initializing = walkInitContainers(pod, restartable, s, sidecars);
  if (!initializing || hasCondition(pod.status?.conditions, 'Initialized')) {
    s.restarts = sidecars.restarts;
    s.lastRestart = sidecars.lastRestart;
    walkContainers(pod, s);
  }
  s.status = deletionReason(pod, s.status);
  return s;
}

function initialReason(pod: Pod): string {
  let reason: string = pod.status?.reason || pod.status?.phase || '';
  for (const c of pod.status?.conditions ?? []) {
    if (c.type === 'PodScheduled' && c.reason === 'SchedulingGated') reason = 'SchedulingGated';
  }
  return reason;
}

/** Counts init container restarts and finds the first unfinished one; true while initializing. */
function walkInitContainers(pod: Pod, restartable: Set<string>, s: PodSummary, sidecars: { restarts: number; lastRestart: number }): boolean {
  const statuses = pod.status?.initContainerStatuses ?? [];
  const initCount = (pod.spec?.initContainers ?? []).length;
  for (const [i, cs] of statuses.entries()) {
    s.restarts += cs.restartCount ?? 0;
    s.lastRestart = Math.max(s.lastRestart, lastTermination(cs));
    const isSidecar = restartable.has(cs.name);
    if (isSidecar) {
      sidecars.restarts += cs.restartCount ?? 0;
      sidecars.lastRestart = Math.max(sidecars.lastRestart, lastTermination(cs));
    }
    const terminated = cs.state?.terminated;
    if (terminated && terminated.exitCode === 0) continue;
    if (isSidecar && cs.started) {
      if (cs.ready) s.ready++;
      continue;
    }
    s.status = initReason(cs, i, initCount);
    return true;
  }
  return false;
}

function initReason(cs: ContainerStatus, index: number, initCount: number): string {
  const terminated = cs.state?.terminated;
  if (terminated) {
    if (terminated.reason) return `Init:${terminated.reason}`;
    return terminated.signal ? `Init:Signal:${terminated.signal}` : `Init:ExitCode:${terminated.exitCode}`;
  }
  const waiting = cs.state?.waiting?.reason;
  if (waiting && waiting !== 'PodInitializing') return `Init:${waiting}`;
  return `Init:${index}/${initCount}`;
}

/** Visits app containers last to first: the first one's state has the last word. */
function walkContainers(pod: Pod, s: PodSummary): void {
  const statuses = pod.status?.containerStatuses ?? [];
  let hasRunning = false;
  for (let i = statuses.length - 1; i >= 0; i--) {
    const cs = statuses[i];
    s.restarts += cs.restartCount ?? 0;
    s.lastRestart = Math.max(s.lastRestart, lastTermination(cs));
    const reason = containerReason(cs);
    if (reason !== undefined) s.status = reason;
    else if (cs.ready && cs.state?.running) {
      hasRunning = true;
      s.ready++;
    }
  }
  if (s.status === 'Completed' && hasRunning) {
    s.status = hasCondition(pod.status?.conditions, 'Ready') ? 'Running' : 'NotReady';
  }
}

function containerReason(cs: ContainerStatus): string | undefined {
  const waiting = cs.state?.waiting;
  if (waiting?.reason) return waiting.reason;
  const terminated = cs.state?.terminated;
  if (!terminated) return undefined;
  if (terminated.reason) return terminated.reason;
  return terminated.signal ? `Signal:${terminated.signal}` : `ExitCode:${terminated.exitCode}`;
}

/** A pod being deleted shows Terminating, or Unknown when its node was lost. */
function deletionReason(pod: Pod, reason: string): string {
  if (!pod.metadata.deletionTimestamp) return reason;
  if (pod.status?.reason === 'NodeLost') return 'Unknown';
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed' ? reason : 'Terminating';
}

function lastTermination(cs: ContainerStatus): number {
  const finishedAt = cs.lastState?.terminated?.finishedAt;
  const at = finishedAt ? Date.parse(finishedAt) : NaN;
  return Number.isNaN(at) ? 0 : at;
}

function hasCondition(conditions: PodCondition[] | undefined, type: string): boolean {
  return (conditions ?? []).some((c) => c.type === type && c.status === 'True');
}

function podIP(pod: Pod): string {
  return pod.status?.podIPs?.[0]?.ip || pod.status?.podIP || '<none>';
}

function readinessGates(pod: Pod): string {
  const gates = (pod.spec?.readinessGates ?? []) as { conditionType?: string }[];
  if (gates.length === 0) return '<none>';
  const conditions = pod.status?.conditions ?? [];
  const passed = gates.filter((g) => conditions.find((c) => c.type === g.conditionType)?.status === 'True').length;
  return `${passed}/${gates.length}`;
}
