/**
 * ConfigMaps and Secrets through the real kubectl 1.32 against real etcd (issue 13): every
 * `kubectl create configmap|secret` form the course notes use, what kubectl get and describe
 * show (never a secret's value), stringData folded into data, and the bad input Kubernetes
 * refuses: invalid keys, more than 1 MiB, a TLS secret without its key, a changed type, an
 * immutable object edited. Nothing refused is written.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ConfigMap, Secret } from '../../../../api/config-v1';
import { startApiServerFixture, type ApiServerFixture } from '../../../support/api-server-fixture';
import { withEtcd } from '../../../support/etcd-fixture';

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

describe('ConfigMaps and Secrets with the real kubectl (real etcd)', function () {
  this.timeout(60_000);
  const etcd = withEtcd();
  let api: ApiServerFixture;
  let dir: string;

  before(async () => {
    api = await startApiServerFixture(etcd.get());
    dir = mkdtempSync(path.join(os.tmpdir(), 'pikube-config-'));
  });
  after(async () => {
    await api?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function kubectl(args: string[], input?: string): Promise<{ code: number | null; stdout: string; out: string }> {
    const result = await api.kubectl(args, { input, timeoutMs: 20_000 });
    return { ...result, out: result.stdout + result.stderr };
  }
  async function ok(args: string[], input?: string): Promise<string> {
    const r = await kubectl(args, input);
    assert.equal(r.code, 0, r.out);
    return r.stdout;
  }
  const getJson = async <T>(...args: string[]): Promise<T> => JSON.parse(await ok(['get', ...args, '-o', 'json'])) as T;

  it('creates ConfigMaps from literals, files, a directory and an env file', async () => {
    writeFileSync(path.join(dir, 'redis.conf'), 'maxmemory 2mb\nmaxmemory-policy allkeys-lru\n');
    mkdirSync(path.join(dir, 'conf.d'));
    writeFileSync(path.join(dir, 'conf.d', 'a.properties'), 'a=1\n');
    writeFileSync(path.join(dir, 'conf.d', 'b.properties'), 'b=2\n');
    writeFileSync(path.join(dir, 'app.env'), '# comment\nLOG_LEVEL=debug\nMODE=dev\n');
    await ok(['create', 'configmap', 'literal', '--from-literal=player_initial_lives=3', '--from-literal=ui_properties_file_name=user-interface.properties']);
    await ok(['create', 'configmap', 'redis-config', `--from-file=${path.join(dir, 'redis.conf')}`]);
    await ok(['create', 'configmap', 'dir', `--from-file=${path.join(dir, 'conf.d')}`]);
    await ok(['create', 'configmap', 'env', `--from-env-file=${path.join(dir, 'app.env')}`]);

    assert.deepEqual((await getJson<ConfigMap>('cm', 'literal')).data, { player_initial_lives: '3', ui_properties_file_name: 'user-interface.properties' });
    assert.equal((await getJson<ConfigMap>('configmap', 'redis-config')).data?.['redis.conf'], 'maxmemory 2mb\nmaxmemory-policy allkeys-lru\n');
    assert.deepEqual(Object.keys((await getJson<ConfigMap>('cm', 'dir')).data ?? {}).sort(), ['a.properties', 'b.properties']);
    assert.deepEqual((await getJson<ConfigMap>('cm', 'env')).data, { LOG_LEVEL: 'debug', MODE: 'dev' });

    const table = await ok(['get', 'cm']);
    assert.match(table, /^NAME\s+DATA\s+AGE/);
    assert.match(table, /\nliteral\s+2\s+/);
    assert.match(table, /\nredis-config\s+1\s+/);
    const described = await ok(['describe', 'cm', 'redis-config']);
    assert.match(described, /maxmemory-policy allkeys-lru/);
  });

  it('creates generic, TLS and docker-registry Secrets, typed and never showing their values', async () => {
    writeFileSync(path.join(dir, 'tls.crt'), '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    writeFileSync(path.join(dir, 'tls.key'), '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n');
    await ok(['create', 'secret', 'generic', 'db', '--from-literal=username=admin', '--from-literal=password=s3cr3t-value']);
    await ok(['create', 'secret', 'docker-registry', 'regcred', '--docker-server=registry.local:5000', '--docker-username=pi', '--docker-password=raspberry']);
    // kubectl create secret tls checks that the pair parses, so the TLS secret is applied as a manifest.
    await ok(['apply', '-f', '-'], `apiVersion: v1\nkind: Secret\nmetadata: {name: web-tls}\ntype: kubernetes.io/tls\ndata:\n  tls.crt: ${b64('cert')}\n  tls.key: ${b64('key')}\n`);

    const db = await getJson<Secret>('secret', 'db');
    assert.equal(db.type, 'Opaque');
    assert.deepEqual(db.data, { password: b64('s3cr3t-value'), username: b64('admin') });
    assert.equal((await getJson<Secret>('secret', 'regcred')).type, 'kubernetes.io/dockerconfigjson');
    assert.equal((await getJson<Secret>('secret', 'web-tls')).type, 'kubernetes.io/tls');

    const table = await ok(['get', 'secrets']);
    assert.match(table, /^NAME\s+TYPE\s+DATA\s+AGE/);
    assert.match(table, /\ndb\s+Opaque\s+2\s+/);
    assert.match(table, /\nregcred\s+kubernetes\.io\/dockerconfigjson\s+1\s+/);
    const described = await ok(['describe', 'secret', 'db']);
    assert.match(described, /password:\s+12 bytes/);
    assert.doesNotMatch(described, /s3cr3t-value/);
    assert.match(await ok(['get', 'secrets', '--field-selector', 'type=kubernetes.io/tls', '-o', 'name']), /^secret\/web-tls\n$/);
  });

  it('folds stringData into data and never stores it', async () => {
    await ok(['apply', '-f', '-'], 'apiVersion: v1\nkind: Secret\nmetadata: {name: mixed}\ndata: {a: YQ==, b: YQ==}\nstringData: {b: bee, c: sea}\n');
    const secret = await getJson<Secret>('secret', 'mixed');
    assert.deepEqual(secret.data, { a: 'YQ==', b: b64('bee'), c: b64('sea') });
    assert.equal(secret.stringData, undefined);
  });

  it('refuses invalid keys, oversized contents, missing TLS keys and bad docker configs with the field, writing nothing', async () => {
    const cases: { name: string; manifest: string; message: RegExp }[] = [
      { name: 'bad-key', manifest: 'kind: ConfigMap\nmetadata: {name: bad-key}\ndata: {"a/b": x}', message: /ConfigMap "bad-key" is invalid: data\[a\/b\]: Invalid value: "a\/b": a valid config key must consist of alphanumeric characters, '-', '_' or '\.'/ },
      { name: 'both', manifest: `kind: ConfigMap\nmetadata: {name: both}\ndata: {k: x}\nbinaryData: {k: ${b64('y')}}`, message: /data\[k\]: Invalid value: "k": duplicate of key present in binaryData/ },
      { name: 'huge', manifest: `kind: ConfigMap\nmetadata: {name: huge}\ndata: {k: "${'x'.repeat(1024 * 1024 + 1)}"}`, message: /The ConfigMap "huge" is invalid: : Too long: may not be more than 1048576 bytes/ },
      { name: 'no-key', manifest: `kind: Secret\nmetadata: {name: no-key}\ntype: kubernetes.io/tls\ndata: {tls.crt: ${b64('c')}}`, message: /Secret "no-key" is invalid: data\[tls\.key\]: Required value/ },
      { name: 'bad-docker', manifest: `kind: Secret\nmetadata: {name: bad-docker}\ntype: kubernetes.io/dockerconfigjson\ndata: {.dockerconfigjson: ${b64('nope')}}`, message: /data\[\.dockerconfigjson\]: Invalid value: "<secret contents redacted>": invalid character 'o' in literal null \(expecting 'u'\)/ },
      { name: 'basic', manifest: 'kind: Secret\nmetadata: {name: basic}\ntype: kubernetes.io/basic-auth', message: /data\[%s\]\[username\]: Required value\n\* data\[%s\]\[password\]: Required value/ },
    ];
    for (const c of cases) {
      const r = await kubectl(['create', '-f', '-'], `apiVersion: v1\n${c.manifest}\n`);
      assert.notEqual(r.code, 0, c.name);
      assert.match(r.out, c.message, c.name);
      const kind = c.manifest.startsWith('kind: Secret') ? 'secret' : 'cm';
      assert.match((await kubectl(['get', kind, c.name])).out, /NotFound|not found/, `${c.name} not written`);
    }
  });

  it('keeps an immutable ConfigMap and a Secret type as they are', async () => {
    await ok(['create', '-f', '-'], 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: frozen}\nimmutable: true\ndata: {k: v}\n');
    const edit = await kubectl(['patch', 'cm', 'frozen', '-p', '{"data":{"k":"w"}}']);
    assert.notEqual(edit.code, 0);
    assert.match(edit.out, /ConfigMap "frozen" is invalid: data: Forbidden: field is immutable when `immutable` is set/);
    const thaw = await kubectl(['patch', 'cm', 'frozen', '-p', '{"immutable":false}']);
    assert.match(thaw.out, /immutable: Forbidden: field is immutable when `immutable` is set/);
    assert.equal((await getJson<ConfigMap>('cm', 'frozen')).data?.k, 'v');

    const retype = await kubectl(['patch', 'secret', 'db', '-p', '{"type":"kubernetes.io/basic-auth"}']);
    assert.match(retype.out, /Secret "db" is invalid: type: Invalid value: "kubernetes.io\/basic-auth": field is immutable/);
    await ok(['patch', 'secret', 'db', '-p', `{"data":{"password":"${b64('rotated')}"}}`]);
    assert.equal((await getJson<Secret>('secret', 'db')).data?.password, b64('rotated'));
  });
});
