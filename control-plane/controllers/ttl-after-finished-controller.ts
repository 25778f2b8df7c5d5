/**
 * The TTL-after-finished controller's wiring (decision in ttl-after-finished-plan.ts): a Job's
 * key on each change of it; an expired Job is read again from the API (the cache may be stale:
 * its TTL may have grown, or it may have been restarted) and deleted in the foreground, with its
 * uid as a precondition, so its pods go before it, as Kubernetes does.
 */
import type { Job } from '../../api/batch-v1';
import { cacheKey } from '../store/informer';
import { unlessNotFound } from './framework/api-client';
import { changesOf, defineController } from './framework/define-controller';
import { planTtl } from './ttl-after-finished-plan';

const JOBS = 'jobs.batch';

export const ttlAfterFinishedController = defineController({
  name: 'ttl-after-finished-controller',
  setup(ctx) {
    const jobs = ctx.informers.forResource<Job>(JOBS);
    return {
      watches: [changesOf(jobs, (job) => (job.spec.ttlSecondsAfterFinished === undefined ? [] : [cacheKey(job)]))],
      async reconcile(key) {
        const cached = jobs.get(key);
        if (!cached) return {};
        const first = planTtl(cached, new Date(ctx.clock.now()));
        if (first.action !== 'delete') return first.action === 'wait' ? { requeueAfterMs: first.afterMs } : {};
        const fresh = await ctx.client.get<Job>(JOBS, cached.metadata.namespace, cached.metadata.name ?? '').catch(unlessNotFound);
        if (!fresh) return {};
        const decision = planTtl(fresh, new Date(ctx.clock.now()));
        if (decision.action === 'wait') return { requeueAfterMs: decision.afterMs };
        if (decision.action === 'none') return {};
        await ctx.client.delete(JOBS, fresh.metadata.namespace, fresh.metadata.name ?? '', { propagationPolicy: 'Foreground', preconditions: { uid: fresh.metadata.uid } }).catch(unlessNotFound);
        return {};
      },
    };
  },
});
