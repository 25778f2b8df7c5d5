/**
 * Every node's figures, whichever replica holds its session, for the live kinds (node Leases,
 * the Metrics API): this replica's own (node-figures.ts) and, asked when read, each other
 * replica's (ReplicaService.NodeFigures), merged per node. Asking on read keeps the design's
 * rule that nothing about liveness or usage is written to etcd; a read costs one call per
 * other replica (two or four on a home lab), bounded by the client's deadline. A replica that
 * does not answer is left out: its nodes are absent from this answer, as they were before
 * they reported, and the log says which replica failed.
 */
import type { ValidUsageReport } from './agent-message-validation';
import { figuresFromWire, mergeNodeFigures, type NodeFigure } from './node-figures';
import type { ReplicaTarget } from './replica-directory';
import type { ReplicaClients } from './replica-relay-client';

export interface ClusterNodeFiguresOptions {
  local(): NodeFigure[];
  /** Every other live replica (replica-directory.ts `otherReplicas`). */
  others(): ReplicaTarget[];
  remote: Pick<ReplicaClients, 'figures'>;
  log: (message: string) => void;
}

export class ClusterNodeFigures {
  constructor(private readonly opts: ClusterNodeFiguresOptions) {}

  /** The latest usage report of every node (metrics-sources.ts). */
  async entries(): Promise<[string, ValidUsageReport][]> {
    return [...(await this.all()).values()].flatMap((f) => (f.usage ? [[f.nodeName, f.usage] as [string, ValidUsageReport]] : []));
  }

  /** When each node's agent last spoke to any replica (node-leases.ts). */
  async lastSeenTimes(): Promise<Map<string, number>> {
    return new Map([...(await this.all()).values()].flatMap((f) => (f.lastSeenMs ? [[f.nodeName, f.lastSeenMs] as [string, number]] : [])));
  }

  private async all(): Promise<Map<string, NodeFigure>> {
    const remote = await Promise.all(this.opts.others().map((target) => this.opts.remote.figures(target).then(
      (wire) => figuresFromWire(wire, (problem) => this.opts.log(`node figures from replica "${target.identity}": ${problem}`)),
      (err: unknown) => {
        this.opts.log(`node figures: replica "${target.identity}" (${target.address}) did not answer: ${err instanceof Error ? err.message : String(err)}`);
        return [];
      },
    )));
    return mergeNodeFigures([...this.opts.local(), ...remote.flat()]);
  }
}
