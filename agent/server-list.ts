/**
 * The control-plane node-service addresses an agent dials: those it was configured with
 * (`--servers`, in order, always kept) and then those the control plane named in its last
 * Welcome (every replica's, control-plane/nodes/control-plane-servers.ts). A replica added
 * after the agent started is thus dialed when the configured ones are down, and kubeconfig
 * and `--servers` may name any one replica.
 */

/** host:port with a DNS name or IPv4 host, or a bracketed IPv6 one. */
const SERVER = /^[A-Za-z0-9.-]{1,253}:\d{1,5}$|^\[[0-9a-fA-F:]{2,39}\]:\d{1,5}$/;

/** At most this many learned addresses are kept: a Welcome cannot grow the list without bound. */
const MAX_LEARNED = 16;

export function isServerAddress(server: string): boolean {
  return SERVER.test(server) && Number(server.slice(server.lastIndexOf(':') + 1)) <= 65_535;
}

export class ServerList {
  private learned: string[] = [];

  constructor(private readonly configured: readonly string[]) {
    if (configured.length < 1) throw new Error('at least one control-plane address is required');
  }

  get size(): number {
    return this.configured.length + this.learned.length;
  }

  /** The address at `index`, wrapping around. */
  at(index: number): string {
    const all = this.all();
    return all[((index % all.length) + all.length) % all.length];
  }

  all(): string[] {
    return [...this.configured, ...this.learned];
  }

  /**
   * Replaces what was learned with `servers` (malformed and configured ones left out).
   * Returns the addresses refused as malformed, for the log. An empty list keeps what was known:
   * a replica that knows nothing yet does not make the agent forget the others.
   */
  learn(servers: readonly string[]): string[] {
    const refused = servers.filter((s) => !isServerAddress(s));
    const fresh = [...new Set(servers.filter((s) => isServerAddress(s) && !this.configured.includes(s)))];
    if (servers.length > 0) this.learned = fresh.slice(0, MAX_LEARNED);
    return refused;
  }
}
