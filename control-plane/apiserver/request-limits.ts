/**
 * How many requests the API server works on at once, sized for a 1 GiB Raspberry Pi: the
 * apiserver's --max-requests-inflight (400) and --max-mutating-requests-inflight (200), scaled
 * down, plus a bound on watches per user and in total (the apiserver relies on its memory
 * there; a Pi cannot). Past a limit a request is refused at once with 429 TooManyRequests and
 * `Retry-After: 1`, as the apiserver's max-in-flight filter answers; client-go retries it.
 *
 * Unlike the apiserver, `system:masters` is not exempt: on a Pi the bound is about memory, and
 * the admin's kubeconfig is the one most likely to be scripted in a loop.
 *
 * Long-running requests other than watches (pod logs, exec) are not counted, as in Kubernetes.
 */
import { ApiError } from '../../api/errors';

export interface RequestLimits {
  /** Reads (get, list, discovery) served at once. Default 100 (Kubernetes: 400). */
  maxRequestsInFlight: number;
  /**
   * Writes served at once. Default 20 (Kubernetes: 200): a write may buffer a 3 MiB body and
   * decode it, about 15 MiB at worst, so 20 of them stay near 300 MiB.
   */
  maxMutatingRequestsInFlight: number;
  /** Open watches of one user (by authenticated name). Default 250. */
  maxWatchesPerUser: number;
  /** Open watches in total. Default 1000 (each costs some 10 to 50 KiB: a TLS socket and a small queue). */
  maxWatches: number;
}

export const DEFAULT_REQUEST_LIMITS: RequestLimits = {
  maxRequestsInFlight: 100,
  maxMutatingRequestsInFlight: 20,
  maxWatchesPerUser: 250,
  maxWatches: 1000,
};

/** How a request counts: reads and writes against their in-flight limits, watches against theirs. */
export type RequestClass = 'readonly' | 'mutating' | 'watch' | 'longRunning';

/** A held slot. `release` is idempotent. */
export interface Admission {
  release(): void;
}

const RETRY_AFTER_SECONDS = 1;

/** The apiserver's answer past a limit (its message, with a Status instead of plain text). */
export function tooManyRequests(reason: string): ApiError {
  return new ApiError('TooManyRequests', `Too many requests, please try again later. (${reason})`, { retryAfterSeconds: RETRY_AFTER_SECONDS });
}

export class RequestLimiter {
  private readonly limits: RequestLimits;
  private readonly watchesByUser = new Map<string, number>();
  private inFlight = { readonly: 0, mutating: 0 };
  private watches = 0;

  constructor(limits: Partial<RequestLimits> = {}) {
    this.limits = { ...DEFAULT_REQUEST_LIMITS, ...limits };
  }

  /** A slot for one request of `user`, or a TooManyRequests ApiError thrown. */
  admit(kind: RequestClass, user: string): Admission {
    if (kind === 'longRunning') return { release: () => undefined };
    if (kind === 'watch') return this.admitWatch(user);
    return this.admitInFlight(kind);
  }

  /** What is held right now (for tests and health reporting). */
  get counts(): { readonly: number; mutating: number; watches: number; usersWatching: number } {
    return { ...this.inFlight, watches: this.watches, usersWatching: this.watchesByUser.size };
  }

  private admitInFlight(kind: 'readonly' | 'mutating'): Admission {
    const limit = kind === 'readonly' ? this.limits.maxRequestsInFlight : this.limits.maxMutatingRequestsInFlight;
    if (this.inFlight[kind] >= limit) throw tooManyRequests(`${limit} ${kind} requests in flight`);
    this.inFlight[kind]++;
    return once(() => void this.inFlight[kind]--);
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
    const left = (this.watchesByUser.get(user) ?? 1) - 1;
    if (left > 0) this.watchesByUser.set(user, left);
    else this.watchesByUser.delete(user);
  }
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
