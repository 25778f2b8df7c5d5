import assert from 'node:assert/strict';
import { describeImagePolicy, judgeImage, parseImagePolicy } from '../../../api/image-policy';

describe('image policy (--allowed-image-registries)', () => {
  const digest = 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';

  it('parses patterns: host, path prefix, trailing /*, Docker Hub legacy host, spaces', () => {
    const policy = parseImagePolicy(' registry.home.lan/* , docker.io/library,localhost:5000,index.docker.io/me/app, Mirror.Lan');
    assert.deepEqual(policy.allowed.map((p) => [p.host, p.path]), [
      ['registry.home.lan', ''], ['docker.io', 'library'], ['localhost:5000', ''], ['docker.io', 'me/app'], ['mirror.lan', ''],
    ]);
    assert.equal(describeImagePolicy(policy), 'registry.home.lan/*, docker.io/library, localhost:5000, index.docker.io/me/app, Mirror.Lan');
  });

  const refused: [string, RegExp][] = [
    ['', /must list at least one registry pattern; leave it unset/],
    [' , ', /must list at least one registry pattern/],
    ['registry.home.lan,,docker.io', /"" is empty; a pattern is HOST\[\/PATH\]\[\/\*\]/],
    ['nginx', /"nginx" does not start with a registry host/],
    ['library/nginx', /"library\/nginx" does not start with a registry host/],
    ['*.home.lan', /"\*\.home\.lan" has a "\*" that is not a whole last component/],
    ['registry.home.lan/team*', /has a "\*" that is not a whole last component/],
    ['registry.home.lan/*/app', /has a "\*" that is not a whole last component/],
    ['registry.home.lan/**', /has a "\*" that is not a whole last component/],
    ['bad_host.lan', /has an invalid registry host "bad_host.lan"/],
    ['registry.home.lan/App', /has an invalid repository path "App"/],
    ['registry.home.lan/app:1.0', /has an invalid repository path "app:1.0"/],
    [`registry.home.lan/app@${digest}`, /has an invalid repository path/],
    ['registry.home.lan/', /has an invalid repository path ""/],
  ];
  for (const [value, message] of refused) {
    it(`refuses "${value}" with a clear message`, () => assert.throws(() => parseImagePolicy(value), (err: Error) => {
      assert.match(err.message, message);
      assert.match(err.message, /^--allowed-image-registries/);
      return true;
    }));
  }

  const policy = parseImagePolicy('registry.home.lan/*,docker.io/library,localhost:5000/pi');
  const judged: [string, boolean, string][] = [
    ['registry.home.lan/app', true, 'registry.home.lan/app:latest'],
    ['REGISTRY.home.lan/team/app:1.2', true, 'REGISTRY.home.lan/team/app:1.2'],
    [`registry.home.lan/app@${digest}`, true, `registry.home.lan/app@${digest}`],
    ['nginx', true, 'docker.io/library/nginx:latest'],
    ['nginx:1.27', true, 'docker.io/library/nginx:1.27'],
    ['docker.io/nginx', true, 'docker.io/library/nginx:latest'],
    ['index.docker.io/library/nginx', true, 'docker.io/library/nginx:latest'],
    [`busybox:1.36@${digest}`, true, `docker.io/library/busybox:1.36@${digest}`],
    ['user/app', false, 'docker.io/user/app:latest'],
    ['docker.io/libraryx/app', false, 'docker.io/libraryx/app:latest'],
    ['localhost:5000/pi/app', true, 'localhost:5000/pi/app:latest'],
    ['localhost:5000/pi', true, 'localhost:5000/pi:latest'],
    ['localhost:5000/pix', false, 'localhost:5000/pix:latest'],
    ['localhost:5001/pi/app', false, 'localhost:5001/pi/app:latest'],
    ['registry.home.lan.evil.com/app', false, 'registry.home.lan.evil.com/app:latest'],
    ['evil.com/registry.home.lan/app', false, 'evil.com/registry.home.lan/app:latest'],
  ];
  for (const [image, allowed, normalized] of judged) {
    it(`${allowed ? 'allows' : 'refuses'} "${image}" as ${normalized}`, () => assert.deepEqual(judgeImage(policy, image),
      allowed ? { allowed, image: normalized } : { allowed, image: normalized, reason: 'NotAllowed' }));
  }

  it('refuses an image docker could not parse, as given', () => {
    assert.deepEqual(judgeImage(policy, 'registry.home.lan/App'), { allowed: false, image: 'registry.home.lan/App', reason: 'InvalidReference' });
    assert.deepEqual(judgeImage(policy, ''), { allowed: false, image: '', reason: 'InvalidReference' });
  });
});
