import { Readable } from 'node:stream';
import { ApiError } from '../../../../../api/errors';
import type { OutputChunk, PodStream, StreamResult } from '../../../../../control-plane/apiserver/pod-stream-provider';

/** A hand-written PodStream: the test pushes output and ends it; stdin, resizes and cancels are recorded. */
export class FakePodStream implements PodStream {
  readonly output = new Readable({ objectMode: true, read: () => undefined });
  readonly stdin: string[] = [];
  readonly resizes: [number, number][] = [];
  stdinClosed = false;
  cancelled?: string;
  private settle!: (r: StreamResult) => void;
  readonly result = new Promise<StreamResult>((resolve) => (this.settle = resolve));

  emit(chunk: OutputChunk): void {
    this.output.push(chunk);
  }
  finish(result: StreamResult): void {
    this.output.push(null);
    this.settle(result);
  }
  writeStdin(data: Buffer): boolean {
    this.stdin.push(data.toString());
    return true;
  }
  writable(): Promise<void> {
    return Promise.resolve();
  }
  closeStdin(): void {
    this.stdinClosed = true;
  }
  resize(width: number, height: number): void {
    this.resizes.push([width, height]);
  }
  cancel(reason: string): void {
    this.cancelled ??= reason;
    this.settle({ ok: false, error: new ApiError('InternalError', reason) });
    this.output.destroy();
  }
}
