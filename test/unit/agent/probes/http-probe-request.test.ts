import assert from 'node:assert/strict';
import type { Container } from '../../../../api/core-v1';
import { canonicalHeaderName, httpGetRequest, type HttpGetAction } from '../../../../agent/probes/http-probe-request';

const container: Container = { name: 'app', ports: [{ name: 'http', containerPort: 8080 }, { name: 'admin', containerPort: 9090 }] };

function request(action: HttpGetAction, podIP: string | undefined = '10.42.0.7') {
  const req = httpGetRequest(action, container, podIP);
  if (req instanceof Error) throw req;
  return { url: req.url.href, headers: Object.fromEntries(req.headers) };
}

describe('httpGet probe request', () => {
  const urls: [string, HttpGetAction, string][] = [
    ['the pod IP by default', { port: 80, path: '/healthz' }, 'http://10.42.0.7/healthz'],
    ['a named container port', { port: 'http', path: '/healthz' }, 'http://10.42.0.7:8080/healthz'],
    ['a number written as a string', { port: '8081', path: '/' }, 'http://10.42.0.7:8081/'],
    ['an explicit host', { port: 'admin', host: '127.0.0.1', path: '/x' }, 'http://127.0.0.1:9090/x'],
    ['HTTPS', { port: 8443, scheme: 'HTTPS', path: '/tls' }, 'https://10.42.0.7:8443/tls'],
    ['a path with a query', { port: 80, path: '/ready?full=1' }, 'http://10.42.0.7/ready?full=1'],
    ['a path without a slash', { port: 80, path: 'healthz' }, 'http://10.42.0.7/healthz'],
    ['a path that looks like a host', { port: 80, path: '//evil.example/x' }, 'http://10.42.0.7/x'],
    ['no path', { port: 80 }, 'http://10.42.0.7/'],
  ];
  for (const [what, action, url] of urls) it(`targets ${what}`, () => assert.equal(request(action).url, url));

  it('brackets an IPv6 pod IP', () => assert.equal(request({ port: 80, path: '/' }, 'fd00::7').url, 'http://[fd00::7]/'));

  it("adds the kubelet's User-Agent and Accept, and keeps given headers with canonical names", () => {
    const { headers } = request({ port: 80, path: '/', httpHeaders: [{ name: 'x-custom-header', value: 'a' }, { name: 'X-Custom-Header', value: 'b' }] });
    assert.deepEqual(headers, { 'X-Custom-Header': ['a', 'b'], 'User-Agent': ['kube-probe/1.32'], Accept: ['*/*'] });
  });

  it('keeps a given User-Agent and Host, and drops an empty Accept', () => {
    const { headers } = request({ port: 80, path: '/', httpHeaders: [{ name: 'user-agent', value: 'mine' }, { name: 'Accept', value: '' }, { name: 'host', value: 'web.example' }] });
    assert.deepEqual(headers, { 'User-Agent': ['mine'], Host: ['web.example'] });
  });

  const errors: [string, HttpGetAction, string | undefined, RegExp][] = [
    ['an unknown port name', { port: 'metrics', path: '/' }, '10.42.0.7', /parsing "metrics": invalid syntax/],
    ['port 0', { port: 0, path: '/' }, '10.42.0.7', /invalid port number: 0/],
    ['port 70000', { port: 70000, path: '/' }, '10.42.0.7', /invalid port number: 70000/],
    ['no pod IP yet', { port: 80, path: '/' }, undefined, /no IP address/],
  ];
  for (const [what, action, ip, message] of errors) {
    it(`cannot be built for ${what}`, () => {
      const req = httpGetRequest(action, container, ip);
      assert.ok(req instanceof Error);
      assert.match(req.message, message);
    });
  }

  it("canonicalises header names as Go's http.Header", () => {
    const cases: [string, string][] = [['content-type', 'Content-Type'], ['X-FORWARDED-FOR', 'X-Forwarded-For'], ['host', 'Host'], ['bad name', 'bad name']];
    for (const [name, canonical] of cases) assert.equal(canonicalHeaderName(name), canonical);
  });
});
