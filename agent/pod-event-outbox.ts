/**
 * Pod events waiting for the control plane: a bounded FIFO, so that a node away from the
 * control plane keeps its memory bounded (the oldest events go first, and the count of those
 * dropped is kept for the log). A burst of identical events not yet sent is coalesced into
 * one: the control plane counts repeats itself, and events are best effort by nature.
 */
import type { Pod } from '../api/core-v1';
import type { AgentMessage } from '../proto/generated/pikube/node/v1/AgentMessage';
import type { PodEvent } from './pods/pod-events';

export const MAX_PENDING_EVENTS = 256;

function keyOf(message: AgentMessage): string {
  const e = message.pod_event;
  return JSON.stringify([e?.pod_uid, e?.field_path, e?.type, e?.reason, e?.message]);
}

export class PodEventOutbox {
  private readonly queue = new Map<string, AgentMessage>();
  private droppedCount = 0;

  constructor(private readonly max = MAX_PENDING_EVENTS) {}

  add(pod: Pod, event: PodEvent): void {
    const { namespace = '', name = '', uid = '' } = pod.metadata;
    const message: AgentMessage = {
      pod_event: { namespace, pod_name: name, pod_uid: uid, field_path: event.fieldPath, type: event.type, reason: event.reason, message: event.message },
    };
    const key = keyOf(message);
    if (this.queue.has(key)) return;
    this.queue.set(key, message);
    if (this.queue.size > this.max) {
      this.queue.delete(this.queue.keys().next().value as string);
      this.droppedCount++;
    }
  }

  get pending(): number {
    return this.queue.size;
  }

  /** Events dropped because the queue was full, since the last call. */
  takeDropped(): number {
    const n = this.droppedCount;
    this.droppedCount = 0;
    return n;
  }

  /** The queued messages, oldest first; the queue is left empty. */
  drain(): AgentMessage[] {
    const out = [...this.queue.values()];
    this.queue.clear();
    return out;
  }
}
