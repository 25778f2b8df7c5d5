/**
 * Pod events from agents, recorded as the kubelet's: a core/v1 Event on the pod (the
 * container as `fieldPath`) from component `kubelet` with the node as host, through the
 * EventRecorder, which counts repeats on the Event already written. A node may only speak
 * of pods bound to it; an event about a pod that is gone or was recreated (another uid) is
 * stale and dropped, as the kubelet's would be refused.
 */
import type { ObjectReference, Pod } from '../../api/core-v1';
import { ApiError } from '../../api/errors';
import { EventRecorder } from '../registry/event-recorder';
import type { Registry } from '../registry/registry';
import type { ValidPodEvent } from './agent-message-validation';
import type { ObjectCache } from './node-view';

export interface KubeletEventsOptions {
  registry: Registry;
  pods: ObjectCache<Pod>;
  now?: () => Date;
  log: (message: string) => void;
}

export type PodEventOutcome = 'recorded' | 'stale';

export class KubeletEvents {
  /** One recorder per node: its source (`kubelet`, host) is part of every de-duplication key. */
  private readonly recorders = new Map<string, EventRecorder>();

  constructor(private readonly opts: KubeletEventsOptions) {}

  /** Records the event; throws Forbidden when the pod is bound elsewhere (NodeRestriction). */
  async record(nodeName: string, event: ValidPodEvent): Promise<PodEventOutcome> {
    const pod = this.opts.pods.get(`${event.namespace}/${event.name}`);
    if (!pod || pod.metadata.uid !== event.uid) return 'stale';
    if (pod.spec.nodeName !== nodeName) {
      throw new ApiError('Forbidden', `pod ${event.namespace}/${event.name} (uid ${event.uid}) is not bound to node "${nodeName}"`);
    }
    const ref: ObjectReference = { kind: 'Pod', apiVersion: 'v1', namespace: event.namespace, name: event.name, uid: event.uid };
    if (event.fieldPath) ref.fieldPath = event.fieldPath;
    await this.recorderFor(nodeName).record(ref, event.type, event.reason, event.message);
    return 'recorded';
  }

  /** A node that is gone takes its de-duplication memory with it. */
  forgetNode(nodeName: string): void {
    this.recorders.delete(nodeName);
  }

  private recorderFor(nodeName: string): EventRecorder {
    let recorder = this.recorders.get(nodeName);
    if (!recorder) {
      recorder = new EventRecorder({ registry: this.opts.registry, source: { component: 'kubelet', host: nodeName }, now: this.opts.now, log: this.opts.log, cacheSize: 1024 });
      this.recorders.set(nodeName, recorder);
    }
    return recorder;
  }
}
