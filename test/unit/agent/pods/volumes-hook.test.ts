import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Pod } from '../../../../api/core-v1';
import { VolumesHook } from '../../../../agent/pods/volumes-hook';
import { PodVolumes } from '../../../../agent/volumes/pod-volumes';
import { contextFor, never, plans, RecordedEvents } from './hook-fixtures';
import { aPod } from './pod-builder';

describe('volumes hook', () => {
  let dir: string;
  let events: RecordedEvents;
  const noTmpfs = { mountTmpfs: () => Promise.reject(new Error('no tmpfs here')), mountFilesystem: () => Promise.reject(new Error('no mounts here')), unmount: async () => undefined, isMountPoint: () => false, isLocalMountPoint: async () => false };
  const podWith = (volumes: Pod['spec']['volumes']): Pod => {
    const p = aPod('web', 'uid-v').withContainer({ name: 'app' }).build();
    p.spec.volumes = volumes;
    return p;
  };

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'pikube-volumes-hook-'));
    events = new RecordedEvents();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('sets up every volume and hands their paths on; the teardown removes the pod directory', async () => {
    const hook = new VolumesHook(new PodVolumes(dir, noTmpfs), events.log);
    const ctx = contextFor(plans.newSandbox);
    assert.deepEqual(await hook.setUp(podWith([{ name: 'data', emptyDir: {} }]), ctx, never), { ok: true });
    const data = ctx.resources.volumePaths.get('data') ?? '';
    assert.ok(existsSync(data) && data.startsWith(path.join(dir, 'pods', 'uid-v')), data);
    await hook.tearDown('uid-v', never);
    assert.equal(existsSync(path.join(dir, 'pods', 'uid-v')), false);
  });

  it('holds the pod with FailedMount and ContainerCreating on the containers not created yet, again in 5 s', async () => {
    const hook = new VolumesHook(new PodVolumes(dir, noTmpfs), events.log);
    const result = await hook.setUp(podWith([{ name: 'cfg', configMap: { name: 'x' } }]), contextFor(plans.startApp), never);
    assert.deepEqual(result, { ok: false, shownOn: 'uncreated', retryAfterMs: 5000, waiting: { reason: 'ContainerCreating' } });
    assert.deepEqual(events.events, ['Warning FailedMount: MountVolume.SetUp failed for volume "cfg" : configmap "x" not found']);
  });

  it('refuses volumes on a node without a state directory, and has nothing to tear down there', async () => {
    const hook = new VolumesHook(undefined, events.log);
    const result = await hook.setUp(podWith([{ name: 'data', emptyDir: {} }]), contextFor(plans.startApp), never);
    assert.equal(result.ok === false && result.waiting.reason, 'ContainerCreating');
    assert.deepEqual(events.events, ['Warning FailedMount: MountVolume.SetUp failed for volume "data" : this node has no state directory for volumes']);
    assert.deepEqual(await hook.setUp(podWith(undefined), contextFor(plans.startApp), never), { ok: true });
    await hook.tearDown('uid-v', never);
  });

  it('lets a running pod go on with its last files when its ConfigMap is deleted, saying FailedMount', async () => {
    let present = true;
    const config = {
      configMap: (namespace: string, name: string) => (present ? { apiVersion: 'v1' as const, kind: 'ConfigMap' as const, metadata: { name, namespace }, data: { k: 'v' } } : undefined),
      secret: () => undefined,
    };
    const hook = new VolumesHook(new PodVolumes(dir, noTmpfs, { config }), events.log);
    const pod = podWith([{ name: 'cfg', configMap: { name: 'settings' } }]);
    assert.deepEqual(await hook.setUp(pod, contextFor(plans.startApp), never), { ok: true });
    present = false;
    const ctx = contextFor(plans.startApp);
    assert.deepEqual(await hook.setUp(pod, ctx, never), { ok: true });
    assert.ok(existsSync(path.join(ctx.resources.volumePaths.get('cfg') ?? '', 'k')));
    assert.deepEqual(events.events, ['Warning FailedMount: MountVolume.SetUp failed for volume "cfg" : configmap "settings" not found']);
  });
});
