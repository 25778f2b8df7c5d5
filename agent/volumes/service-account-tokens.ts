/**
 * The agent's token manager (the kubelet's pkg/kubelet/token): tokens for `serviceAccountToken`
 * projections, asked of the control plane (the node service's `ServiceAccountToken` call, bound
 * to the pod) and kept per pod, audience and lifetime. A token is renewed once 80 % of its
 * lifetime has passed (or 24 hours, whichever comes first): a timer then wakes the pod's worker,
 * whose next pass writes the new token through the atomic writer. When the control plane cannot
 * be asked, a token not yet expired is kept; an expired one is an error (FailedMount).
 */
import type { Clock } from '../../base/clock';
import type { Disposable } from '../../base/disposable';
import type { Pod } from '../../api/core-v1';
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
  forgetPod(podUid: string): void;
}

interface Entry extends FetchedToken {
  issuedAtMs: number;
  renewal: Disposable;
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

  constructor(
    private readonly fetch: TokenFetcher,
    private readonly opts: { clock: Pick<Clock, 'now' | 'schedule'>; onRenewDue: (podUid: string) => void; log: (message: string) => void },
  ) {}

  async token(pod: Pod, projection: TokenProjection, signal: AbortSignal): Promise<string> {
    const ask = askOf(pod, projection);
    const key = `${ask.uid}|${ask.audience}|${ask.expirationSeconds}`;
    const entry = this.entries.get(key);
    const now = this.opts.clock.now();
    if (entry && now < renewAtMs(entry.issuedAtMs, entry.expiresAtMs)) return entry.token;
    try {
      traceStep('pod-start', `${ask.namespace}/${ask.name}`, 'token-ask');
      const fetched = await this.fetch(ask, signal);
      traceStep('pod-start', `${ask.namespace}/${ask.name}`, 'token-fetched');
      this.remember(key, ask.uid, fetched, now);
      return fetched.token;
    } catch (err: unknown) {
      if (!entry || this.opts.clock.now() >= entry.expiresAtMs) throw new Error(`failed to fetch token: ${err instanceof Error ? err.message : String(err)}`);
      this.opts.log(`keeping the token of pod ${ask.namespace}/${ask.name} until it expires: renewal failed: ${err instanceof Error ? err.message : String(err)}`);
      return entry.token;
    }
  }

  forgetPod(podUid: string): void {
    for (const [key, entry] of this.entries) {
      if (!key.startsWith(`${podUid}|`)) continue;
      entry.renewal.dispose();
      this.entries.delete(key);
    }
  }

  dispose(): void {
    for (const entry of this.entries.values()) entry.renewal.dispose();
    this.entries.clear();
  }

  private remember(key: string, podUid: string, fetched: FetchedToken, issuedAtMs: number): void {
    this.entries.get(key)?.renewal.dispose();
    const due = renewAtMs(issuedAtMs, fetched.expiresAtMs) - issuedAtMs;
    // One more ms past the instant, so a pass at the due time sees the token as due.
    const renewal = this.opts.clock.schedule(() => this.opts.onRenewDue(podUid), due + 1);
    this.entries.set(key, { ...fetched, issuedAtMs, renewal });
  }
}

function askOf(pod: Pod, projection: TokenProjection): TokenAsk {
  return {
    namespace: pod.metadata.namespace ?? '', name: pod.metadata.name ?? '', uid: pod.metadata.uid ?? '',
    serviceAccountName: pod.spec.serviceAccountName || 'default',
    audience: projection.audience ?? '', expirationSeconds: projection.expirationSeconds ?? DEFAULT_PROJECTION_SECONDS,
  };
}
