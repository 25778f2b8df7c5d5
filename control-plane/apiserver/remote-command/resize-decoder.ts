/**
 * The SPDY `resize` stream: a byte stream of JSON TerminalSize objects, one after another
 * (client-go writes each with a JSON encoder, a newline after each), cut anywhere by DATA
 * frames. As the kubelet's decoder, the first malformed object ends the reading of sizes.
 * https://github.com/kubernetes/kubernetes/blob/v1.32.0/pkg/kubelet/cri/streaming/remotecommand/httpstream.go
 */
import { parseTerminalSize, type TerminalSize } from './channel-protocol';

/** Longest object kept while waiting for its end; a TerminalSize is about 30 bytes. */
const MAX_OBJECT_BYTES = 4096;

export class ResizeDecoder {
  private pending = '';
  private broken = false;

  /** The sizes completed by `chunk`; none once the stream was malformed. */
  push(chunk: Buffer): TerminalSize[] {
    if (this.broken) return [];
    this.pending += chunk.toString('latin1');
    const sizes: TerminalSize[] = [];
    for (let end = this.pending.indexOf('}'); end >= 0 && !this.broken; end = this.pending.indexOf('}')) {
      const size = parseTerminalSize(Buffer.from(this.pending.slice(0, end + 1), 'latin1'));
      this.pending = this.pending.slice(end + 1);
      if (size) sizes.push(size);
      else this.broken = true;
    }
    if (this.pending.length > MAX_OBJECT_BYTES) this.broken = true;
    return sizes;
  }

  /** Whether a malformed object stopped the decoding. */
  get malformed(): boolean {
    return this.broken;
  }
}
