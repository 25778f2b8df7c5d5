/**
 * The timing of self-fencing (DESIGN.md "Failover"), shared by agent and control plane so the
 * two can never disagree on the defaults. The control plane's `--pod-fencing-period` is sent to
 * every agent in the Welcome; an agent that never heard one uses its own `--fencing-period`.
 *
 * Order of events after a node goes silent at time 0 (default grace 1.5 s, heartbeats 300 ms):
 *   ≤ 6 s   the agent, hearing nothing from any control plane for the fencing period, stops the
 *           containers of its pods that must not run twice (within their grace, at most 2 s);
 *   ≥ 10 s  the control plane, hearing nothing for the fencing period plus the margin, force-
 *           deletes them, and their controllers recreate them on other nodes.
 * The margin covers what separates the two clocks' starting points: one heartbeat interval
 * (the control plane's last contact may be up to one interval older than the agent's), the
 * agent's stop (FENCING_STOP_GRACE_SECONDS), and timer and event-loop slack.
 */
export const DEFAULT_FENCING_PERIOD_MS = 6_000;
export const DEFAULT_FENCING_MARGIN_MS = 5_000;
/** The longest a fencing agent waits for a container to stop before killing it. */
export const FENCING_STOP_GRACE_SECONDS = 2;
/** The smallest margin that still covers the agent's stop, a heartbeat and some slack. */
export const MIN_FENCING_MARGIN_MS = FENCING_STOP_GRACE_SECONDS * 1000 + 2_000;

export interface FencingTimes {
  /** How long an agent keeps its at-most-one pods running without any control plane. */
  periodMs: number;
  /** How much longer the control plane waits before it force-deletes them. */
  marginMs: number;
}

export const DEFAULT_FENCING_TIMES: FencingTimes = { periodMs: DEFAULT_FENCING_PERIOD_MS, marginMs: DEFAULT_FENCING_MARGIN_MS };
