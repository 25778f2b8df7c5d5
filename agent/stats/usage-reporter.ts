/**
 * Every period, samples the node and its containers and hands the usage report to `send` (the
 * session, which drops it while disconnected: the next one follows soon). The first report goes
 * out at once, its CPU rates counted from each container's start and the node's boot.
 */
import type { Clock } from '../../base/clock';
import type { UsageReport } from '../../proto/generated/pikube/node/v1/UsageReport';
import type { NodeUsageSample } from './node-usage';
import { UsageTracker, type ContainerSample } from './usage-tracker';

/** metrics-server's default `--metric-resolution`. */
export const USAGE_REPORT_PERIOD_MS = 15_000;

export interface UsageReporterOptions {
  clock: Clock;
  periodMs?: number;
  node(): NodeUsageSample;
  containers(signal: AbortSignal): Promise<ContainerSample[]>;
  send(report: UsageReport): void;
  log(message: string): void;
}

export class UsageReporter {
  private readonly tracker = new UsageTracker();
  private failing = false;

  constructor(private readonly opts: UsageReporterOptions) {}

  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      await this.reportOnce(signal);
      await this.opts.clock.sleep(this.opts.periodMs ?? USAGE_REPORT_PERIOD_MS, signal);
    }
  }

  /** One sample and report; a failure is logged once until a sample works again. */
  async reportOnce(signal: AbortSignal): Promise<void> {
    try {
      const containers = await this.opts.containers(signal);
      const report = this.tracker.report(this.opts.clock.now(), this.opts.node(), containers);
      if (signal.aborted) return;
      this.opts.send(report);
      this.failing = false;
    } catch (err: unknown) {
      if (!this.failing && !signal.aborted) this.opts.log(`usage not sampled: ${err instanceof Error ? err.message : String(err)}`);
      this.failing = true;
    }
  }
}
