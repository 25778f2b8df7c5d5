/**
 * DNS over TCP frames every message with a two-byte big-endian length (RFC 1035 §4.2.2,
 * RFC 7766). The framer turns a byte stream into whole messages, however it was split.
 */
export function frameMessage(message: Buffer): Buffer {
  const prefix = Buffer.alloc(2);
  prefix.writeUInt16BE(message.length);
  return Buffer.concat([prefix, message]);
}

export class DnsTcpFramer {
  private pending: Buffer = Buffer.alloc(0);

  /** Adds received bytes; returns the messages now complete, in order. Holds at most one partial message. */
  push(chunk: Buffer): Buffer[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const messages: Buffer[] = [];
    while (this.pending.length >= 2) {
      const length = this.pending.readUInt16BE(0);
      if (this.pending.length < 2 + length) break;
      messages.push(Buffer.from(this.pending.subarray(2, 2 + length)));
      this.pending = this.pending.subarray(2 + length);
    }
    return messages;
  }
}
