/**
 * The cluster's nodes as one agent needs them for the pod network (proto PeerNodes): name,
 * pod CIDR and InternalIP of every node that has both. Read from the shared Node informer;
 * a burst of changes is coalesced for `coalesceMs`, and a set equal to the last one sent is not
 * sent again (node status updates change nothing here). Always the full set.
 */
import type { Node } from '../../api/core-v1';
import type { PeerNodes } from '../../proto/generated/pikube/node/v1/PeerNodes';
import type { ChangeHandler, Disposable } from '../store/informer';

export interface PeerNodeCache {
  list(filter?: (node: Node) => boolean): Node[];
  onChange(handler: ChangeHandler<Node>): Disposable;
}

export interface PeerNodesFeedOptions {
  nodes: PeerNodeCache;
  send(peers: PeerNodes): void;
  /** Default 50 ms. */
  coalesceMs?: number;
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

/** Nodes with a pod CIDR and an InternalIP, sorted by name (a stable rendering to compare). */
export function peerEntries(nodes: Node[]): PeerEntry[] {
  const entries: PeerEntry[] = [];
  for (const node of nodes) {
    const ip = internalIPOf(node);
    const cidr = node.spec?.podCIDR;
    if (ip && cidr && !node.metadata.deletionTimestamp) entries.push({ name: node.metadata.name ?? '', pod_cidr: cidr, internal_ip: ip });
  }
  return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export class PeerNodesFeed implements Disposable {
  private subscription?: Disposable;
  private timer?: NodeJS.Timeout;
  private lastSent?: string;
  private disposed = false;

  constructor(private readonly opts: PeerNodesFeedOptions) {}

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
      this.flush();
    }, this.opts.coalesceMs ?? 50);
  }

  private flush(): void {
    if (this.disposed) return;
    const nodes = peerEntries(this.opts.nodes.list());
    const text = JSON.stringify(nodes);
    if (text === this.lastSent) return;
    this.lastSent = text;
    this.opts.send({ nodes });
  }
}
