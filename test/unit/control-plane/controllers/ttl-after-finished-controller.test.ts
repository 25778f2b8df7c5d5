import assert from 'node:assert/strict';
import type { Job } from '../../../../api/batch-v1';
import { garbageCollectorController } from '../../../../control-plane/controllers/garbage-collector-controller';
import { ttlAfterFinishedController } from '../../../../control-plane/controllers/ttl-after-finished-controller';
import { MemoryStore } from '../../../../control-plane/store/memory-store';
import { until } from '../../../../scripts/cluster/wait-until';
import { ControllerHarness } from '../../../support/controller-harness';

const JOBS = 'jobs.batch';

function aJob(name: string, ttl: number | undefined): Job {
  return {
    apiVersion: 'batch/v1', kind: 'Job', metadata: { name, namespace: 'default' },
    spec: { ...(ttl === undefined ? {} : { ttlSecondsAfterFinished: ttl }), template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } },
  };
}

describe('ttl-after-finished controller (with the garbage collector) over the in-memory store', () => {
  let harness: ControllerHarness;

  beforeEach(async () => {
    harness = new ControllerHarness({ store: new MemoryStore() }).run(ttlAfterFinishedController, garbageCollectorController);
    await harness.registry.create('namespaces', undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
  });
  afterEach(() => harness.stop());

  const exists = async (name: string): Promise<boolean> => harness.registry.get(JOBS, 'default', name).then(() => true, () => false);
  async function finish(name: string): Promise<number> {
    const job = await harness.registry.get<Job>(JOBS, 'default', name);
    const now = new Date();
    const at = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
    await harness.registry.updateStatus(JOBS, 'default', name, { ...job, status: { conditions: [{ type: 'Complete', status: 'True', lastTransitionTime: at }], completionTime: at } });
    return Date.parse(at);
  }

  it('deletes a finished job (in the foreground) ttlSecondsAfterFinished after it finished, not before', async function () {
    this.timeout(10_000);
    await harness.registry.create(JOBS, 'default', aJob('short', 2));
    const finishedAt = await finish('short');
    await new Promise((r) => setTimeout(r, 500));
    assert.ok(await exists('short'), 'kept within its ttl');
    await until(async () => !(await exists('short')), { timeoutMs: 5_000 });
    assert.ok(Date.now() >= finishedAt + 2_000, `deleted ${Date.now() - finishedAt} ms after it finished`);
  });

  it('keeps a running job and a finished job without ttl', async () => {
    await harness.registry.create(JOBS, 'default', aJob('running', 0));
    await harness.registry.create(JOBS, 'default', aJob('forever', undefined));
    await finish('forever');
    await new Promise((r) => setTimeout(r, 500));
    assert.ok(await exists('running'));
    assert.ok(await exists('forever'));
  });
});
