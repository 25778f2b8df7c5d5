/** Plans and an event recorder for tests of the pod hooks. */
import type { Pod, PodStatus } from '../../../../api/core-v1';
import type { PodPlan } from '../../../../agent/pods/pod-actions';
import { PodEventLog } from '../../../../agent/pods/pod-event-log';
import type { SetUpContext } from '../../../../agent/pods/pod-hooks';
import type { PodEvent, PodReporter } from '../../../../agent/pods/pod-sink';

export const plans: Record<'newSandbox' | 'killPod' | 'startApp' | 'steady', PodPlan> = {
  newSandbox: { stage: 'sandbox', actions: [{ type: 'createSandbox', attempt: 0, reason: 'SandboxMissing' }] },
  killPod: { stage: 'sandbox', actions: [{ type: 'killPod', reason: 'SandboxDied' }] },
  startApp: { stage: 'containers', actions: [{ type: 'startContainer', name: 'app', role: 'regular', restartCount: 0, reason: 'NotCreated' }] },
  steady: { stage: 'containers', actions: [{ type: 'keepContainer', name: 'app', reason: 'Running' }] },
};

export function contextFor(plan: PodPlan): SetUpContext {
  return { plan, resources: { volumePaths: new Map() } };
}

export const never = new AbortController().signal;

export class RecordedEvents implements PodReporter {
  readonly events: string[] = [];
  readonly log = new PodEventLog(this, { now: () => 0 });

  reportStatus(_pod: Pod, _status: PodStatus): void {}
  reportTerminated(_pod: Pod): void {}
  reportEvent(_pod: Pod, e: PodEvent): void {
    this.events.push(`${e.type} ${e.reason}: ${e.message}`);
  }
}
