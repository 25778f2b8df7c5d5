import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PodResolvConf } from '../../../../agent/pods/pod-resolv-conf';
import { ResolvConfHook } from '../../../../agent/pods/resolv-conf-hook';
import { contextFor, plans, RecordedEvents } from './hook-fixtures';
import { aPod } from './pod-builder';

describe('resolv.conf hook', () => {
  let dir: string;
  let hostFile: string;
  let nameserver: string | undefined;
  let events: RecordedEvents;
  let logs: string[];
  const pod = aPod('web', 'uid-r').withContainer({ name: 'app' }).build();
  const podFile = (): string => path.join(dir, 'pods', 'uid-r', 'resolv.conf');
  const hook = (): ResolvConfHook => {
    const dns = new PodResolvConf({ clusterDomain: 'cluster.local', nameserver: () => nameserver, hostResolvConf: hostFile }, (uid) => path.join(dir, 'pods', uid), '192.168.1.11');
    return new ResolvConfHook(dns, events.log, (m) => logs.push(m), () => 'default/web');
  };

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'pikube-dns-hook-'));
    hostFile = path.join(dir, 'host-resolv.conf');
    writeFileSync(hostFile, 'nameserver 192.168.1.1\n');
    nameserver = '10.42.1.1';
    events = new RecordedEvents();
    logs = [];
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('forms the file afresh with each new sandbox, and only brings it back when missing otherwise', async () => {
    const h = hook();
    const ctx = contextFor(plans.newSandbox);
    assert.deepEqual(await h.setUp(pod, ctx), { ok: true });
    assert.equal(ctx.resources.resolvConf, podFile());
    nameserver = '10.42.1.99';
    await h.setUp(pod, contextFor(plans.steady));
    assert.match(readFileSync(podFile(), 'utf8'), /nameserver 10\.42\.1\.1\n/);
    unlinkSync(podFile());
    await h.setUp(pod, contextFor(plans.steady));
    assert.match(readFileSync(podFile(), 'utf8'), /nameserver 10\.42\.1\.99\n/);
    await h.setUp(pod, contextFor(plans.newSandbox));
    assert.match(readFileSync(podFile(), 'utf8'), /nameserver 10\.42\.1\.99\n/);
  });

  it('fails a new sandbox when the node resolver cannot be read (ContainerCreating on every container)', async () => {
    rmSync(hostFile);
    const result = await hook().setUp(pod, contextFor(plans.newSandbox));
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.deepEqual([result.shownOn, result.waiting.reason, result.retryAfterMs], ['all', 'ContainerCreating', undefined]);
    assert.match(result.waiting.message ?? '', /^failed to create pod sandbox: ENOENT/);
    assert.ok(result.error instanceof Error);
  });

  it('writes nothing for a pod being killed for its dead sandbox', async () => {
    assert.deepEqual(await hook().setUp(pod, contextFor(plans.killPod)), { ok: true });
    assert.equal(existsSync(podFile()), false);
  });

  it('announces MissingClusterDNS (at most once a minute) and logs it once for the pod', async () => {
    nameserver = undefined;
    const h = hook();
    await h.setUp(pod, contextFor(plans.newSandbox));
    await h.setUp(pod, contextFor(plans.newSandbox));
    assert.equal(events.events.filter((e) => e.startsWith('Warning MissingClusterDNS')).length, 1, events.events.join('\n'));
    assert.equal(logs.length, 1);
    assert.match(logs[0], /^pod default\/web: the cluster DNS address is not known/);
  });
});
