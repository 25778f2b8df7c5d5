import assert from 'node:assert/strict';
import { effectiveResolvConf, hostNameservers, SYSTEMD_RESOLVED_CONF } from '../../../../agent/dns/host-resolv-conf';

/** A file system of a few files. */
const files = (entries: Record<string, string>) => (p: string): string | undefined => entries[p];

describe("the node's resolvers", () => {
  it('reads the nameservers of the configured file', () => {
    assert.deepEqual(hostNameservers('/etc/resolv.conf', files({ '/etc/resolv.conf': 'search lan\nnameserver 192.168.1.1\n' })), ['192.168.1.1']);
  });

  it("uses systemd-resolved's full list when the file names only its loopback stub, as k3s does", () => {
    const fs = files({ '/etc/resolv.conf': 'nameserver 127.0.0.53\n', [SYSTEMD_RESOLVED_CONF]: 'nameserver 192.168.1.1\n' });
    assert.equal(effectiveResolvConf('/etc/resolv.conf', fs), SYSTEMD_RESOLVED_CONF);
    assert.deepEqual(hostNameservers('/etc/resolv.conf', fs), ['192.168.1.1']);
  });

  it('keeps a loopback resolver when there is no systemd-resolved list', () => {
    assert.deepEqual(hostNameservers('/etc/resolv.conf', files({ '/etc/resolv.conf': 'nameserver 127.0.0.1\n' })), ['127.0.0.1']);
  });

  it("has none for '' (tests: nothing is forwarded), a missing file or a malformed one", () => {
    assert.equal(effectiveResolvConf('', files({})), '');
    assert.deepEqual(hostNameservers('', files({ '': 'nameserver 1.1.1.1' })), []);
    assert.deepEqual(hostNameservers('/missing', files({})), []);
    assert.deepEqual(hostNameservers('/bad', files({ '/bad': 'nameserver\n' })), []);
  });
});
