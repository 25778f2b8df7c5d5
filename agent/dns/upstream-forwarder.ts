/**
 * Forwards queries for names the cluster does not hold to the upstream resolvers, one after the
 * other, each within the timeout (like CoreDNS `forward . /etc/resolv.conf`, without its health
 * checks). The query goes out with a fresh random id, and only an answer with that id and the same
 * question is taken. With no upstreams nothing is ever sent.
 */
import { randomInt } from 'node:crypto';
import { Rcode } from './dns-constants';
import { decodeHeader, decodeMessage } from './dns-decoder';
import type { DnsQuestion } from './dns-message';
import { foldName } from './dns-name';
import type { UpstreamAddress } from './upstream-address';
import { exchangeTcp, exchangeUdp } from './upstream-exchange';

export type Transport = 'udp' | 'tcp';

export class UpstreamForwarder {
  constructor(private readonly upstreams: readonly UpstreamAddress[], private readonly timeoutMs: number) {}

  /**
   * The first upstream answer to `query` that is neither SERVFAIL nor REFUSED (a broken upstream,
   * so the next is asked), carrying the query's own id; undefined when no upstream gave one.
   * `query` must be a decodable message with one question.
   */
  async forward(query: Buffer, transport: Transport, signal: AbortSignal): Promise<Buffer | undefined> {
    const question = decodeMessage(query).questions[0];
    if (question === undefined) return undefined;
    for (const upstream of this.upstreams) {
      if (signal.aborted) return undefined;
      const answer = await this.ask(upstream, query, question, transport, signal);
      if (answer !== undefined) return answer;
    }
    return undefined;
  }

  private async ask(upstream: UpstreamAddress, query: Buffer, question: DnsQuestion, transport: Transport, signal: AbortSignal): Promise<Buffer | undefined> {
    const sent = Buffer.from(query);
    const id = randomInt(0x10000);
    sent.writeUInt16BE(id, 0);
    const exchange = transport === 'udp' ? exchangeUdp : exchangeTcp;
    const answer = await withQuerySignal(signal, this.timeoutMs, (querySignal) => exchange(upstream, sent, (response) => answers(response, id, question), querySignal));
    if (answer === undefined || isServerFailure(answer)) return undefined;
    answer.writeUInt16BE(query.readUInt16BE(0), 0);
    return answer;
  }
}

/**
 * Runs `fn` with a signal that aborts after `timeoutMs` or when the server's `stop` aborts. Its
 * own controller and timer, released when `fn` settles: AbortSignal.any on the server's
 * long-lived signal would leave one entry behind per query (Node 20), a leak on a busy node.
 */
async function withQuerySignal<T>(stop: AbortSignal, timeoutMs: number, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const query = new AbortController();
  const onStop = (): void => query.abort(stop.reason);
  const timer = setTimeout(() => query.abort(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  stop.addEventListener('abort', onStop, { once: true });
  if (stop.aborted) onStop();
  try {
    return await fn(query.signal);
  } finally {
    clearTimeout(timer);
    stop.removeEventListener('abort', onStop);
  }
}

/** Whether `response` is a well-formed response with `id` to `question` (RFC 5452 §9.1). */
export function answers(response: Buffer, id: number, question: DnsQuestion): boolean {
  try {
    const message = decodeMessage(response);
    const q = message.questions[0];
    return message.id === id && message.flags.qr && message.questions.length === 1 && q !== undefined && sameQuestion(q, question);
  } catch {
    return false;
  }
}

function sameQuestion(a: DnsQuestion, b: DnsQuestion): boolean {
  return a.type === b.type && a.class === b.class && foldName(a.name) === foldName(b.name);
}

function isServerFailure(response: Buffer): boolean {
  const rcode = decodeHeader(response)?.flags.rcode;
  return rcode === Rcode.SERVFAIL || rcode === Rcode.REFUSED;
}
