import assert from 'node:assert/strict';
import type { Secret } from '../../../../api/config-v1';
import { DockerKeyring, keyOf, repositoryOf, urlsMatch } from '../../../../agent/pods/docker-keyring';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

/** What `kubectl create secret docker-registry` writes. */
function dockerConfigJson(name: string, auths: Record<string, { username?: string; password?: string; auth?: string }>): Secret {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: 'default' }, type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': b64(JSON.stringify({ auths })) } };
}

function dockercfg(name: string, cfg: Record<string, { username?: string; password?: string; auth?: string }>): Secret {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: 'default' }, type: 'kubernetes.io/dockercfg', data: { '.dockercfg': b64(JSON.stringify(cfg)) } };
}

describe('docker keyring (the kubelet credential keyring)', () => {
  const repositories: [string, string][] = [
    ['busybox', 'docker.io/library/busybox'], ['busybox:1.36', 'docker.io/library/busybox'], ['me/app:1', 'docker.io/me/app'],
    ['docker.io/busybox', 'docker.io/library/busybox'], ['index.docker.io/me/app', 'docker.io/me/app'],
    ['10.210.1.1:5000/team/app:1.0', '10.210.1.1:5000/team/app'], ['localhost/app@sha256:abc', 'localhost/app'],
    ['registry.home.lan/app', 'registry.home.lan/app'],
  ];
  for (const [image, want] of repositories) it(`normalizes ${image} to ${want}`, () => assert.equal(repositoryOf(image), want));

  const keys: [string, string][] = [
    ['https://index.docker.io/v1/', 'index.docker.io'], ['registry.home.lan:5000', 'registry.home.lan:5000'],
    ['http://registry.home.lan/v2/', 'registry.home.lan'], ['quay.io/coreos', 'quay.io/coreos'],
  ];
  for (const [server, want] of keys) it(`keys ${server} as ${want}`, () => assert.equal(keyOf(server), want));

  const matches: [string, string, boolean][] = [
    ['registry.home.lan:5000', 'registry.home.lan:5000/app', true],
    ['registry.home.lan', 'registry.home.lan:5000/app', false],
    ['*.home.lan', 'registry.home.lan/app', true],
    ['*.lan', 'registry.home.lan/app', false],
    ['quay.io/coreos', 'quay.io/coreos/etcd', true],
    ['quay.io/coreos', 'quay.io/other/etcd', false],
  ];
  for (const [glob, target, want] of matches) it(`${glob} ${want ? 'matches' : 'does not match'} ${target}`, () => assert.equal(urlsMatch(glob, target), want));

  it('finds the credentials of a .dockerconfigjson secret for its registry only', () => {
    const keyring = new DockerKeyring([dockerConfigJson('reg', { '10.210.1.1:5000': { username: 'pi', password: 'raspberry', auth: b64('pi:raspberry') } })]);
    assert.deepEqual(keyring.lookup('10.210.1.1:5000/team/app'), [{ username: 'pi', password: 'raspberry' }]);
    assert.deepEqual(keyring.lookup('docker.io/library/busybox'), []);
  });

  it('reads a legacy .dockercfg secret and prefers the auth field', () => {
    const keyring = new DockerKeyring([dockercfg('old', { 'https://registry.home.lan': { username: 'x', password: 'y', auth: b64('pi:s3:cret') } })]);
    assert.deepEqual(keyring.lookup('registry.home.lan/app'), [{ username: 'pi', password: 's3:cret' }]);
  });

  it('ignores secrets of other types', () => {
    const opaque: Secret = { ...dockerConfigJson('reg', { 'registry.home.lan': { username: 'a', password: 'b' } }), type: 'Opaque' };
    assert.deepEqual(new DockerKeyring([opaque]).lookup('registry.home.lan/app'), []);
  });

  it('matches Docker Hub images against index.docker.io', () => {
    const keyring = new DockerKeyring([dockerConfigJson('hub', { 'https://index.docker.io/v1/': { username: 'me', password: 'tok' } })]);
    assert.deepEqual(keyring.lookup(repositoryOf('me/private')), [{ username: 'me', password: 'tok' }]);
    assert.deepEqual(keyring.lookup(repositoryOf('busybox')), [{ username: 'me', password: 'tok' }]);
    assert.deepEqual(keyring.lookup('registry.home.lan/app'), []);
  });

  it('tries the more specific path first, then the host, across secrets in order', () => {
    const keyring = new DockerKeyring([
      dockerConfigJson('a', { 'quay.io': { username: 'host', password: '1' } }),
      dockerConfigJson('b', { 'quay.io/coreos': { username: 'path', password: '2' }, 'quay.io ': { username: 'ignored', password: '' } }),
    ]);
    assert.deepEqual(keyring.lookup('quay.io/coreos/etcd').map((c) => c.username), ['path', 'host']);
  });

  it('fails on an auth field that is not base64(username:password)', () => {
    assert.throws(() => new DockerKeyring([dockerConfigJson('bad', { 'registry.home.lan': { auth: b64('no-colon') } })]), /unable to parse auth field, must be formatted as base64\(username:password\)/);
  });
});
