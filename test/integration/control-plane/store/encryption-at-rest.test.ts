/**
 * Secrets encrypted at rest, end to end: a real `pikube-server serve` with
 * --encryption-provider-config on a real etcd, the real kubectl, the raw etcd values read
 * beside it; then the rotation a user follows (new key first, restart, `pikube-server secrets
 * reencrypt`, old key removed) and a value under a removed key, which fails alone.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { aesCbcTransformer } from '../../../../control-plane/store/encryption/aes-cbc-transformer';
import type { KeySpace } from '../../../../control-plane/store/keys';
import { runCommand, type CommandResult } from '../../../../scripts/cluster/run-command';
import { until } from '../../../../scripts/cluster/wait-until';
import { startControlPlaneReplica, type ControlPlaneReplica } from '../../../support/control-plane-process';
import { withEtcd } from '../../../support/etcd-fixture';

const MAIN = path.join(__dirname, '../../../../control-plane/main.js');
const KEY1 = Buffer.alloc(32, 0x11);
const KEY2 = Buffer.alloc(32, 0x22);
const PASSWORD = 'hunter2-in-plain-text';

function encryptionConfig(keys: [string, Buffer][]): string {
  const list = keys.map(([name, k]) => `            - name: ${name}\n              secret: ${k.toString('base64')}\n`).join('');
  return `apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n  - resources: [secrets]\n    providers:\n      - aescbc:\n          keys:\n${list}      - identity: {}\n`;
}

describe('secrets encrypted at rest (real server process, real etcd, kubectl)', function () {
  this.timeout(120_000);
  const etcd = withEtcd();
  let dir: string;
  let keySpace: KeySpace;
  let replica: ControlPlaneReplica | undefined;
  let kubeconfig: string;

  const configFile = (name: string, keys: [string, Buffer][], mode = 0o600): string => {
    const file = path.join(dir, name);
    writeFileSync(file, encryptionConfig(keys));
    chmodSync(file, mode);
    return file;
  };
  const secretKey = (name: string): string => `${keySpace.prefix}/core/secrets/default/${name}`;
  const raw = async (key: string): Promise<Buffer> => {
    const value = await etcd.get().client().get(key).buffer();
    assert.ok(value, `${key} is stored`);
    return value;
  };

  async function serve(config: string): Promise<void> {
    await replica?.process.stop();
    replica = await startControlPlaneReplica({ dataDir: dir, etcdEndpoint: etcd.get().endpoint, etcdPrefix: keySpace.prefix, flags: { 'encryption-provider-config': config } });
    kubeconfig = path.join(dir, 'admin.kubeconfig');
    await runCommand(process.execPath, [MAIN, 'kubeconfig', '--data-dir', dir, '--server', `https://127.0.0.1:${replica.apiPort}`, '--out', kubeconfig]);
  }
  const kubectl = (...args: string[]): Promise<CommandResult> =>
    runCommand('/usr/bin/kubectl', [`--kubeconfig=${kubeconfig}`, `--cache-dir=${path.join(dir, 'kube-cache')}`, ...args], { allowFailure: true, timeoutMs: 30_000 });
  const reencrypt = (config: string): Promise<CommandResult> =>
    runCommand(process.execPath, [MAIN, 'secrets', 'reencrypt', '--etcd-endpoints', etcd.get().endpoint, '--etcd-prefix', keySpace.prefix, '--encryption-provider-config', config], { allowFailure: true });

  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'pikube-encryption-'));
    keySpace = etcd.get().keySpace();
  });

  after(async function () {
    this.timeout(30_000);
    await replica?.process.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses to start with a key file other users can read', async () => {
    const open = configFile('open.yaml', [['key1', KEY1]], 0o644);
    const args = ['serve', '--data-dir', dir, '--etcd-endpoints', etcd.get().endpoint, '--etcd-prefix', keySpace.prefix, '--bind-address', '127.0.0.1', '--secure-port', '1', '--advertise-address', '127.0.0.1', '--encryption-provider-config', open];
    const refused = await runCommand(process.execPath, [MAIN, ...args], { allowFailure: true, timeoutMs: 30_000 });
    const output = refused.stdout + refused.stderr;
    assert.equal(refused.code, 2, output);
    assert.ok(output.includes(`is mode 0644`) && output.includes(`sudo chmod 600 ${open}`), output);
    assert.ok(!output.includes(KEY1.toString('base64')), 'the key is not logged');
  });

  it('stores a Secret made with kubectl as k8s:enc:aescbc:v1:key1:…, without its plaintext, and kubectl reads it back', async () => {
    await serve(configFile('key1.yaml', [['key1', KEY1]]));
    const created = await kubectl('create', 'secret', 'generic', 'db', `--from-literal=password=${PASSWORD}`);
    assert.equal(created.code, 0, created.stderr);
    const stored = await raw(secretKey('db'));
    assert.equal(stored.subarray(0, 23).toString(), 'k8s:enc:aescbc:v1:key1:');
    for (const plain of [PASSWORD, Buffer.from(PASSWORD).toString('base64'), '"kind"', 'db']) assert.ok(!stored.includes(Buffer.from(plain)), `no ${plain} in the stored value`);
    const got = await kubectl('get', 'secret', 'db', '-o', 'jsonpath={.data.password}');
    assert.equal(Buffer.from(got.stdout, 'base64').toString(), PASSWORD, got.stderr);
    await kubectl('create', 'configmap', 'plain', '--from-literal=k=v');
    assert.equal((await raw(`${keySpace.prefix}/core/configmaps/default/plain`)).subarray(0, 1).toString(), '{', 'resources the file does not name stay plain');
  });

  it('rotates: key2 first reads key1 values, reencrypt rewrites them with key2 and counts them, a second run rewrites nothing', async () => {
    const both = configFile('key2-key1.yaml', [['key2', KEY2], ['key1', KEY1]]);
    await serve(both);
    assert.equal((await kubectl('create', 'secret', 'generic', 'api', '--from-literal=token=t0k3n')).code, 0);
    assert.equal((await raw(secretKey('api'))).subarray(0, 23).toString(), 'k8s:enc:aescbc:v1:key2:');
    assert.equal((await raw(secretKey('db'))).subarray(0, 23).toString(), 'k8s:enc:aescbc:v1:key1:');
    const first = await reencrypt(both);
    assert.equal(first.code, 0, first.stderr);
    const counts = /secrets: (\d+) rewritten with aescbc key "key2", (\d+) already current/.exec(first.stdout);
    assert.ok(counts, first.stdout);
    assert.ok(Number(counts[1]) >= 1 && Number(counts[2]) >= 1, first.stdout);
    assert.equal((await raw(secretKey('db'))).subarray(0, 23).toString(), 'k8s:enc:aescbc:v1:key2:');
    const again = await reencrypt(both);
    assert.match(again.stdout, /secrets: 0 rewritten with aescbc key "key2", \d+ already current/);
    assert.match(again.stdout, /^0 rewritten$/m);
    // The watch cache sees the rewrite as a modification of the same plain object.
    await until(async () => Buffer.from((await kubectl('get', 'secret', 'db', '-o', 'jsonpath={.data.password}')).stdout, 'base64').toString() === PASSWORD, { timeoutMs: 10_000 });
  });

  it('with key1 removed, a value still under key1 fails alone: its GET is a 500, the list skips it, the rest is served', async () => {
    const orphan = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'orphan', namespace: 'default', uid: 'u-orphan', creationTimestamp: new Date().toISOString() }, data: { k: 'dg==' } };
    const key = secretKey('orphan');
    const sealed = Buffer.concat([Buffer.from('k8s:enc:aescbc:v1:key1:'), aesCbcTransformer(KEY1).toStorage(Buffer.from(JSON.stringify(orphan)), key)]);
    await etcd.get().client().put(key).value(sealed);
    await serve(configFile('key2.yaml', [['key2', KEY2]]));
    const get = await kubectl('get', 'secret', 'orphan');
    assert.notEqual(get.code, 0);
    assert.match(get.stderr, /Error from server \(InternalError\): Internal error occurred: no matching key was found for the provided AES transformer/);
    const list = await kubectl('get', 'secrets', '-o', 'jsonpath={.items[*].metadata.name}');
    assert.equal(list.code, 0, list.stderr);
    assert.deepEqual(list.stdout.split(' ').filter((n) => ['api', 'db', 'orphan'].includes(n)).sort(), ['api', 'db']);
    assert.equal(Buffer.from((await kubectl('get', 'secret', 'db', '-o', 'jsonpath={.data.password}')).stdout, 'base64').toString(), PASSWORD);
    assert.ok(replica?.process.logs.some((l) => l.includes(key) && l.includes('no matching key was found')), 'the skipped value is logged');
    assert.ok(!replica?.process.logs.some((l) => l.includes(KEY2.toString('base64')) || l.includes(PASSWORD)), 'neither keys nor secrets are logged');
    const rotation = await reencrypt(configFile('key2b.yaml', [['key2', KEY2]]));
    assert.equal(rotation.code, 1);
    assert.match(rotation.stdout, new RegExp(`${key}: no matching key was found for the provided AES transformer`));
  });
});
