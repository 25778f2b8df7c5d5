/**
 * Timing both ends of the session contract rely on. An agent whose session dropped dials again
 * at most this long after its last attempt (agent/session-backoff.ts caps its backoff here,
 * jitter included), so a control plane that comes back hears from every live agent within
 * this much of listening; a new leader's node lifecycle controller adds it to the grace
 * period of nodes it has not heard from yet.
 */
export const AGENT_MAX_RECONNECT_DELAY_MS = 5_000;
