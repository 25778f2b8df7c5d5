import assert from 'node:assert/strict';
import type { Secret } from '../../../../api/config-v1';
import { Backoff } from '../../../../base/backoff';
import { decidePull, effectivePullPolicy, normalizeImageRef } from '../../../../agent/pods/image-policy';
import { ImagePuller } from '../../../../agent/pods/image-puller';
import { FakeContainerRuntime } from './fake-container-runtime';

describe('image pull policy', () => {
  const defaults: [string, string][] = [
    ['nginx', 'Always'], ['nginx:latest', 'Always'], ['nginx:1.27', 'IfNotPresent'],
    ['registry.local:5000/app', 'Always'], ['registry.local:5000/app:v2', 'IfNotPresent'], ['nginx@sha256:abc', 'IfNotPresent'],
  ];
  for (const [image, want] of defaults) it(`defaults to ${want} for ${image}`, () => assert.equal(effectivePullPolicy({ image }), want));

  it('an explicit policy wins over the default', () => assert.equal(effectivePullPolicy({ image: 'nginx', imagePullPolicy: 'Never' }), 'Never'));

  it('adds :latest only to references with neither tag nor digest', () => {
    assert.equal(normalizeImageRef('nginx'), 'nginx:latest');
    assert.equal(normalizeImageRef('registry.local:5000/app'), 'registry.local:5000/app:latest');
    assert.equal(normalizeImageRef('nginx:1.27'), 'nginx:1.27');
    assert.equal(normalizeImageRef('nginx@sha256:abc'), 'nginx@sha256:abc');
  });

  const decisions: [Parameters<typeof decidePull>[0], boolean, string][] = [
    ['Always', true, 'pull'], ['Always', false, 'pull'],
    ['IfNotPresent', true, 'use-local'], ['IfNotPresent', false, 'pull'],
    ['Never', true, 'use-local'], ['Never', false, 'fail'],
  ];
  for (const [policy, present, want] of decisions) {
    it(`${policy} with the image ${present ? 'present' : 'missing'}: ${want}`, () => assert.equal(decidePull(policy, present, 'x').action, want));
  }

  it('Never with a missing image fails with the kubelet message', () => {
    assert.deepEqual(decidePull('Never', false, 'app:1'), {
      action: 'fail', reason: 'ErrImageNeverPull', message: 'Container image "app:1" is not present with pull policy of Never',
    });
  });
});

describe('ImagePuller', () => {
  let now = 1_000_000;
  const clock = { now: () => now };
  const signal = new AbortController().signal;

  it('uses a present image without pulling under IfNotPresent', async () => {
    const rt = new FakeContainerRuntime();
    rt.addImage('app:1');
    const r = await new ImagePuller(rt, new Backoff(clock)).ensure('u', { name: 'c', image: 'app:1', imagePullPolicy: 'IfNotPresent' }, signal);
    assert.equal(r.ok, true);
    assert.equal(rt.pulls, 0);
  });

  it('a failed pull is ErrImagePull, then ImagePullBackOff without pulling until the backoff (10 s, doubling) passes', async () => {
    const rt = new FakeContainerRuntime();
    const puller = new ImagePuller(rt, new Backoff(clock));
    const c = { name: 'c', image: 'gone:1', imagePullPolicy: 'IfNotPresent' as const };
    const first = await puller.ensure('u', c, signal);
    assert.equal(first.ok === false && first.reason, 'ErrImagePull');
    assert.match(first.ok === false ? first.message : '', /^no route/);
    now += 5_000;
    const during = await puller.ensure('u', c, signal);
    assert.deepEqual(during, { ok: false, reason: 'ImagePullBackOff', message: 'Back-off pulling image "gone:1": ErrImagePull: no route to registry for gone:1', retryAtMs: now + 5_000 });
    assert.equal(rt.pulls, 1);
    now += 5_000;
    const retried = await puller.ensure('u', c, signal);
    assert.equal(retried.ok === false && retried.reason, 'ErrImagePull');
    assert.equal(rt.pulls, 2);
    now += 15_000;
    const still = await puller.ensure('u', c, signal);
    assert.equal(still.ok === false && still.reason, 'ImagePullBackOff', 'the second backoff is 20 s');
    assert.equal(rt.pulls, 2);
  });

  it('Always pulls even when the image is present', async () => {
    const rt = new FakeContainerRuntime();
    rt.addImage('app:1');
    rt.pullable.add('app:1');
    const r = await new ImagePuller(rt, new Backoff(clock)).ensure('u', { name: 'c', image: 'app:1', imagePullPolicy: 'Always' }, signal);
    assert.equal(r.ok, true);
    assert.equal(rt.pulls, 1);
  });

  it('pulls an untagged image as :latest', async () => {
    const rt = new FakeContainerRuntime();
    rt.pullable.add('app:latest');
    const r = await new ImagePuller(rt, new Backoff(clock)).ensure('u', { name: 'c', image: 'app' }, signal);
    assert.equal(r.ok && r.ref, 'app:latest');
    assert.deepEqual(rt.calls, ['pull app:latest']);
  });
});

describe('ImagePuller with image pull secrets', () => {
  const clock = { now: () => 1_000_000 };
  const signal = new AbortController().signal;
  const b64 = (s: string): string => Buffer.from(s).toString('base64');
  const secret = (name: string, user: string, password: string): Secret => ({
    apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: 'default' }, type: 'kubernetes.io/dockerconfigjson',
    data: { '.dockerconfigjson': b64(JSON.stringify({ auths: { 'registry.home.lan:5000': { username: user, password, auth: b64(`${user}:${password}`) } } })) },
  });
  const image = 'registry.home.lan:5000/app:1';
  const privateRuntime = (): FakeContainerRuntime => {
    const rt = new FakeContainerRuntime();
    rt.pullable.add(image);
    rt.privateImages.set(image, 'pi:raspberry');
    return rt;
  };

  it('pulls with the credentials of the secret that names the registry', async () => {
    const rt = privateRuntime();
    const r = await new ImagePuller(rt, new Backoff(clock)).ensure('u', { name: 'c', image }, signal, { pullSecrets: [secret('reg', 'pi', 'raspberry')] });
    assert.equal(r.ok, true);
    assert.deepEqual(rt.calls, [`pull ${image} as pi`]);
  });

  it('pulls anonymously without a matching secret and fails with ErrImagePull', async () => {
    const rt = privateRuntime();
    const r = await new ImagePuller(rt, new Backoff(clock)).ensure('u', { name: 'c', image }, signal, { pullSecrets: [] });
    assert.deepEqual(r.ok ? undefined : [r.reason, r.message], ['ErrImagePull', 'no basic auth credentials']);
    assert.deepEqual(rt.calls, [`pull ${image}`]);
  });

  it('tries each matching credential in turn and aggregates the failures', async () => {
    const rt = privateRuntime();
    const puller = new ImagePuller(rt, new Backoff(clock));
    const wrong = await puller.ensure('u', { name: 'c', image }, signal, { pullSecrets: [secret('a', 'x', '1'), secret('b', 'y', '2')] });
    assert.deepEqual(wrong.ok ? undefined : wrong.message, '[unauthorized for x, unauthorized for y]');
    const right = await new ImagePuller(rt, new Backoff(clock)).ensure('v', { name: 'c', image }, signal, { pullSecrets: [secret('a', 'x', '1'), secret('b', 'pi', 'raspberry')] });
    assert.equal(right.ok, true);
    assert.deepEqual(rt.calls.slice(-2), [`pull ${image} as x`, `pull ${image} as pi`]);
  });
});
