/**
 * The pod-start trace put on one timeline: the `pikube-trace pod-start` lines of every
 * component's log (base/step-trace.ts) and the benchmark's own watch sightings, turned into
 * the per-step table of scripts/bench/pod-start-trace.ts. Pure: tested with tables of lines.
 */
import { TRACE_PREFIX } from '../../base/step-trace';

export interface TraceLine {
  atMs: number;
  subject: string;
  step: string;
  detail?: string;
}

/** The pod-start lines of one log's text, in order; other lines are ignored. */
export function parseTrace(text: string): TraceLine[] {
  const out: TraceLine[] = [];
  for (const line of text.split('\n')) {
    const at = line.indexOf(`${TRACE_PREFIX} pod-start `);
    if (at < 0) continue;
    const [, , ms, subject, step, ...rest] = line.slice(at).trim().split(' ');
    const atMs = Number(ms);
    if (!Number.isFinite(atMs) || !subject || !step) continue;
    out.push({ atMs, subject, step, detail: rest.length > 0 ? rest.join(' ') : undefined });
  }
  return out;
}

/** One pod's named instants (ms since the epoch); `first` keeps the earliest of a repeated step. */
export type PodMarks = Map<string, number>;

/** The milestones of each pod's start, in chain order, with the trace step (and detail) that marks each. */
export const MILESTONES: readonly { mark: string; step: string; detail?: (d: string | undefined) => boolean }[] = [
  { mark: 'agent-worker', step: 'agent-worker' },
  { mark: 'pass-planned', step: 'pass-planned' },
  { mark: 'set-up-failed', step: 'set-up-failed' },
  { mark: 'token-ask', step: 'token-ask' },
  { mark: 'token-call', step: 'token-call' },
  { mark: 'token-answered', step: 'token-answered' },
  { mark: 'token-fetched', step: 'token-fetched' },
  { mark: 'volumes-set-up', step: 'set-up-volumes' },
  { mark: 'network-set-up', step: 'set-up-network' },
  { mark: 'resolv-conf-set-up', step: 'set-up-resolv.conf' },
  { mark: 'set-up', step: 'set-up' },
  { mark: 'sandbox-created', step: 'sandbox-created' },
  { mark: 'sandbox-started', step: 'sandbox-started' },
  { mark: 'sandbox-inspected', step: 'sandbox-inspected' },
  { mark: 'sandbox-attached', step: 'sandbox-attached' },
  { mark: 'app-create', step: 'container-create' },
  { mark: 'app-created', step: 'container-created' },
  { mark: 'app-started', step: 'container-started' },
  { mark: 'reported-running', step: 'status-reported', detail: (d) => d?.startsWith('Running/') === true },
  { mark: 'first-probe', step: 'probe-readiness' },
  { mark: 'probe-success', step: 'probe-readiness', detail: (d) => d === 'Success' },
  { mark: 'reported-ready', step: 'status-reported', detail: (d) => d === 'Running/True' },
  { mark: 'ready-written', step: 'status-written' },
];

/** Each pod's marks from the trace (the earliest line of each milestone; `ready-written`: the first write after the ready report). */
export function marksOf(lines: readonly TraceLine[]): Map<string, PodMarks> {
  const pods = new Map<string, PodMarks>();
  for (const line of [...lines].sort((a, b) => a.atMs - b.atMs)) {
    const marks = pods.get(line.subject) ?? new Map<string, number>();
    for (const m of MILESTONES) {
      if (m.step !== line.step || (m.detail && !m.detail(line.detail)) || marks.has(m.mark)) continue;
      if (m.mark === 'ready-written' && !marks.has('reported-ready')) continue;
      marks.set(m.mark, line.atMs);
    }
    pods.set(line.subject, marks);
  }
  return pods;
}

export interface Batch {
  size: number;
  startMs: number;
  endMs: number;
}

/**
 * The ReplicaSet's slow-start batches from its create calls: a batch is the calls made before
 * the first of them returned (they are issued at once), its end the last return.
 */
export function batchesOf(lines: readonly TraceLine[]): Batch[] {
  const sorted = [...lines].filter((l) => l.step === 'rs-create-call' || l.step === 'rs-create-done').sort((a, b) => a.atMs - b.atMs);
  const batches: Batch[] = [];
  let open: Batch | undefined;
  let inFlight = 0;
  for (const l of sorted) {
    if (l.step === 'rs-create-call') {
      if (!open || inFlight === 0) batches.push(open = { size: 0, startMs: l.atMs, endMs: l.atMs });
      open.size++;
      inFlight++;
    } else if (open) {
      inFlight--;
      open.endMs = l.atMs;
    }
  }
  return batches;
}

export interface StepRow {
  from: string;
  to: string;
  p50Ms: number;
  maxMs: number;
  pods: number;
}

function percentileOf(xs: number[], p: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** Per consecutive pair of marks in `order`, the time between them over the pods that have both. */
export function stepTable(pods: Iterable<PodMarks>, order: readonly string[]): StepRow[] {
  const all = [...pods];
  const rows: StepRow[] = [];
  for (let i = 1; i < order.length; i++) {
    const deltas = all.flatMap((m) => {
      const a = m.get(order[i - 1]);
      const b = m.get(order[i]);
      return a === undefined || b === undefined ? [] : [b - a];
    });
    if (deltas.length > 0) rows.push({ from: order[i - 1], to: order[i], p50Ms: Math.round(percentileOf(deltas, 50)), maxMs: Math.round(Math.max(...deltas)), pods: deltas.length });
  }
  return rows;
}
