import assert from 'node:assert/strict';
import { parseAgentSettings } from '../../../agent/agent-config';

const BASE = ['--node-name', 'pi3', '--node-ip', '192.168.1.13'];
const HASH = `sha256:${'ab'.repeat(32)}`;

describe('agent command line: joining with a token', () => {
  it('takes --server, --token and --ca-cert-hash, and finds the node service beside the API server', () => {
    const settings = parseAgentSettings([...BASE, '--server', 'https://192.168.1.10:6443', '--token', 'abcdef.0123456789abcdef', '--ca-cert-hash', HASH]);
    assert.deepEqual(settings.credentials, { kind: 'join', join: { server: 'https://192.168.1.10:6443', token: { id: 'abcdef', secret: '0123456789abcdef' }, caCertHash: HASH } });
    assert.deepEqual(settings.servers, ['192.168.1.10:6444']);
  });

  it('lets --servers name the node services, and a restart go without the token', () => {
    const settings = parseAgentSettings([...BASE, '--server', 'https://[fd00::1]:6443', '--servers', 'a:1,b:2']);
    assert.deepEqual(settings.servers, ['a:1', 'b:2']);
    assert.deepEqual(settings.credentials, { kind: 'join', join: { server: 'https://[fd00::1]:6443', token: undefined, caCertHash: undefined } });
  });

  it('refuses a malformed token or hash, one without the other, and a server that is not https://host:port', () => {
    const rows: [string[], RegExp][] = [
      [['--server', 'https://h:6443', '--token', 'abc.def', '--ca-cert-hash', HASH], /--token must be a bootstrap token, ID.SECRET/],
      [['--server', 'https://h:6443', '--token', 'abcdef.0123456789abcdef'], /--token and --ca-cert-hash go together/],
      [['--server', 'https://h:6443', '--token', 'abcdef.0123456789abcdef', '--ca-cert-hash', 'sha256:00'], /--ca-cert-hash "sha256:00" must be sha256:<64 hex digits>/],
      [['--server', 'h:6443', '--token', 'abcdef.0123456789abcdef', '--ca-cert-hash', HASH], /--server "h:6443" must be https:\/\/host:port/],
      [[], /--server with --token and --ca-cert-hash \(to join\), or --ca, --cert and --key, are required/],
      [['--servers', 'h:6444', '--ca', '/x'], /--cert is required/],
    ];
    for (const [args, message] of rows) assert.throws(() => parseAgentSettings([...BASE, ...args]), message, args.join(' '));
  });
});
