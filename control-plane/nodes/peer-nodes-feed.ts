/**
 * The cluster's nodes as one agent needs them for the pod network (proto PeerNodes): name,
 * pod CIDR and InternalIP of every node that has both. Read from the shared Node informer;
 * a burst of changes is coalesced for `coalesceMs`, and a set equal to the last one sent is not
 * sent again (node status updates change nothing here). Always the full set.
 */
import type { Node } from '../../api/core-v1';
import type { PeerNodes } from '../../proto/generated/pikube/node/v1/PeerNodes';
import { guarded, readEach, SkipReporter } from '../reader-guard';
import type { Disposable } from '../../base/disposable';
import type { ChangeHandler } from '../store/informer';

export interface PeerNodeCache {
  list(filter?: (node: Node) => boolean): Node[];
  onChange(handler: ChangeHandler<Node>): Disposable;
}

export interface PeerNodesFeedOptions {
  nodes: PeerNodeCache;
  send(peers: PeerNodes): void;
  /** Default 50 ms. */
  coalesceMs?: number;
  /** Where a malformed Node or a failed send is reported. Default console.warn. */
  log?: (message: string) => void;
}

export interface PeerEntry {
  name: string;
  pod_cidr: string;
  internal_ip: string;
}

/** The node's first InternalIP address (Kubernetes NodeAddress type InternalIP). */
export function internalIPOf(node: Node): string | undefined {
  return node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
}

/** The node's entry, if it has a pod CIDR and an InternalIP; throws on a malformed Node. */
function peerEntry(node: Node): PeerEntry | undefined {
  const ip = internalIPOf(node);
  const cidr = node.spec?.podCIDR;
  const name = node.metadata.name;
  if (node.metadata.deletionTimestamp || !ip || !cidr) return undefined;
  if (typeof ip !== 'string' || typeof cidr !== 'string' || typeof name !== 'string') throw new TypeError('name, pod CIDR and address must be strings');
  return { name, pod_cidr: cidr, internal_ip: ip };
}

/**
 * Nodes with a pod CIDR and an InternalIP, sorted by name (a stable rendering to compare).
 * A malformed Node is handed to `skipped` and left out: the others still make the network.
 */
export function peerEntries(nodes: Node[], skipped: (node: Node, err: unknown) => void = () => undefined): PeerEntry[] {
  const entries = readEach(nodes, peerEntry, skipped);
  return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export class PeerNodesFeed implements Disposable {
  private subscription?: Disposable;
  private timer?: NodeJS.Timeout;
  private lastSent?: string;
  private disposed = false;
  private readonly log: (message: string) => void;
  private readonly skipped: SkipReporter;

  constructor(private readonly opts: PeerNodesFeedOptions) {
    this.log = opts.log ?? ((message) => console.warn(message));
    this.skipped = new SkipReporter('peer nodes feed', this.log);
  }

  /** Sends the current set now and follows changes until disposed. */
  start(): void {
    if (this.disposed || this.subscription) return;
    this.subscription = this.opts.nodes.onChange(() => this.schedule());
    this.flush();
  }

  dispose(): void {
    this.disposed = true;
    this.subscription?.dispose();
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    if (this.disposed || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      guarded('peer nodes feed', this.log, () => this.flush());
    }, this.opts.coalesceMs ?? 50);
  }

  private flush(): void {
    if (this.disposed) return;
    const nodes = peerEntries(this.opts.nodes.list(), (node, err) => this.skipped.report(node, err));
    const text = JSON.stringify(nodes);
    if (text === this.lastSent) return;
    this.lastSent = text;
    this.opts.send({ nodes });
  }
}
