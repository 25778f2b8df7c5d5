/**
 * Shares one read among concurrent callers without answering anyone from a read that began
 * before they asked: a call with no read in flight starts one; calls made while one is in
 * flight all wait for, and share, the single read that starts when it ends. Each answer thus
 * reflects the state at or after its call (what a consistent LIST needs of etcd's revision),
 * and N concurrent callers cost at most two reads instead of N.
 */
export class NextRead<T> {
  private inFlight?: Promise<T>;
  private queued?: Promise<T>;

  constructor(private readonly read: () => Promise<T>) {}

  get(): Promise<T> {
    const current = this.inFlight;
    if (!current) return this.start();
    this.queued ??= current.then(noop, noop).then(() => {
      this.queued = undefined;
      return this.start();
    });
    return this.queued;
  }

  private start(): Promise<T> {
    const read = this.read();
    this.inFlight = read;
    const clear = (): void => {
      if (this.inFlight === read) this.inFlight = undefined;
    };
    read.then(clear, clear);
    return read;
  }
}

function noop(): void {
  // the queued read starts whether the one before it succeeded or not
}
