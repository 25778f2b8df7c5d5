/**
 * The records an ExternalName's CNAME target has upstream, so that a stub resolver (glibc, musl)
 * that does not restart at a CNAME target still gets addresses, as CoreDNS does
 * (plugin/backend_lookup.go: "try to look else where"). A failed chase leaves the CNAME alone.
 */
import { Rcode } from './dns-constants';
import { decodeMessage } from './dns-decoder';
import { encodeMessage } from './dns-encoder';
import { noFlags, type DnsQuestion, type DnsRecord } from './dns-message';
import type { Transport, UpstreamForwarder } from './upstream-forwarder';

export interface ChaseResult {
  records: DnsRecord[];
  /** The upstream answer was truncated: the client should retry over TCP. */
  truncated: boolean;
}

const NOTHING: ChaseResult = { records: [], truncated: false };

export async function chaseUpstream(question: DnsQuestion, forwarder: UpstreamForwarder, transport: Transport, signal: AbortSignal): Promise<ChaseResult> {
  const query = encodeMessage({ id: 0, flags: { ...noFlags(), rd: true }, questions: [question], answers: [], authority: [], additional: [] });
  const response = await forwarder.forward(query, transport, signal);
  if (response === undefined) return NOTHING;
  try {
    const message = decodeMessage(response);
    return message.flags.rcode === Rcode.NOERROR ? { records: message.answers, truncated: message.flags.tc } : NOTHING;
  } catch {
    return NOTHING;
  }
}
