import { strict as assert } from 'node:assert';
import type { Namespace, Pod } from '../../../../api/core-v1';
import { startApiServerFixture, type ApiServerFixture } from '../../../support/api-server-fixture';
import { withEtcd } from '../../../support/etcd-fixture';
import { encodeObject, envelope } from '../../../support/protobuf-encoder';

const PROTOBUF = 'application/vnd.kubernetes.protobuf';

/** The Content-Type kubectl's `-v=8` log shows for its request of `method`. */
function requestContentType(log: string, method: string): string | undefined {
  const lines = log.split('\n');
  const start = lines.findIndex((l) => l.includes(`] ${method} https://`));
  return lines.slice(start + 1).find((l) => /\] +Content-Type: /.test(l))?.replace(/^.*Content-Type: /, '').trim();
}

function aPod(name: string): Pod {
  return {
    apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { app: 'web' } },
    spec: {
      restartPolicy: 'Never',
      containers: [{
        name: 'main', image: 'pikube/busybox:latest', command: ['sleep', '3600'],
        ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
        resources: { limits: { cpu: '100m', memory: '64Mi' } },
        readinessProbe: { tcpSocket: { port: 'http' }, periodSeconds: 5 },
      }],
    },
  };
}

describe('protobuf request bodies from the real kubectl (real etcd)', function () {
  this.timeout(60_000);
  const etcd = withEtcd();
  let api: ApiServerFixture;

  before(async () => {
    api = await startApiServerFixture(etcd.get());
  });
  after(async () => api?.stop());

  it('creates a namespace from the protobuf body of kubectl create namespace', async () => {
    const result = await api.kubectl(['create', 'namespace', 'foo', '-v=8']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(requestContentType(result.stderr, 'POST'), PROTOBUF);
    assert.match(result.stdout, /^namespace\/foo created$/m);
    const stored = await api.registry.get<Namespace>('namespaces', undefined, 'foo');
    assert.equal(stored.metadata.name, 'foo');
    assert.equal(stored.metadata.generateName, undefined, 'the empty strings kubectl encodes are not kept');
    assert.equal(stored.status?.phase, 'Active');
  });

  it('answers a second create with AlreadyExists, as kubectl prints it', async () => {
    const result = await api.kubectl(['create', 'namespace', 'foo']);
    assert.equal(result.code, 1);
    assert.equal(result.stderr.trim(), 'Error from server (AlreadyExists): namespaces "foo" already exists');
  });

  it('runs a pod with kubectl run, which sends JSON', async () => {
    const result = await api.kubectl(['run', 'p', '--image=pikube/busybox:latest', '--restart=Never', '-v=8', '--', 'sleep', '10']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(requestContentType(result.stderr, 'POST'), 'application/json');
    assert.match(result.stdout, /^pod\/p created$/m);
    const pod = await api.registry.get<Pod>('pods', 'default', 'p');
    assert.deepEqual(pod.spec?.containers.map((c) => [c.image, c.args]), [['pikube/busybox:latest', ['sleep', '10']]]);
    assert.equal(pod.spec?.restartPolicy, 'Never');
  });

  it('fails kubectl create for a kind the server does not serve with a server error, not a decoding one', async () => {
    const result = await api.kubectl(['create', 'priorityclass', 'high', '--value=1000']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /the server could not find the requested resource/);
    assert.doesNotMatch(result.stderr, /UnsupportedMediaType|unrecognized|cannot be handled/);
  });

  it('stores a pod sent as protobuf as the same object sent as JSON, and answers in JSON', async () => {
    const headers = { 'Content-Type': PROTOBUF, Accept: `${PROTOBUF},application/json` };
    const created = await api.request('POST', '/api/v1/namespaces/default/pods', { body: encodeObject(aPod('pb'), { writeZeros: true }), headers });
    assert.equal(created.status, 201, created.text);
    assert.match(String(created.headers['content-type']), /^application\/json/);
    assert.equal((await api.request('POST', '/api/v1/namespaces/default/pods', { body: aPod('js') })).status, 201);
    const [pb, js] = await Promise.all(['pb', 'js'].map((name) => api.registry.get<Pod>('pods', 'default', name)));
    assert.deepEqual(pb.spec, js.spec);
    assert.deepEqual(pb.metadata.labels, { app: 'web' });
  });

  it('answers 400 for a malformed protobuf body and for an envelope of another kind', async () => {
    const headers = { 'Content-Type': PROTOBUF };
    const malformed = await api.request('POST', '/api/v1/namespaces', { body: envelope('v1', 'Namespace', Buffer.from([0x0a, 0x7f])), headers });
    assert.equal(malformed.status, 400);
    assert.deepEqual([malformed.json().reason, malformed.json().message], ['BadRequest', 'Namespace in version "v1" cannot be handled as a Namespace: unexpected EOF']);
    const other = await api.request('POST', '/api/v1/namespaces', { body: encodeObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }), headers });
    assert.equal(other.status, 400);
    assert.equal(other.json().message, 'the object provided is unrecognized (must be of type Namespace): ConfigMap in version "v1" cannot be handled as a Namespace');
  });
});
