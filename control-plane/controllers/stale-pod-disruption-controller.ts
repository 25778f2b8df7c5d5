/**
 * The stale DisruptionTarget clean-up's wiring (decisions in stale-pod-disruption-plan.ts;
 * Kubernetes runs it inside the disruption controller, on a queue of its own): a pod's key when
 * it carries DisruptionTarget True without being deleted; a pass waits until the mark is 2
 * minutes old, then writes the condition False through the pod's status with the
 * resourceVersion read (a Conflict requeues).
 */
import type { Pod } from '../../api/core-v1';
import { cacheKey } from '../store/informer';
import { changesOf, defineController } from './framework/define-controller';
import { planStalePodDisruption } from './stale-pod-disruption-plan';

export const stalePodDisruptionController = defineController({
  name: 'stale-pod-disruption-controller',
  queue: { baseDelayMs: 100, maxDelayMs: 30_000 },
  setup(ctx) {
    const pods = ctx.informers.forResource<Pod>('pods');
    const now = (): Date => new Date(ctx.clock.now());
    return {
      watches: [changesOf(pods, (pod) => (planStalePodDisruption(pod, now()).action === 'none' ? [] : [cacheKey(pod)]))],
      async reconcile(key) {
        const pod = pods.get(key);
        if (!pod) return {};
        const plan = planStalePodDisruption(pod, now());
        if (plan.action === 'wait') return { requeueAfterMs: plan.afterMs };
        if (plan.action === 'clear') await ctx.client.updateStatus('pods', pod.metadata.namespace, pod.metadata.name ?? '', plan.pod);
        return {};
      },
    };
  },
});
