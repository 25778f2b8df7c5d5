/**
 * The agent's token manager (the kubelet's pkg/kubelet/token): tokens for `serviceAccountToken`
 * projections, asked of the control plane (the node service's `ServiceAccountToken` call, bound
 * to the pod) and kept per pod, audience and lifetime. A token is renewed once 80 % of its
 * lifetime has passed (or 24 hours, whichever comes first): a timer then wakes the pod's worker,
 * whose next pass writes the new token through the atomic writer. When the control plane cannot
 * be asked, a token not yet expired is kept; an expired one is an error (FailedMount).
 *
 * One fetch at a time per pod, audience and lifetime: whoever asks while it is under way waits
 * for the same answer, and a waiter that gives up (its pass cut short) leaves it running, so its
 * token is kept for the next pass. `prefetch` starts a pod's fetch as soon as the pod arrives,
 * before its worker's first pass reaches volume set-up (the kubelet's volume manager likewise
 * mounts a pod's volumes as soon as the pod is admitted, while its worker waits for them).
 */
import type { Clock } from '../../base/clock';
import type { Disposable } from '../../base/disposable';
import type { Pod } from '../../api/core-v1';
import { abortable } from '../../base/abortable';
import { traceStep } from '../../base/step-trace';

export interface TokenProjection {
  audience?: string;
  expirationSeconds?: number;
  path: string;
}

export interface TokenAsk {
  namespace: string;
  name: string;
  uid: string;
  serviceAccountName: string;
  audience: string;
  expirationSeconds: number;
}

export interface FetchedToken {
  token: string;
  expiresAtMs: number;
}

export type TokenFetcher = (ask: TokenAsk, signal: AbortSignal) => Promise<FetchedToken>;

/** What volume set-up asks of the token manager. */
export interface TokenSource {
  token(pod: Pod, projection: TokenProjection, signal: AbortSignal): Promise<string>;
  /** Starts fetching the token unless one is fresh or under way; a failure is left for `token` to meet again. */
  prefetch(pod: Pod, projection: TokenProjection): void;
  forgetPod(podUid: string): void;
}

interface Entry extends FetchedToken {
  issuedAtMs: number;
  renewal: Disposable;
}

/** A fetch under way, shared by everyone who asks meanwhile; aborted only when its pod is forgotten. */
interface InFlight {
  podUid: string;
  answer: Promise<FetchedToken>;
  stop: AbortController;
}

/** ServiceAccountTokenProjection's default: one hour. */
export const DEFAULT_PROJECTION_SECONDS = 3600;
const MAX_TTL_BEFORE_REFRESH_MS = 24 * 3600_000;

/** The kubelet's requiresRefresh: past 80 % of the lifetime, or older than 24 hours. */
export function renewAtMs(issuedAtMs: number, expiresAtMs: number): number {
  const lifetime = Math.max(0, expiresAtMs - issuedAtMs);
  return issuedAtMs + Math.min(lifetime * 0.8, MAX_TTL_BEFORE_REFRESH_MS);
}

export class ServiceAccountTokens implements TokenSource, Disposable {
  private readonly entries = new Map<string, Entry>();
  private readonly inFlight = new Map<string, InFlight>();

  constructor(
    private readonly fetch: TokenFetcher,
    private readonly opts: { clock: Pick<Clock, 'now' | 'schedule'>; onRenewDue: (podUid: string) => void; log: (message: string) => void },
  ) {}

  async token(pod: Pod, projection: TokenProjection, signal: AbortSignal): Promise<string> {
    const ask = askOf(pod, projection);
    const key = keyOf(ask);
    const entry = this.entries.get(key);
    if (entry && this.isFresh(entry)) return entry.token;
    try {
      return (await abortable(this.fetchShared(key, ask), signal)).token;
    } catch (err: unknown) {
      if (signal.aborted) throw err;
      if (!entry || this.opts.clock.now() >= entry.expiresAtMs) throw new Error(`failed to fetch token: ${err instanceof Error ? err.message : String(err)}`);
      this.opts.log(`keeping the token of pod ${ask.namespace}/${ask.name} until it expires: renewal failed: ${err instanceof Error ? err.message : String(err)}`);
      return entry.token;
    }
  }

  prefetch(pod: Pod, projection: TokenProjection): void {
    const ask = askOf(pod, projection);
    const key = keyOf(ask);
    const entry = this.entries.get(key);
    if (entry && this.isFresh(entry)) return;
    this.fetchShared(key, ask).catch(() => undefined);
  }

  forgetPod(podUid: string): void {
    for (const [key, entry] of this.entries) {
      if (!key.startsWith(`${podUid}|`)) continue;
      entry.renewal.dispose();
      this.entries.delete(key);
    }
    for (const [key, flight] of this.inFlight) {
      if (flight.podUid !== podUid) continue;
      flight.stop.abort(new Error(`pod ${podUid} is gone`));
      this.inFlight.delete(key);
    }
  }

  dispose(): void {
    for (const entry of this.entries.values()) entry.renewal.dispose();
    this.entries.clear();
    for (const flight of this.inFlight.values()) flight.stop.abort(new Error('the token manager is stopping'));
    this.inFlight.clear();
  }

  private isFresh(entry: Entry): boolean {
    return this.opts.clock.now() < renewAtMs(entry.issuedAtMs, entry.expiresAtMs);
  }

  /** The fetch under way for `key`, or a new one; its token is remembered unless the pod was forgotten meanwhile. */
  private fetchShared(key: string, ask: TokenAsk): Promise<FetchedToken> {
    const running = this.inFlight.get(key);
    if (running) return running.answer;
    const stop = new AbortController();
    const issuedAtMs = this.opts.clock.now();
    traceStep('pod-start', `${ask.namespace}/${ask.name}`, 'token-ask');
    const answer = this.fetch(ask, stop.signal).then((fetched) => {
      traceStep('pod-start', `${ask.namespace}/${ask.name}`, 'token-fetched');
      if (!stop.signal.aborted) this.remember(key, fetched, issuedAtMs);
      return fetched;
    }).finally(() => {
      if (this.inFlight.get(key)?.answer === answer) this.inFlight.delete(key);
    });
    this.inFlight.set(key, { podUid: ask.uid, answer, stop });
    return answer;
  }

  private remember(key: string, fetched: FetchedToken, issuedAtMs: number): void {
    this.entries.get(key)?.renewal.dispose();
    const due = renewAtMs(issuedAtMs, fetched.expiresAtMs) - issuedAtMs;
    const podUid = key.slice(0, key.indexOf('|'));
    // One more ms past the instant, so a pass at the due time sees the token as due.
    const renewal = this.opts.clock.schedule(() => this.opts.onRenewDue(podUid), due + 1);
    this.entries.set(key, { ...fetched, issuedAtMs, renewal });
  }
}

function keyOf(ask: TokenAsk): string {
  return `${ask.uid}|${ask.audience}|${ask.expirationSeconds}`;
}

function askOf(pod: Pod, projection: TokenProjection): TokenAsk {
  return {
    namespace: pod.metadata.namespace ?? '', name: pod.metadata.name ?? '', uid: pod.metadata.uid ?? '',
    serviceAccountName: pod.spec.serviceAccountName || 'default',
    audience: projection.audience ?? '', expirationSeconds: projection.expirationSeconds ?? DEFAULT_PROJECTION_SECONDS,
  };
}
