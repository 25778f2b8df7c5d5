/**
 * How many requests the API server works on at once, sized for a 1 GiB Raspberry Pi: the
 * apiserver's --max-requests-inflight (400) and --max-mutating-requests-inflight (200), scaled
 * down, plus a bound on watches per user and in total (the apiserver relies on its memory
 * there; a Pi cannot). A read or write past its limit waits in a short queue (admission-queue.ts,
 * as API Priority and Fairness queues a burst); past the queue, after waiting too long, or for
 * a watch past its limit, the answer is 429 TooManyRequests with `Retry-After: 1`, as the
 * apiserver's filters answer; client-go retries it.
 *
 * Unlike the apiserver, `system:masters` is not exempt: on a Pi the bound is about memory, and
 * the admin's kubeconfig is the one most likely to be scripted in a loop.
 *
 * One user (the authenticated or impersonated name) may hold or queue at most
 * `maxRequestsPerUser` reads and writes together: a runaway client gets 429 at once while
 * others keep their slots (API Priority and Fairness shares the server between flows; this is
 * its simplest form).
 *
 * Long-running requests other than watches (pod logs, exec) are not counted, as in Kubernetes.
 */
import { ApiError } from '../../api/errors';
import { AdmissionQueue, AdmissionRefused, type Admission } from './admission-queue';

export type { Admission } from './admission-queue';

export interface RequestLimits {
  /** Reads (get, list, discovery) served at once. Default 100 (Kubernetes: 400). */
  maxRequestsInFlight: number;
  /**
   * Writes served at once. Default 20 (Kubernetes: 200): a write may buffer a 3 MiB body and
   * decode it, about 15 MiB at worst, so 20 of them stay near 300 MiB.
   */
  maxMutatingRequestsInFlight: number;
  /** Reads and writes of one user held or queued at once. Default 50: half the reads, so one client never fills the server. */
  maxRequestsPerUser: number;
  /** Open watches of one user (by authenticated name). Default 500: half of all, so one client cannot take every watch. */
  maxWatchesPerUser: number;
  /** Open watches in total. Default 1000 (each costs some 10 to 50 KiB: a TLS socket and a small queue). */
  maxWatches: number;
  /** Reads, and writes, that may wait for a slot; each holds only its socket. Default 4 × the class's limit. */
  maxQueued?: number;
  /** How long a queued request waits before its 429. Default 5 s. */
  maxQueueWaitMs: number;
}

export const DEFAULT_REQUEST_LIMITS: RequestLimits = {
  maxRequestsInFlight: 100,
  maxMutatingRequestsInFlight: 20,
  maxRequestsPerUser: 50,
  maxWatchesPerUser: 500,
  maxWatches: 1000,
  maxQueueWaitMs: 5_000,
};

/** How a request counts: reads and writes against their in-flight limits, watches against theirs. */
export type RequestClass = 'readonly' | 'mutating' | 'watch' | 'longRunning';

const RETRY_AFTER_SECONDS = 1;

/** The apiserver's answer past a limit (its message, with a Status instead of plain text). */
export function tooManyRequests(reason: string): ApiError {
  return new ApiError('TooManyRequests', `Too many requests, please try again later. (${reason})`, { retryAfterSeconds: RETRY_AFTER_SECONDS });
}

export class RequestLimiter {
  private readonly limits: RequestLimits;
  private readonly watchesByUser = new Map<string, number>();
  private readonly requestsByUser = new Map<string, number>();
  private readonly inFlight: Record<'readonly' | 'mutating', AdmissionQueue>;
  private watches = 0;

  constructor(limits: Partial<RequestLimits> = {}) {
    this.limits = { ...DEFAULT_REQUEST_LIMITS, ...limits };
    const queue = (slots: number): AdmissionQueue => new AdmissionQueue({ slots, queueLength: this.limits.maxQueued ?? 4 * slots, maxWaitMs: this.limits.maxQueueWaitMs });
    this.inFlight = { readonly: queue(this.limits.maxRequestsInFlight), mutating: queue(this.limits.maxMutatingRequestsInFlight) };
  }

  /**
   * A slot for one request of `user`, once there is one; rejects with a TooManyRequests
   * ApiError. `signal` aborts when the client goes away while queued.
   */
  async admit(kind: RequestClass, user: string, signal?: AbortSignal): Promise<Admission> {
    if (kind === 'longRunning') return { release: () => undefined };
    if (kind === 'watch') return this.admitWatch(user);
    return this.admitUserRequest(kind, user, signal);
  }

  /** What is held right now (for tests and health reporting). */
  get counts(): { readonly: number; mutating: number; queued: number; watches: number; usersWatching: number } {
    const { readonly, mutating } = this.inFlight;
    return { readonly: readonly.inUse, mutating: mutating.inUse, queued: readonly.queued + mutating.queued, watches: this.watches, usersWatching: this.watchesByUser.size };
  }

  /** The user's share first, then a slot; the user's count covers the wait and the work. */
  private async admitUserRequest(kind: 'readonly' | 'mutating', user: string, signal: AbortSignal | undefined): Promise<Admission> {
    const mine = this.requestsByUser.get(user) ?? 0;
    if (mine >= this.limits.maxRequestsPerUser) throw tooManyRequests(`${this.limits.maxRequestsPerUser} requests in flight for this user`);
    this.requestsByUser.set(user, mine + 1);
    const leave = once(() => decrement(this.requestsByUser, user));
    try {
      const slot = await this.admitInFlight(kind, signal);
      return once(() => {
        slot.release();
        leave.release();
      });
    } catch (err: unknown) {
      leave.release();
      throw err;
    }
  }

  private async admitInFlight(kind: 'readonly' | 'mutating', signal: AbortSignal | undefined): Promise<Admission> {
    try {
      return await this.inFlight[kind].acquire(signal);
    } catch (err: unknown) {
      if (!(err instanceof AdmissionRefused)) throw err;
      const limit = kind === 'readonly' ? this.limits.maxRequestsInFlight : this.limits.maxMutatingRequestsInFlight;
      throw tooManyRequests(`${limit} ${kind} requests in flight, ${err.refusal}`);
    }
  }

  private admitWatch(user: string): Admission {
    const mine = this.watchesByUser.get(user) ?? 0;
    if (this.watches >= this.limits.maxWatches) throw tooManyRequests(`${this.limits.maxWatches} watches open`);
    if (mine >= this.limits.maxWatchesPerUser) throw tooManyRequests(`${this.limits.maxWatchesPerUser} watches open for this user`);
    this.watches++;
    this.watchesByUser.set(user, mine + 1);
    return once(() => this.releaseWatch(user));
  }

  private releaseWatch(user: string): void {
    this.watches--;
    decrement(this.watchesByUser, user);
  }
}

function decrement(counts: Map<string, number>, user: string): void {
  const left = (counts.get(user) ?? 1) - 1;
  if (left > 0) counts.set(user, left);
  else counts.delete(user);
}

function once(release: () => void): Admission {
  let done = false;
  return {
    release: () => {
      if (done) return;
      done = true;
      release();
    },
  };
}
