/**
 * The last Services and EndpointSlices the agent was sent, kept in its state directory so that
 * cluster DNS answers even when the agent restarts while the control plane is away (a Pi
 * rebooting during a master outage). Only DNS is served from it: the iptables rules outlive an
 * agent restart on their own, and pods' service variables wait for a real sync (the kubelet's
 * rule). Written at most every `intervalMs`, atomically; a missing or damaged file is ignored.
 */
import { readFileSync } from 'node:fs';
import type { EndpointSlice, Service } from '../api/service-v1';
import { writeFileAtomic } from './atomic-file';
import { serviceShapeProblem, sliceShapeProblem } from './service-shapes';

const VERSION = 1;

export interface ServicesView {
  services: Service[];
  slices: EndpointSlice[];
}

interface FileShape extends ServicesView {
  version: number;
}

export class ServicesSnapshot {
  private timer?: NodeJS.Timeout;
  private pending?: () => ServicesView;

  constructor(private readonly file: string, private readonly log: (message: string) => void, private readonly intervalMs = 5_000) {}

  load(): ServicesView | undefined {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch {
      return undefined;
    }
    try {
      const parsed = JSON.parse(text) as FileShape;
      if (parsed?.version !== VERSION || !Array.isArray(parsed.services) || !Array.isArray(parsed.slices)) throw new Error('unknown format');
      // Entries of a damaged file are dropped one by one, as the object feed's would be.
      return { services: parsed.services.filter((s) => serviceShapeProblem(s) === undefined), slices: parsed.slices.filter((s) => sliceShapeProblem(s) === undefined) };
    } catch (err) {
      this.log(`ignoring the services snapshot ${this.file}: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
  }

  /** Schedules a write of what `view` returns then (a burst of changes costs one write). */
  save(view: () => ServicesView): void {
    this.pending = view;
    this.timer ??= setTimeout(() => this.flush(), this.intervalMs);
  }

  /** Writes what is pending now (at shutdown). */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const view = this.pending;
    this.pending = undefined;
    if (!view) return;
    try {
      writeFileAtomic(this.file, JSON.stringify({ version: VERSION, ...view() }));
    } catch (err) {
      this.log(`cannot write the services snapshot ${this.file}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
