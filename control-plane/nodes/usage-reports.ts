/**
 * The latest usage report of each node whose session this replica holds, in memory only (as
 * metrics-server keeps its points): nothing about usage is ever written to etcd. A report
 * belongs to the session that sent it; when that session ends, the node's report goes (its
 * figures would only grow stale), and a newer session's report is never removed by an older one.
 */
import type { ValidUsageReport } from './agent-message-validation';

interface Held {
  owner: object;
  report: ValidUsageReport;
}

export class UsageReports {
  private readonly byNode = new Map<string, Held>();

  record(nodeName: string, owner: object, report: ValidUsageReport): void {
    this.byNode.set(nodeName, { owner, report });
  }

  /** The session `owner` ended: its node's report goes, unless a newer session's replaced it. */
  forget(nodeName: string, owner: object): void {
    if (this.byNode.get(nodeName)?.owner === owner) this.byNode.delete(nodeName);
  }

  latest(nodeName: string): ValidUsageReport | undefined {
    return this.byNode.get(nodeName)?.report;
  }

  /** Every node's latest report. */
  entries(): [string, ValidUsageReport][] {
    return [...this.byNode].map(([node, held]) => [node, held.report]);
  }
}
