/**
 * Slots for requests served at once, with a short FIFO queue in front, as API Priority and
 * Fairness queues a burst instead of refusing it. A queued request has not read its body yet
 * (it waits in the socket's buffers), so the queue costs a socket each, not a body each.
 * Past the queue's length, or after waiting `maxWaitMs`, a request is refused.
 */

/** A held slot. `release` is idempotent. */
export interface Admission {
  release(): void;
}

export interface AdmissionQueueLimits {
  /** Requests served at once. */
  slots: number;
  /** Requests that may wait for a slot. 0: refuse at once when every slot is taken. */
  queueLength: number;
  /** How long one may wait before it is refused. */
  maxWaitMs: number;
}

interface Waiter {
  grant(admission: Admission): void;
}

/** Why a request got no slot. */
export type Refusal = 'queue full' | 'waited too long' | 'client gone';

export class AdmissionRefused extends Error {
  constructor(readonly refusal: Refusal) {
    super(refusal);
  }
}

export class AdmissionQueue {
  private held = 0;
  private readonly waiting: Waiter[] = [];

  constructor(private readonly limits: AdmissionQueueLimits) {}

  get inUse(): number {
    return this.held;
  }

  get queued(): number {
    return this.waiting.length;
  }

  /** A slot now, or once one frees; rejects with AdmissionRefused. `signal`: the client went away. */
  acquire(signal?: AbortSignal): Promise<Admission> {
    if (this.held < this.limits.slots) {
      this.held++;
      return Promise.resolve(this.slot());
    }
    if (this.waiting.length >= this.limits.queueLength) return Promise.reject(new AdmissionRefused('queue full'));
    return this.wait(signal);
  }

  private wait(signal: AbortSignal | undefined): Promise<Admission> {
    return new Promise((resolve, reject) => {
      const timeout = AbortSignal.timeout(this.limits.maxWaitMs);
      const stopListening = (): void => {
        timeout.removeEventListener('abort', onTimeout);
        signal?.removeEventListener('abort', onGone);
      };
      const giveUp = (refusal: Refusal): void => {
        stopListening();
        this.leave(waiter);
        reject(new AdmissionRefused(refusal));
      };
      const onTimeout = (): void => giveUp('waited too long');
      const onGone = (): void => giveUp('client gone');
      const waiter: Waiter = {
        grant: (admission) => {
          stopListening();
          resolve(admission);
        },
      };
      if (signal?.aborted) return onGone();
      timeout.addEventListener('abort', onTimeout, { once: true });
      signal?.addEventListener('abort', onGone, { once: true });
      this.waiting.push(waiter);
    });
  }

  private leave(waiter: Waiter): void {
    const i = this.waiting.indexOf(waiter);
    if (i >= 0) this.waiting.splice(i, 1);
  }

  /** A held slot: on release it passes to the first waiter, or is freed. */
  private slot(): Admission {
    let done = false;
    return {
      release: () => {
        if (done) return;
        done = true;
        const next = this.waiting.shift();
        if (next) next.grant(this.slot());
        else this.held--;
      },
    };
  }
}
