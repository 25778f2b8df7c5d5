import assert from 'node:assert/strict';
import { formatImageReference, parseImageReference } from '../../../api/image-reference';

describe('parseImageReference', () => {
  const digest = 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';
  const cases: [string, object | undefined][] = [
    ['busybox', { domain: 'docker.io', path: 'library/busybox', tag: 'latest', digest: '' }],
    ['busybox:1.36', { domain: 'docker.io', path: 'library/busybox', tag: '1.36', digest: '' }],
    ['localhost:5000/pi/app', { domain: 'localhost:5000', path: 'pi/app', tag: 'latest', digest: '' }],
    ['ghcr.io/org/app:v1', { domain: 'ghcr.io', path: 'org/app', tag: 'v1', digest: '' }],
    [`app@${digest}`, { domain: 'docker.io', path: 'library/app', tag: '', digest }],
    ['index.docker.io/me/app', { domain: 'docker.io', path: 'me/app', tag: 'latest', digest: '' }],
    ['index.docker.io/nginx', { domain: 'docker.io', path: 'library/nginx', tag: 'latest', digest: '' }],
    ['Registry/app', { domain: 'Registry', path: 'app', tag: 'latest', digest: '' }],
    ['org/App', undefined],
    ['UPPER', undefined],
    ['app:bad tag', undefined],
    ['app@sha256:short', undefined],
    ['', undefined],
  ];
  for (const [image, expected] of cases) it(`parses "${image}"`, () => assert.deepEqual(parseImageReference(image), expected));
});

describe('formatImageReference', () => {
  const digest = 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';
  const cases: [string, string][] = [
    ['nginx', 'docker.io/library/nginx:latest'],
    ['user/app', 'docker.io/user/app:latest'],
    ['localhost:5000/x', 'localhost:5000/x:latest'],
    [`app@${digest}`, `docker.io/library/app@${digest}`],
    [`registry.home.lan/app:1@${digest}`, `registry.home.lan/app:1@${digest}`],
  ];
  for (const [image, expected] of cases) {
    it(`formats "${image}" as ${expected}`, () => {
      const ref = parseImageReference(image);
      assert.ok(ref);
      assert.equal(formatImageReference(ref), expected);
    });
  }
});
