/**
 * The image policy (`--allowed-image-registries`) against a real `pikube-server serve` on a real
 * etcd, driven by the real kubectl: an allowed pod stored, a refused one answered 403 with the
 * reason on kubectl's stderr and nothing stored, an image update refused, and a Deployment's
 * refused pods reported in its ReplicaSet's FailedCreate events.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { issueAdminCertificate, loadOrCreateClusterPki } from '../../../../control-plane/auth/cluster-pki';
import { writeKubeconfig } from '../../../../control-plane/auth/kubeconfig';
import { runCommand } from '../../../../scripts/cluster/run-command';
import { until } from '../../../../scripts/cluster/wait-until';
import { startControlPlaneReplica, type ControlPlaneReplica } from '../../../support/control-plane-process';
import { withEtcd } from '../../../support/etcd-fixture';

const ALLOWED = 'registry.home.lan/*,docker.io/library';

describe('image policy admission (real control plane, real kubectl)', function () {
  this.timeout(60_000);
  const etcd = withEtcd();
  let dir = '';
  let replica: ControlPlaneReplica | undefined;
  let flags: string[] = [];

  before(async function () {
    this.timeout(60_000);
    dir = mkdtempSync(path.join(os.tmpdir(), 'pikube-imagepolicy-'));
    const pki = loadOrCreateClusterPki(dir, '127.0.0.1');
    replica = await startControlPlaneReplica({
      dataDir: dir, etcdEndpoint: etcd.get().endpoint, etcdPrefix: etcd.get().keySpace().prefix, flags: { 'allowed-image-registries': ALLOWED },
    });
    await replica.process.waitForLog(/is now the leader/, 30_000);
    const kubeconfig = path.join(dir, 'kubeconfig');
    writeKubeconfig(kubeconfig, { server: `https://127.0.0.1:${replica.apiPort}`, caCertPem: pki.ca.certPem, client: issueAdminCertificate(pki.ca) });
    flags = [`--kubeconfig=${kubeconfig}`, `--cache-dir=${path.join(dir, 'kube-cache')}`];
    // The ServiceAccount admission needs the namespace's default account, made by the leader.
    await until(async () => (await kubectl(['get', 'sa', 'default'])).code === 0, { timeoutMs: 20_000, describe: () => 'no default ServiceAccount' });
  });

  after(async function () {
    this.timeout(30_000);
    await replica?.process.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const kubectl = (args: string[]) => runCommand('/usr/bin/kubectl', [...flags, ...args], { allowFailure: true, timeoutMs: 20_000 });
  const ok = async (args: string[]): Promise<string> => {
    const r = await kubectl(args);
    assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stdout}${r.stderr}`);
    return r.stdout;
  };

  it('stores a pod from an allowed registry, Docker Hub official images included', async () => {
    assert.match(await ok(['run', 'good', '--image=registry.home.lan/app:1']), /pod\/good created/);
    assert.match(await ok(['run', 'official', '--image=nginx']), /pod\/official created/);
  });

  it('refuses a pod from another registry with the reason on stderr, and stores nothing', async () => {
    const r = await kubectl(['run', 'bad', '--image=me/app:2']);
    assert.notEqual(r.code, 0);
    assert.equal(r.stderr.trim(), 'Error from server (Forbidden): pods "bad" is forbidden: image policy: image "docker.io/me/app:2" of container "bad" '
      + 'is not from an allowed registry (allowed: registry.home.lan/*, docker.io/library)');
    const get = await kubectl(['get', 'pod', 'bad']);
    assert.match(get.stderr, /pods "bad" not found/);
  });

  it('refuses an update that changes an image to a refused one, and takes an allowed one', async () => {
    const r = await kubectl(['set', 'image', 'pod/good', 'good=quay.io/x/app:3']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /pods "good" is forbidden: image policy: image "quay\.io\/x\/app:3" of container "good" is not from an allowed registry/);
    assert.equal(await ok(['get', 'pod', 'good', '-o', 'jsonpath={.spec.containers[0].image}']), 'registry.home.lan/app:1');
    await ok(['set', 'image', 'pod/good', 'good=registry.home.lan/app:2']);
    assert.equal(await ok(['get', 'pod', 'good', '-o', 'jsonpath={.spec.containers[0].image}']), 'registry.home.lan/app:2');
  });

  it('creates a Deployment whose pods are refused; its ReplicaSet records the refusal as FailedCreate', async () => {
    await ok(['create', 'deployment', 'web', '--image=ghcr.io/org/web:1']);
    const messages = async (): Promise<string> => (await kubectl(['get', 'events', '--field-selector', 'reason=FailedCreate', '-o', 'jsonpath={.items[*].message}'])).stdout;
    await until(async () => (await messages()).includes('image policy'), { timeoutMs: 30_000, describe: messages });
    assert.match(await messages(), /Error creating: pods "web-[a-z0-9]+-[a-z0-9]{5}" is forbidden: image policy: image "ghcr\.io\/org\/web:1" of container "web" is not from an allowed registry \(allowed: registry\.home\.lan\/\*, docker\.io\/library\)/);
    const kinds = await ok(['get', 'events', '--field-selector', 'reason=FailedCreate', '-o', 'jsonpath={.items[*].involvedObject.kind}']);
    assert.match(kinds, /ReplicaSet/);
    assert.equal(await ok(['get', 'pods', '-l', 'app=web', '-o', 'name']), '');
  });
});
