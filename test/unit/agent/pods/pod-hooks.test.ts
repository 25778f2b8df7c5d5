import assert from 'node:assert/strict';
import type { Pod } from '../../../../api/core-v1';
import { runSetUp, runSynced, runTearDown, type PodSetUpHook, type PodTearDownHook, type SetUpContext, type SetUpResult } from '../../../../agent/pods/pod-hooks';
import { aPod } from './pod-builder';

const pod = aPod('web', 'uid-h').withContainer({ name: 'app' }).build();
const context = (): SetUpContext => ({ plan: { stage: 'containers', actions: [] }, resources: { volumePaths: new Map() } });
const never = new AbortController().signal;

function setUpHook(name: string, ran: string[], result: SetUpResult | Error, write?: (ctx: SetUpContext) => void): PodSetUpHook {
  return {
    name,
    setUp: async (_pod: Pod, ctx: SetUpContext) => {
      ran.push(name);
      if (result instanceof Error) throw result;
      write?.(ctx);
      return result;
    },
  };
}

function tearDownHook(name: string, ran: string[], failure?: Error): PodTearDownHook {
  return {
    name,
    tearDown: async (podUid: string) => {
      ran.push(`${name}:${podUid}`);
      if (failure) throw failure;
    },
  };
}

describe('pod hooks', () => {
  describe('set up', () => {
    it('runs every hook in order, each seeing what the ones before recorded', async () => {
      const ran: string[] = [];
      const seen: (string | undefined)[] = [];
      const hooks = [
        setUpHook('volumes', ran, { ok: true }, (ctx) => ctx.resources.volumePaths.set('data', '/pods/uid-h/data')),
        setUpHook('cgroup', ran, { ok: true }, (ctx) => { seen.push(ctx.resources.volumePaths.get('data')); ctx.resources.cgroupParent = '/pikube'; }),
      ];
      const ctx = context();
      assert.deepEqual(await runSetUp(hooks, pod, ctx, never), { ok: true });
      assert.deepEqual([ran, seen, ctx.resources.cgroupParent], [['volumes', 'cgroup'], ['/pods/uid-h/data'], '/pikube']);
    });

    it('stops at the first failure and names the hook that failed', async () => {
      const ran: string[] = [];
      const failure: SetUpResult = { ok: false, waiting: { reason: 'ContainerCreating', message: 'pod network not ready' }, shownOn: 'unstarted', retryAfterMs: 1000 };
      const hooks = [setUpHook('volumes', ran, { ok: true }), setUpHook('network', ran, failure), setUpHook('cgroup', ran, { ok: true })];
      assert.deepEqual(await runSetUp(hooks, pod, context(), never), { ...failure, hook: 'network' });
      assert.deepEqual(ran, ['volumes', 'network']);
    });

    it('lets an unexpected error through, running no later hook', async () => {
      const ran: string[] = [];
      const hooks = [setUpHook('volumes', ran, new Error('disk on fire')), setUpHook('cgroup', ran, { ok: true })];
      await assert.rejects(runSetUp(hooks, pod, context(), never), /disk on fire/);
      assert.deepEqual(ran, ['volumes']);
    });

    it('runs nothing once the signal is aborted', async () => {
      const ran: string[] = [];
      const stop = new AbortController();
      stop.abort(new Error('agent stopping'));
      await assert.rejects(runSetUp([setUpHook('volumes', ran, { ok: true })], pod, context(), stop.signal), /agent stopping/);
      assert.deepEqual(ran, []);
    });
  });

  describe('tear down', () => {
    it('runs every hook even when some fail, and reports all the failures by hook', async () => {
      const ran: string[] = [];
      const hooks = [tearDownHook('volumes', ran, new Error('tmpfs busy')), tearDownHook('cgroup', ran), tearDownHook('probes', ran, new Error('boom'))];
      const err = await runTearDown(hooks, 'uid-h', never).then(() => undefined, (e: unknown) => e);
      assert.deepEqual(ran, ['volumes:uid-h', 'cgroup:uid-h', 'probes:uid-h']);
      assert.ok(err instanceof AggregateError, String(err));
      assert.equal(err.message, 'tearing down pod uid-h: 2 of 3 hooks failed');
      assert.deepEqual(err.errors.map((e: Error) => e.message), ['volumes: tmpfs busy', 'probes: boom']);
      assert.equal((err.errors[0] as Error).cause instanceof Error, true);
    });

    it('resolves when every hook succeeded', async () => {
      const ran: string[] = [];
      await runTearDown([tearDownHook('volumes', ran), tearDownHook('cgroup', ran)], 'uid-h', never);
      assert.deepEqual(ran, ['volumes:uid-h', 'cgroup:uid-h']);
    });
  });

  it('hands the running containers to every synced hook', () => {
    const seen: string[] = [];
    const hook = { name: 'probes', synced: (p: Pod, running: { name: string }[], ip: string | undefined) => seen.push(`${p.metadata.name} ${running.map((c) => c.name).join(',')} ${ip}`) };
    runSynced([hook, hook], pod, [{ name: 'app', containerId: 'c1' }], '10.42.0.7');
    assert.deepEqual(seen, ['web app 10.42.0.7', 'web app 10.42.0.7']);
  });
});
