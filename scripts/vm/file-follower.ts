/**
 * Copies what a file gains to a stream, like `tail -f` driven by polls: the guest writes the
 * job's stdout and stderr into the 9p share and the host relays them as they grow. The file
 * may not exist yet, and may be truncated once when the guest opens it for writing.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

export class FileFollower {
  private fd: number | undefined;
  private offset = 0;
  private readonly buf = Buffer.alloc(64 * 1024);

  constructor(
    private readonly file: string,
    private readonly out: { write(chunk: Buffer): unknown },
  ) {}

  /** Copies everything written since the last poll. */
  poll(): void {
    if (this.fd === undefined && !this.open()) return;
    const fd = this.fd as number;
    if (fstatSync(fd).size < this.offset) this.offset = 0;
    for (;;) {
      const n = readSync(fd, this.buf, 0, this.buf.length, this.offset);
      if (n === 0) return;
      this.offset += n;
      this.out.write(Buffer.from(this.buf.subarray(0, n)));
    }
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private open(): boolean {
    try {
      this.fd = openSync(this.file, 'r');
      return true;
    } catch {
      return false;
    }
  }
}
