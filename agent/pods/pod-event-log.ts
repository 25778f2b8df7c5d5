/**
 * A pod worker's outlet for Events: fills in the container's field path, bounds the message,
 * and drops an identical event repeated within `repeatWindowMs` when asked (state that each
 * pass would otherwise announce again, like ImagePullBackOff). Actions (Created, Started,
 * Killing) are never dropped: each happened.
 */
import type { Pod } from '../../api/core-v1';
import type { Clock } from '../../base/clock';
import { boundedMessage, containerFieldPath, type PodEvent, type PodEventType } from './pod-events';
import type { PodReporter } from './pod-sink';

export interface EventSpec {
  type: PodEventType;
  reason: string;
  message: string;
}

const MAX_REMEMBERED = 64;

export class PodEventLog {
  private readonly lastSent = new Map<string, number>();

  constructor(private readonly reporter: PodReporter, private readonly clock: Pick<Clock, 'now'>) {}

  /** An event about container `name` of the pod (or the pod itself for ''). */
  container(pod: Pod, name: string, spec: EventSpec, repeatWindowMs = 0): void {
    const event: PodEvent = { fieldPath: name ? containerFieldPath(pod, name) : '', ...spec, message: boundedMessage(spec.message) };
    if (repeatWindowMs > 0 && this.recentlySent(event, repeatWindowMs)) return;
    this.reporter.reportEvent(pod, event);
  }

  private recentlySent(event: PodEvent, windowMs: number): boolean {
    const key = `${event.fieldPath}\u0000${event.reason}\u0000${event.message}`;
    const now = this.clock.now();
    const last = this.lastSent.get(key);
    if (last !== undefined && now - last < windowMs) return true;
    this.lastSent.delete(key);
    this.lastSent.set(key, now);
    if (this.lastSent.size > MAX_REMEMBERED) this.lastSent.delete(this.lastSent.keys().next().value as string);
    return false;
  }
}
