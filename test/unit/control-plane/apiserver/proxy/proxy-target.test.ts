import assert from 'node:assert/strict';
import { parseProxyName } from '../../../../../control-plane/apiserver/proxy/proxy-target';
import { proxiedPath } from '../../../../../control-plane/apiserver/handlers/proxy-handler';
import { PODS } from '../../../../../control-plane/registry/kinds/pod';
import { SERVICES } from '../../../../../control-plane/registry/kinds/service';

describe('proxy targets', () => {
  it('splits [scheme:]name[:port] as Kubernetes does', () => {
    const cases: [string, ReturnType<typeof parseProxyName>][] = [
      ['web', { scheme: '', name: 'web', port: '' }],
      ['web:8080', { scheme: '', name: 'web', port: '8080' }],
      ['web:http', { scheme: '', name: 'web', port: 'http' }],
      ['https:web:443', { scheme: 'https', name: 'web', port: '443' }],
      ['http:web:', { scheme: 'http', name: 'web', port: '' }],
      ['ftp:web:21', undefined],
      [':80', undefined],
      ['a:b:c:d', undefined],
    ];
    for (const [id, want] of cases) assert.deepEqual(parseProxyName(id), want, id);
  });

  it('keeps the proxied path raw, with its trailing slash and query', () => {
    const svc = { info: SERVICES, namespace: 'default', name: 'web:80', subresource: 'proxy', watchPath: false };
    assert.equal(proxiedPath('/api/v1/namespaces/default/services/web:80/proxy', svc), '/');
    assert.equal(proxiedPath('/api/v1/namespaces/default/services/web:80/proxy/', svc), '/');
    assert.equal(proxiedPath('/api/v1/namespaces/default/services/web:80/proxy/a/b/?x=1&y=%2F', svc), '/a/b/?x=1&y=%2F');
    const pod = { info: PODS, namespace: 'proxy', name: 'proxy', subresource: 'proxy', watchPath: false };
    assert.equal(proxiedPath('/api/v1/namespaces/proxy/pods/proxy/proxy/proxy/x', pod), '/proxy/x');
  });
});
