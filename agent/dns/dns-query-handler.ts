/**
 * One query packet in, one response packet out (or nothing). The cluster zone answers from the
 * current index; every other name goes to the upstreams, and SERVFAIL comes back at once when
 * there are none or none answered. Malformed queries get FORMERR when their header can carry it
 * and are dropped otherwise; a packet that is itself a response is dropped (no reflection loops).
 */
import { resolveClusterQuestion, type ClusterReply } from './cluster-records';
import type { ClusterDnsIndex } from './cluster-dns-index';
import { CLASSIC_UDP_SIZE, Opcode, Rcode, RecordType, SERVER_UDP_SIZE } from './dns-constants';
import { decodeHeader, decodeMessage } from './dns-decoder';
import { encodeMessage } from './dns-encoder';
import { DnsFormatError, noFlags, type DnsFlags, type DnsMessage, type DnsRecord } from './dns-message';
import { chaseUpstream } from './external-name-chase';
import type { Transport, UpstreamForwarder } from './upstream-forwarder';

/** The largest UDP answer sent whatever the client advertises: bigger datagrams fragment, and TCP is there. */
const MAX_UDP_ANSWER = 4096;

export interface QueryContext {
  /** The cluster view to answer from (read at the time of the query). */
  index: ClusterDnsIndex;
  forwarder: UpstreamForwarder;
  transport: Transport;
  /** Aborted when the server closes. */
  signal: AbortSignal;
  log: (message: string) => void;
}

/** The response bytes for `packet`, or undefined to send nothing. Never throws. */
export async function answerPacket(packet: Buffer, ctx: QueryContext): Promise<Buffer | undefined> {
  const header = decodeHeader(packet);
  if (header === undefined || header.flags.qr) return undefined;
  const query = decodeQuery(packet, ctx);
  if (query === undefined) return encodeMessage(response({ ...header, questions: [], additional: [] }, Rcode.FORMERR, false));
  try {
    return await answerQuery(query, packet, ctx);
  } catch (err: unknown) {
    ctx.log(`answering ${query.questions[0]?.name ?? '?'} failed: ${err instanceof Error ? err.message : String(err)}`);
    return encodeMessage(response(query, Rcode.SERVFAIL, false));
  }
}

/** The query, or undefined when it is malformed (a decoder bug, not a bad packet, is logged). */
function decodeQuery(packet: Buffer, ctx: QueryContext): DnsMessage | undefined {
  try {
    return decodeMessage(packet);
  } catch (err: unknown) {
    if (!(err instanceof DnsFormatError)) ctx.log(`unexpected decode failure: ${String(err)}`);
    return undefined;
  }
}

async function answerQuery(query: DnsMessage, packet: Buffer, ctx: QueryContext): Promise<Buffer | undefined> {
  const refusal = unanswerable(query);
  if (refusal !== undefined) return encodeMessage(response(query, refusal, false));
  const question = query.questions[0] as DnsMessage['questions'][number];
  const answer = resolveClusterQuestion(ctx.index, question);
  if (answer.kind === 'forward') return (await ctx.forwarder.forward(packet, ctx.transport, ctx.signal)) ?? encodeMessage(response(query, Rcode.SERVFAIL, false));
  const tc = await chase(answer, ctx);
  const reply = { ...response(query, answer.rcode, true), answers: answer.answers, authority: answer.authority };
  reply.additional.unshift(...answer.additional);
  reply.flags.tc = tc;
  return encodeMessage(reply, sizeLimit(query, ctx.transport));
}

/** The rcode for a query this server will not look at: not a QUERY (NOTIMP), not exactly one question or several OPTs (FORMERR). */
function unanswerable(query: DnsMessage): number | undefined {
  if (query.flags.opcode !== Opcode.QUERY) return Rcode.NOTIMP;
  if (query.questions.length !== 1) return Rcode.FORMERR;
  if (query.additional.filter((r) => r.type === RecordType.OPT).length > 1) return Rcode.FORMERR;
  return undefined;
}

/** Appends the upstream records of an ExternalName's outside target; returns whether they were truncated. */
async function chase(answer: ClusterReply, ctx: QueryContext): Promise<boolean> {
  if (answer.chase === undefined) return false;
  const { records, truncated } = await chaseUpstream(answer.chase, ctx.forwarder, ctx.transport, ctx.signal);
  answer.answers.push(...records);
  return truncated;
}

/** A response skeleton: the query's id and question echoed, RD/CD copied, RA set, our OPT if the query had one. */
function response(query: Pick<DnsMessage, 'id' | 'flags' | 'questions' | 'additional'>, rcode: number, authoritative: boolean): DnsMessage {
  const flags: DnsFlags = { ...noFlags(), qr: true, opcode: query.flags.opcode, aa: authoritative, rd: query.flags.rd, ra: true, cd: query.flags.cd, rcode };
  const opt: DnsRecord[] = clientOpt(query) ? [{ name: '', type: RecordType.OPT, class: SERVER_UDP_SIZE, ttl: 0, data: { kind: 'raw', bytes: Buffer.alloc(0) } }] : [];
  return { id: query.id, flags, questions: query.questions, answers: [], authority: [], additional: opt };
}

function clientOpt(query: Pick<DnsMessage, 'additional'>): DnsRecord | undefined {
  return query.additional.find((r) => r.type === RecordType.OPT);
}

/** UDP answers fit in 512 bytes, or in the EDNS0 size the client advertised (RFC 6891 §6.2.5); TCP ones in 65535. */
function sizeLimit(query: DnsMessage, transport: Transport): number {
  if (transport === 'tcp') return 65535;
  const advertised = clientOpt(query)?.class ?? CLASSIC_UDP_SIZE;
  return Math.min(Math.max(advertised, CLASSIC_UDP_SIZE), MAX_UDP_ANSWER);
}
