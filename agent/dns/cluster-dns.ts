/**
 * The agent's cluster DNS server: answers `cluster.local` names (CoreDNS kubernetes plugin
 * semantics, as k3s configures it) from the last view given to update(), and forwards every
 * other name upstream. The view changes only through update(): while the control plane is away
 * the server keeps answering from what it last knew.
 */
import type { EndpointSlice, Service } from '../../api/service-v1';
import { buildClusterDnsIndex, emptyClusterDnsIndex, type ClusterDnsIndex } from './cluster-dns-index';
import { answerPacket } from './dns-query-handler';
import { DnsTcpListener } from './dns-tcp-listener';
import { DnsUdpListener } from './dns-udp-listener';
import { parseUpstreamAddress, type UpstreamAddress } from './upstream-address';
import { UpstreamForwarder, type Transport } from './upstream-forwarder';

export interface ClusterDnsOptions {
  /** The cluster domain, e.g. 'cluster.local'. */
  domain: string;
  /** Upstream resolvers, `ip` or `ip:port` (`[ipv6]:port`); invalid entries are logged and skipped. */
  upstreams: string[];
  /** How long each upstream gets to answer; 2000 ms by default. */
  upstreamTimeoutMs?: number;
  log?: (m: string) => void;
}

const DEFAULT_UPSTREAM_TIMEOUT_MS = 2000;
/** Queries answered at once; more are dropped (a client retries) so a flood cannot exhaust a Pi's memory. */
const MAX_IN_FLIGHT = 512;
/** Attempts at finding a port free for both UDP and TCP when asked for any port. */
const ANY_PORT_ATTEMPTS = 5;

/** What one listen() holds until close(): both listeners and the signal that ends its upstream queries. */
interface Serving {
  udp: DnsUdpListener;
  tcp: DnsTcpListener;
  stop: AbortController;
}

export class ClusterDns {
  private index: ClusterDnsIndex;
  private readonly upstreams: UpstreamAddress[];
  private readonly log: (m: string) => void;
  private serving: Serving | undefined;
  private binding = false;
  /** Counts close() calls, so a listen() that a close() overtook gives its sockets back. */
  private closes = 0;
  private inFlight = 0;

  constructor(private readonly opts: ClusterDnsOptions) {
    this.log = opts.log ?? (() => undefined);
    this.index = emptyClusterDnsIndex(opts.domain);
    this.upstreams = this.upstreamAddresses(opts.upstreams);
  }

  /** Replaces the whole view; the index is built here once, so queries stay cheap. */
  update(services: Service[], slices: EndpointSlice[]): void {
    this.index = buildClusterDnsIndex(this.opts.domain, services, slices, Math.floor(Date.now() / 1000));
  }

  /**
   * Binds UDP and TCP on host:port (port 0 = any, the same for both); rejects if either bind
   * fails, holding nothing then. May be called again after close() or after a failed bind;
   * a close() while it binds makes it reject (and release what it bound).
   */
  async listen(host: string, port: number): Promise<{ port: number }> {
    if (this.serving !== undefined || this.binding) throw new Error('cluster DNS is already listening; close() it first');
    const closes = this.closes;
    this.binding = true;
    let serving: Serving;
    try {
      serving = await this.bindAnyAttempt(host, port);
    } finally {
      this.binding = false;
    }
    if (closes !== this.closes) {
      await Promise.all([serving.udp.close(), serving.tcp.close()]);
      throw new Error('cluster DNS was closed while it was binding');
    }
    this.serving = serving;
    return { port: serving.udp.port };
  }

  /** Port 0 may pick a port free for UDP but taken for TCP: then it tries a few other ports. */
  private async bindAnyAttempt(host: string, port: number): Promise<Serving> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.bindBoth(host, port);
      } catch (err: unknown) {
        if (port !== 0 || attempt >= ANY_PORT_ATTEMPTS) throw err;
      }
    }
  }

  /** Binds UDP, then TCP on the port UDP got; closes the UDP socket if TCP fails. */
  private async bindBoth(host: string, port: number): Promise<Serving> {
    const stop = new AbortController();
    const forwarder = this.forwarderAvoiding({ host, port });
    const udp = await DnsUdpListener.bind(host, port, (packet) => this.answer(packet, 'udp', stop.signal, forwarder));
    try {
      return { udp, tcp: await DnsTcpListener.listen(host, udp.port, (packet) => this.answer(packet, 'tcp', stop.signal, forwarder)), stop };
    } catch (err: unknown) {
      await udp.close();
      throw err;
    }
  }

  /** A forwarder to every upstream but this server's own address (a forwarding loop otherwise; port 0 is never an upstream's). */
  private forwarderAvoiding(self: UpstreamAddress): UpstreamForwarder {
    const isSelf = (u: UpstreamAddress): boolean => u.host === self.host && u.port === self.port;
    if (this.upstreams.some(isSelf)) this.log(`not forwarding to ${self.host}:${self.port}: that is this server`);
    return new UpstreamForwarder(this.upstreams.filter((u) => !isSelf(u)), this.opts.upstreamTimeoutMs ?? DEFAULT_UPSTREAM_TIMEOUT_MS);
  }

  /** Stops both listeners and abandons their upstream queries in flight. Idempotent; listen() may follow. */
  async close(): Promise<void> {
    this.closes++;
    const serving = this.serving;
    this.serving = undefined;
    if (serving === undefined) return;
    serving.stop.abort();
    await Promise.all([serving.udp.close(), serving.tcp.close()]);
  }

  private async answer(packet: Buffer, transport: Transport, signal: AbortSignal, forwarder: UpstreamForwarder): Promise<Buffer | undefined> {
    if (this.inFlight >= MAX_IN_FLIGHT || signal.aborted) return undefined;
    this.inFlight++;
    try {
      return await answerPacket(packet, { index: this.index, forwarder, transport, signal, log: this.log });
    } finally {
      this.inFlight--;
    }
  }

  private upstreamAddresses(upstreams: string[]): UpstreamAddress[] {
    const parsed = upstreams.map((text) => ({ text, address: parseUpstreamAddress(text) }));
    for (const bad of parsed.filter((p) => p.address === undefined)) this.log(`ignoring upstream ${JSON.stringify(bad.text)}: not ip or ip:port`);
    return parsed.flatMap((p) => (p.address === undefined ? [] : [p.address]));
  }
}
