import { strict as assert } from 'node:assert';
import { requestUrl } from '../../../../control-plane/apiserver/request-url';

describe('requestUrl', () => {
  it('keeps the path as sent: dot segments and percent-encoding stay for the router', () => {
    assert.equal(requestUrl('/api/v1/namespaces/x/pods/%2e').pathname, '/api/v1/namespaces/x/pods/%2e');
    assert.equal(requestUrl('/api/v1/namespaces/x/services/..?dryRun=All').pathname, '/api/v1/namespaces/x/services/..');
  });

  it('reads the query string after the first question mark', () => {
    const url = requestUrl('/api/v1/pods?labelSelector=app%3Dweb&watch=true');
    assert.equal(url.searchParams.get('labelSelector'), 'app=web');
    assert.equal(url.searchParams.get('watch'), 'true');
  });

  it('takes the path of an absolute-form target and ignores a fragment', () => {
    assert.equal(requestUrl('https://10.0.0.1:6443/api/v1/nodes/pi1?pretty=1').pathname, '/api/v1/nodes/pi1');
    assert.equal(requestUrl('/version#x').pathname, '/version');
    assert.equal(requestUrl(undefined).pathname, '/');
    assert.equal(requestUrl('').pathname, '/');
  });
});
