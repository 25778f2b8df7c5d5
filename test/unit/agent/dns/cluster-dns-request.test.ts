import assert from 'node:assert/strict';
import { parseClusterName, type ClusterRequest } from '../../../../agent/dns/cluster-dns-request';

const any = { endpoint: '', port: '', protocol: '' };

describe('cluster query names', () => {
  const cases: [string, ClusterRequest][] = [
    ['web.default.svc.cluster.local', { kind: 'svc', namespace: 'default', service: 'web', ...any }],
    ['Web.Default.SVC.Cluster.Local.', { kind: 'svc', namespace: 'default', service: 'web', ...any }],
    ['web-0.nginx.default.svc.cluster.local', { kind: 'svc', namespace: 'default', service: 'nginx', ...any, endpoint: 'web-0' }],
    ['_http._tcp.web.default.svc.cluster.local', { kind: 'svc', namespace: 'default', service: 'web', endpoint: '', port: 'http', protocol: 'tcp' }],
    ['10-42-1-5.default.pod.cluster.local', { kind: 'pod', namespace: 'default', service: '10-42-1-5', ...any }],
    ['default.svc.cluster.local', { kind: 'svc', namespace: 'default', service: '', ...any }],
    ['cluster.local', { kind: 'apex', isZone: true }],
    ['svc.cluster.local', { kind: 'apex', isZone: false }],
    ['pod.cluster.local', { kind: 'apex', isZone: false }],
    ['a.b.c.web.default.svc.cluster.local', { kind: 'invalid' }],
    ['web.default.cluster.local', { kind: 'invalid' }],
    ['10.0.43.10.in-addr.arpa', { kind: 'reverse', name: '10.0.43.10.in-addr.arpa' }],
    ['1.0.0.0.ip6.ARPA', { kind: 'reverse', name: '1.0.0.0.ip6.arpa' }],
    ['example.com', { kind: 'outside' }],
    ['mycluster.local', { kind: 'outside' }],
    ['cluster.local.example.com', { kind: 'outside' }],
  ];
  for (const [name, expected] of cases) {
    it(`reads ${name} as ${expected.kind}`, () => assert.deepEqual(parseClusterName(name, 'cluster.local'), expected));
  }

  it('works with another cluster domain, given in any case', () => {
    assert.deepEqual(parseClusterName('web.default.svc.pi.home', 'Pi.Home.'), { kind: 'svc', namespace: 'default', service: 'web', ...any });
    assert.deepEqual(parseClusterName('web.default.svc.cluster.local', 'pi.home'), { kind: 'outside' });
  });
});
