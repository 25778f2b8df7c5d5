import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Container } from '../../../../api/core-v1';
import { PodResolvConf, resolvConfMount, type PodDnsOptions } from '../../../../agent/pods/pod-resolv-conf';
import { aPod } from './pod-builder';

describe('PodResolvConf', () => {
  let dir: string;
  let hostFile: string;
  let nameserver: string | undefined;
  const podDir = (uid: string): string => path.join(dir, 'pods', uid);
  const files = (opts: Partial<PodDnsOptions> = {}): PodResolvConf =>
    new PodResolvConf({ clusterDomain: 'cluster.local', nameserver: () => nameserver, hostResolvConf: hostFile, ...opts }, podDir, '192.168.1.11');

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'pikube-dns-'));
    hostFile = path.join(dir, 'host-resolv.conf');
    writeFileSync(hostFile, 'nameserver 192.168.1.1\nsearch home.arpa\noptions edns0\n');
    nameserver = '10.42.1.1';
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the rendered config into the pod directory, readable by any container user', () => {
    const pod = aPod('web', 'uid-a').withNamespace('shop').build();
    const written = files().write(pod);
    assert.equal(written.path, path.join(dir, 'pods', 'uid-a', 'resolv.conf'));
    assert.equal(readFileSync(written.path, 'utf8'), 'search shop.svc.cluster.local svc.cluster.local cluster.local home.arpa\nnameserver 10.42.1.1\noptions ndots:5\n');
    assert.equal(statSync(written.path).mode & 0o777, 0o644);
    assert.deepEqual(written.warnings, []);
  });

  it('reads the node file at each write (a changed host resolver reaches the next sandbox)', () => {
    const pod = aPod('web', 'uid-b').build();
    pod.spec.dnsPolicy = 'Default';
    const f = files();
    f.write(pod);
    writeFileSync(hostFile, 'nameserver 192.168.1.53\n');
    assert.equal(readFileSync(f.write(pod).path, 'utf8'), 'nameserver 192.168.1.53\n');
  });

  it('keeps an existing file on ensure, and writes a missing one', () => {
    const pod = aPod('web', 'uid-c').build();
    const f = files();
    const first = f.write(pod);
    nameserver = '10.42.9.1';
    assert.match(readFileSync(f.ensure(pod).path, 'utf8'), /nameserver 10\.42\.1\.1/);
    unlinkSync(first.path);
    assert.match(readFileSync(f.ensure(pod).path, 'utf8'), /nameserver 10\.42\.9\.1/);
  });

  it('returns the MissingClusterDNS warning with the fallback config while the nameserver is unknown', () => {
    nameserver = undefined;
    const written = files().write(aPod('web', 'uid-d').build());
    assert.equal(readFileSync(written.path, 'utf8'), 'search home.arpa\nnameserver 192.168.1.1\noptions edns0\n');
    assert.deepEqual(written.warnings.map((w) => w.reason), ['MissingClusterDNS']);
  });

  it('fails when the node file cannot be read, as the kubelet fails the sandbox', () => {
    assert.throws(() => files({ hostResolvConf: path.join(dir, 'absent.conf') }).write(aPod('web', 'uid-e').build()), /ENOENT/);
    writeFileSync(hostFile, 'nameserver\n');
    assert.throws(() => files().write(aPod('web', 'uid-e').build()), /host-resolv\.conf: nameserver list is empty/);
  });

  it('uses the local resolver when the node has no resolv.conf configured', () => {
    const pod = aPod('web', 'uid-f').build();
    pod.spec.dnsPolicy = 'Default';
    assert.equal(readFileSync(files({ hostResolvConf: '' }).write(pod).path, 'utf8'), 'search .\nnameserver 127.0.0.1\n');
  });

  describe('mount', () => {
    const container = (c: Partial<Container> = {}): Container => ({ name: 'app', ...c });
    it('mounts the file at /etc/resolv.conf, writable unless the root file system is read-only', () => {
      assert.deepEqual(resolvConfMount('/s/pods/u/resolv.conf', container()), { source: '/s/pods/u/resolv.conf', target: '/etc/resolv.conf', readOnly: false });
      assert.equal(resolvConfMount('/f', container({ securityContext: { readOnlyRootFilesystem: true } }))?.readOnly, true);
    });

    it('leaves /etc/resolv.conf to a volume the container mounts there itself', () => {
      assert.equal(resolvConfMount('/f', container({ volumeMounts: [{ name: 'dns', mountPath: '/etc/resolv.conf' }] })), undefined);
      assert.equal(resolvConfMount('/f', container({ volumeMounts: [{ name: 'dns', mountPath: '/etc//resolv.conf' }] })), undefined);
    });
  });
});
