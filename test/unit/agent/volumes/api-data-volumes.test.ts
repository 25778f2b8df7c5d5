import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ConfigMap, Secret } from '../../../../api/config-v1';
import type { Pod } from '../../../../api/core-v1';
import type { ConfigSource } from '../../../../agent/config-objects';
import { formatMap, goQuote } from '../../../../agent/volumes/downward-api-payload';
import { PodVolumes } from '../../../../agent/volumes/pod-volumes';
import type { Mounter } from '../../../../agent/volumes/tmpfs-mounter';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

class RecordingMounter implements Mounter {
  readonly mounted = new Set<string>();
  async mountTmpfs(dir: string): Promise<void> {
    this.mounted.add(dir);
  }
  async mountFilesystem(): Promise<void> {
    throw new Error('no network file systems in this test');
  }
  async unmount(dir: string): Promise<void> {
    this.mounted.delete(dir);
  }
  isMountPoint(dir: string): boolean {
    return this.mounted.has(dir);
  }
  async isLocalMountPoint(dir: string): Promise<boolean> {
    return this.isMountPoint(dir);
  }
}

describe('configMap, secret, downwardAPI and projected volumes', () => {
  let dir: string;
  let mounter: RecordingMounter;
  let configMaps: ConfigMap[];
  let secrets: Secret[];
  let volumes: PodVolumes;
  const signal = new AbortController().signal;
  const config: ConfigSource = {
    configMap: (ns, name) => configMaps.find((c) => c.metadata.namespace === ns && c.metadata.name === name),
    secret: (ns, name) => secrets.find((c) => c.metadata.namespace === ns && c.metadata.name === name),
  };

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'pikube-api-volumes-'));
    mounter = new RecordingMounter();
    configMaps = [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'example-redis-config', namespace: 'default' }, data: { 'redis-config': 'maxmemory 2mb\nmaxmemory-policy allkeys-lru\n', other: 'x' }, binaryData: { 'logo.bin': b64('\u0000\u0001') } }];
    secrets = [{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'kuard-tls', namespace: 'default' }, data: { 'kuard.crt': b64('CERT'), 'kuard.key': b64('KEY') } }];
    volumes = new PodVolumes(dir, mounter, { config, allocatable: () => ({ cpu: '4', memory: '1Gi' }) });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function podWith(volumeList: Pod['spec']['volumes'], labels: Record<string, string> = { app: 'redis' }): Pod {
    return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'redis', namespace: 'default', uid: 'u-1', labels, annotations: { note: 'say "hi"\n' } }, spec: { containers: [{ name: 'redis', resources: { limits: { memory: '64Mi' } } }], volumes: volumeList } };
  }

  async function pathOf(pod: Pod, name: string): Promise<string> {
    const set = await volumes.setUp(pod, signal);
    if (!set.ok) throw new Error(set.message);
    return set.paths.get(name) ?? '';
  }

  it('writes every key of a ConfigMap (binaryData too) with 0644, in the kubelet’s directory, on disk', async () => {
    const p = await pathOf(podWith([{ name: 'config', configMap: { name: 'example-redis-config' } }]), 'config');
    assert.equal(p, path.join(dir, 'pods/u-1/volumes/kubernetes.io~configmap/config'));
    assert.equal(readFileSync(path.join(p, 'redis-config'), 'utf8'), 'maxmemory 2mb\nmaxmemory-policy allkeys-lru\n');
    assert.deepEqual([...readFileSync(path.join(p, 'logo.bin'))], [0, 1]);
    assert.equal(statSync(path.join(p, 'other')).mode & 0o777, 0o644);
    assert.equal(mounter.mounted.size, 0);
  });

  it('writes only the listed items at their paths, with defaultMode and per-item mode', async () => {
    const p = await pathOf(podWith([{ name: 'config', configMap: { name: 'example-redis-config', defaultMode: 0o440, items: [{ key: 'redis-config', path: 'redis.conf' }, { key: 'other', path: 'sub/other', mode: 0o400 }] } }]), 'config');
    assert.equal(readFileSync(path.join(p, 'redis.conf'), 'utf8').startsWith('maxmemory 2mb'), true);
    assert.equal(statSync(path.join(p, 'redis.conf')).mode & 0o777, 0o440);
    assert.equal(statSync(path.join(p, 'sub/other')).mode & 0o777, 0o400);
    assert.equal(existsSync(path.join(p, 'redis-config')), false);
  });

  it('fails with the kubelet’s messages for a missing object or item, and is empty when optional', async () => {
    assert.deepEqual(await volumes.setUp(podWith([{ name: 'c', configMap: { name: 'nope' } }]), signal), { ok: false, volume: 'c', message: 'configmap "nope" not found' });
    assert.deepEqual(await volumes.setUp(podWith([{ name: 's', secret: { secretName: 'nope' } }]), signal), { ok: false, volume: 's', message: 'secret "nope" not found' });
    assert.deepEqual(await volumes.setUp(podWith([{ name: 'c', configMap: { name: 'example-redis-config', items: [{ key: 'missing', path: 'm' }] } }]), signal),
      { ok: false, volume: 'c', message: 'configmap references non-existent config key: missing' });
    assert.deepEqual(await volumes.setUp(podWith([{ name: 's', secret: { secretName: 'kuard-tls', items: [{ key: 'missing', path: 'm' }] } }]), signal),
      { ok: false, volume: 's', message: 'references non-existent secret key: missing' });
    const optional = await pathOf(podWith([{ name: 'c', configMap: { name: 'nope', optional: true } }]), 'c');
    assert.equal(readlinkSync(path.join(optional, '..data')).startsWith('..'), true);
  });

  it('puts a secret volume on a tmpfs of its own, decoded, and unmounts it when the pod goes', async () => {
    const p = await pathOf(podWith([{ name: 'tls-certs', secret: { secretName: 'kuard-tls' } }]), 'tls-certs');
    assert.equal(p, path.join(dir, 'pods/u-1/volumes/kubernetes.io~secret/tls-certs'));
    assert.deepEqual([...mounter.mounted], [p]);
    assert.equal(readFileSync(path.join(p, 'kuard.crt'), 'utf8'), 'CERT');
    await volumes.tearDown('u-1', signal);
    assert.equal(mounter.mounted.size, 0);
    assert.equal(existsSync(path.join(dir, 'pods/u-1')), false);
  });

  it('updates the files in place when the ConfigMap changes, and mounts them read-only', async () => {
    const pod = podWith([{ name: 'config', configMap: { name: 'example-redis-config' } }]);
    const p = await pathOf(pod, 'config');
    configMaps[0] = { ...configMaps[0], data: { 'redis-config': 'maxmemory 4mb\n' } };
    await pathOf(pod, 'config');
    assert.equal(readFileSync(path.join(p, 'redis-config'), 'utf8'), 'maxmemory 4mb\n');
    assert.equal(existsSync(path.join(p, 'other')), false);
    const mounts = volumes.mountsFor({ name: 'redis', volumeMounts: [{ name: 'config', mountPath: '/redis-master' }] }, new Map([['config', p]]));
    assert.deepEqual(mounts, { ok: true, mounts: [{ source: p, target: '/redis-master', readOnly: true }] });
  });

  it('mounts a subPath as the file it resolves to now (later updates do not reach it), never outside the volume', async () => {
    const pod = podWith([{ name: 'config', configMap: { name: 'example-redis-config' } }]);
    const p = await pathOf(pod, 'config');
    const mounts = volumes.mountsFor({ name: 'redis', volumeMounts: [{ name: 'config', mountPath: '/redis.conf', subPath: 'redis-config' }] }, new Map([['config', p]]));
    assert.ok(mounts.ok);
    const source = mounts.ok ? mounts.mounts[0].source : '';
    assert.match(source, /kubernetes\.io~configmap\/config\/\.\.\d{4}_.*\/redis-config$/);
    assert.equal(volumes.mountsFor({ name: 'redis', volumeMounts: [{ name: 'config', mountPath: '/x', subPath: 'missing' }] }, new Map([['config', p]])).ok, false);
  });

  it('writes downwardAPI files: labels and annotations as FormatMap, a limit with its divisor, and follows a label change', async () => {
    const downward = (labels: Record<string, string>) => podWith([{ name: 'podinfo', downwardAPI: { items: [
      { path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } },
      { path: 'annotations', fieldRef: { fieldPath: 'metadata.annotations' } },
      { path: 'name', fieldRef: { fieldPath: 'metadata.name' } },
      { path: 'mem_limit', resourceFieldRef: { containerName: 'redis', resource: 'limits.memory', divisor: '1Mi' } },
      { path: 'cpu_limit', resourceFieldRef: { containerName: 'redis', resource: 'limits.cpu' } },
    ] } }], labels);
    const p = await pathOf(downward({ app: 'redis', tier: 'cache' }), 'podinfo');
    assert.equal(p, path.join(dir, 'pods/u-1/volumes/kubernetes.io~downward-api/podinfo'));
    assert.equal(readFileSync(path.join(p, 'labels'), 'utf8'), 'app="redis"\ntier="cache"');
    assert.equal(readFileSync(path.join(p, 'annotations'), 'utf8'), 'note="say \\"hi\\"\\n"');
    assert.equal(readFileSync(path.join(p, 'name'), 'utf8'), 'redis');
    assert.equal(readFileSync(path.join(p, 'mem_limit'), 'utf8'), '64');
    assert.equal(readFileSync(path.join(p, 'cpu_limit'), 'utf8'), '4', 'the node’s allocatable for a missing limit');
    await pathOf(downward({ app: 'redis', tier: 'db' }), 'podinfo');
    assert.equal(readFileSync(path.join(p, 'labels'), 'utf8'), 'app="redis"\ntier="db"');
  });

  it('combines configMap, secret and downwardAPI sources in one projected volume on tmpfs', async () => {
    const p = await pathOf(podWith([{ name: 'all', projected: { defaultMode: 0o400, sources: [
      { configMap: { name: 'example-redis-config', items: [{ key: 'redis-config', path: 'redis.conf' }] } },
      { secret: { name: 'kuard-tls' } },
      { downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } },
    ] } }]), 'all');
    assert.equal(p, path.join(dir, 'pods/u-1/volumes/kubernetes.io~projected/all'));
    assert.ok(mounter.mounted.has(p));
    assert.equal(readFileSync(path.join(p, 'kuard.key'), 'utf8'), 'KEY');
    assert.equal(readFileSync(path.join(p, 'labels'), 'utf8'), 'app="redis"');
    assert.equal(statSync(path.join(p, 'redis.conf')).mode & 0o777, 0o400);
  });

  it('refuses serviceAccountToken projections with a clear error on a node without a token manager', async () => {
    const set = await volumes.setUp(podWith([{ name: 'token', projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } }]), signal);
    assert.deepEqual(set, { ok: false, volume: 'token', message: 'this node has no service account token manager' });
  });

  it('writes the token of a serviceAccountToken projection beside the other sources, and forgets the pod on tear-down', async () => {
    const forgotten: string[] = [];
    const tokens = { token: async () => 'header.payload.signature', prefetch: () => undefined, forgetPod: (uid: string) => void forgotten.push(uid) };
    const withTokens = new PodVolumes(dir, mounter, { config: { configMap: () => undefined, secret: () => undefined }, tokens });
    const pod = podWith([{ name: 'api', projected: { sources: [{ serviceAccountToken: { path: 'token', expirationSeconds: 3607 } }, { downwardAPI: { items: [{ path: 'namespace', fieldRef: { fieldPath: 'metadata.namespace' } }] } }] } }]);
    const set = await withTokens.setUp(pod, signal);
    assert.ok(set.ok);
    const p = set.paths.get('api') ?? '';
    assert.equal(readFileSync(path.join(p, 'token'), 'utf8'), 'header.payload.signature');
    assert.equal(readFileSync(path.join(p, 'namespace'), 'utf8'), pod.metadata.namespace);
    await withTokens.tearDown(pod.metadata.uid ?? '', signal);
    assert.deepEqual(forgotten, [pod.metadata.uid]);
  });

  it('quotes as Go’s %q and formats maps as Kubernetes’ FormatMap', () => {
    assert.equal(goQuote('a"b\\c\td\u0001é'), '"a\\"b\\\\c\\td\\x01é"');
    assert.equal(formatMap({ b: '2', a: '1' }), 'a="1"\nb="2"');
    assert.equal(formatMap(undefined), '');
  });

  it('keeps the last files of a volume whose ConfigMap is deleted while the pod runs, reporting it stale', async () => {
    const pod = podWith([{ name: 'config', configMap: { name: 'example-redis-config' } }]);
    const p = await pathOf(pod, 'config');
    configMaps = [];
    const set = await volumes.setUp(pod, signal);
    assert.deepEqual(set, { ok: true, paths: new Map([['config', p]]), stale: [{ volume: 'config', message: 'configmap "example-redis-config" not found' }] });
    assert.equal(readFileSync(path.join(p, 'other'), 'utf8'), 'x');
    const other = podWith([{ name: 'config', configMap: { name: 'example-redis-config' } }]);
    other.metadata.uid = 'u-2';
    assert.deepEqual(await volumes.setUp(other, signal), { ok: false, volume: 'config', message: 'configmap "example-redis-config" not found' }, 'a pod that never had it still waits');
  });
});
