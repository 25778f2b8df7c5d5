import assert from 'node:assert/strict';
import type { ConfigMap, Secret } from '../../../../api/config-v1';
import type { Container, Pod } from '../../../../api/core-v1';
import type { ConfigSource } from '../../../../agent/config-objects';
import { resolveEnv, type EnvContext } from '../../../../agent/pods/container-env';
import { resourceFieldValue } from '../../../../agent/pods/resource-field-value';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

const configMaps: ConfigMap[] = [
  { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'my-config', namespace: 'default' }, data: { 'extra-param': 'extra-value', 'my-config.txt': 'parameter1 = value1\n', 'app.mode': 'fast' } },
  { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'other-ns', namespace: 'prod' }, data: { k: 'prod' } },
];
const secrets: Secret[] = [
  { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'mysecret', namespace: 'default' }, type: 'Opaque', data: { username: 'YWRtaW4=', password: 'MWYyZDFlMmU2N2Rm' } },
];

const source: ConfigSource = {
  configMap: (ns, name) => configMaps.find((c) => c.metadata.namespace === ns && c.metadata.name === name),
  secret: (ns, name) => secrets.find((s) => s.metadata.namespace === ns && s.metadata.name === name),
};

function podWith(container: Partial<Container>, extra: Partial<Pod['spec']> = {}): Pod {
  return {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'kuard-config', namespace: 'default', uid: 'u1', labels: { app: 'kuard' } },
    spec: { nodeName: 'pi1', containers: [{ name: 'test-container', ...container }], ...extra },
  };
}

const ALLOCATABLE = { cpu: '4', memory: '3900Mi', 'ephemeral-storage': '29Gi' };

function envOf(container: Partial<Container>, ctx: Partial<EnvContext> = {}): Map<string, string> | string {
  const pod = podWith(container);
  const r = resolveEnv(pod.spec.containers[0], { pod, nodeName: 'pi1', hostIP: '192.168.1.11', config: source, allocatable: ALLOCATABLE, ...ctx });
  return r.ok ? r.env : r.message;
}

describe('container environment from ConfigMaps and Secrets (kubelet makeEnvironmentVariables)', () => {
  const cases: [string, Partial<Container>, Record<string, string> | string][] = [
    ['configMapKeyRef', { env: [{ name: 'EXTRA_PARAM', valueFrom: { configMapKeyRef: { name: 'my-config', key: 'extra-param' } } }] }, { EXTRA_PARAM: 'extra-value' }],
    ['secretKeyRef, decoded', { env: [{ name: 'USER', valueFrom: { secretKeyRef: { name: 'mysecret', key: 'username' } } }] }, { USER: 'admin' }],
    ['a missing ConfigMap', { env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'nope', key: 'k' } } }] }, 'configmap "nope" not found'],
    ['a missing key (the course’s kuard-config)', { env: [{ name: 'ANOTHER_PARAM', valueFrom: { configMapKeyRef: { name: 'my-config', key: 'another-param' } } }] }, "couldn't find key another-param in ConfigMap default/my-config"],
    ['a missing Secret', { env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'nope', key: 'k' } } }] }, 'secret "nope" not found'],
    ['a missing Secret key', { env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'mysecret', key: 'token' } } }] }, "couldn't find key token in Secret default/mysecret"],
    ['an optional missing ConfigMap and key, skipped', {
      env: [
        { name: 'A', valueFrom: { configMapKeyRef: { name: 'nope', key: 'k', optional: true } } },
        { name: 'B', valueFrom: { configMapKeyRef: { name: 'my-config', key: 'nope', optional: true } } },
        { name: 'C', valueFrom: { secretKeyRef: { name: 'mysecret', key: 'nope', optional: true } } },
        { name: 'D', value: 'kept' },
      ],
    }, { D: 'kept' }],
    ['a ConfigMap of another namespace, never read', { env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'other-ns', key: 'k' } } }] }, 'configmap "other-ns" not found'],
    ['envFrom a Secret with a prefix', { envFrom: [{ prefix: 'DB_', secretRef: { name: 'mysecret' } }] }, { DB_username: 'admin', DB_password: '1f2d1e2e67df' }],
    ['envFrom passes every key since 1.32 (relaxed names), dots included', { envFrom: [{ configMapRef: { name: 'my-config' } }] }, { 'extra-param': 'extra-value', 'my-config.txt': 'parameter1 = value1\n', 'app.mode': 'fast' }],
    ['an optional missing envFrom source', { envFrom: [{ configMapRef: { name: 'nope', optional: true } }], env: [{ name: 'A', value: '1' }] }, { A: '1' }],
    ['a missing envFrom source', { envFrom: [{ secretRef: { name: 'nope' } }] }, 'secret "nope" not found'],
    ['env overriding envFrom, and $(VAR) seeing envFrom values', {
      envFrom: [{ prefix: 'S_', secretRef: { name: 'mysecret' } }],
      env: [{ name: 'S_username', value: 'root' }, { name: 'URL', value: 'db://$(S_username):$(S_password)@db' }],
    }, { S_username: 'root', S_password: '1f2d1e2e67df', URL: 'db://root:1f2d1e2e67df@db' }],
    ['no source delivered at all', { env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'my-config', key: 'extra-param' } } }] }, 'configmap "my-config" not found'],
  ];
  for (const [what, container, expected] of cases) {
    it(`${what}`, () => {
      const ctx = what === 'no source delivered at all' ? { config: undefined } : {};
      const got = envOf(container, ctx);
      assert.deepEqual(typeof got === 'string' ? got : Object.fromEntries(got), expected);
    });
  }

  it('never puts a Secret value in its error messages', () => {
    const got = envOf({ envFrom: [{ secretRef: { name: 'mysecret' } }], env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'mysecret', key: 'missing' } } }] });
    assert.equal(typeof got, 'string');
    assert.doesNotMatch(String(got), /admin|1f2d1e2e67df/);
  });
});

describe('downward API resourceFieldRef (kubelet ExtractContainerResourceValue)', () => {
  const cases: [string, Container['resources'], string, string | undefined, string][] = [
    ['limits.cpu rounds up to whole cores', { limits: { cpu: '250m' } }, 'limits.cpu', undefined, '1'],
    ['limits.cpu in millicores', { limits: { cpu: '250m' } }, 'limits.cpu', '1m', '250'],
    ['limits.memory in Mi', { limits: { memory: '64Mi' } }, 'limits.memory', '1Mi', '64'],
    ['limits.memory in bytes', { limits: { memory: '64Mi' } }, 'limits.memory', undefined, '67108864'],
    ['limits.memory rounds up', { limits: { memory: '1500k' } }, 'limits.memory', '1M', '2'],
    ['requests.cpu', { requests: { cpu: '1500m' } }, 'requests.cpu', undefined, '2'],
    ['requests.memory unset is 0', {}, 'requests.memory', undefined, '0'],
    ['limits.cpu unset is the node’s allocatable', {}, 'limits.cpu', undefined, '4'],
    ['limits.memory unset is the node’s allocatable', {}, 'limits.memory', '1Mi', '3900'],
    ['limits.ephemeral-storage unset is the node’s allocatable', {}, 'limits.ephemeral-storage', '1Gi', '29'],
    ['a zero divisor is the default 1', { limits: { cpu: '2' } }, 'limits.cpu', '0', '2'],
  ];
  for (const [what, resources, resource, divisor, expected] of cases) {
    it(what, () => {
      const pod = podWith({ resources });
      assert.equal(resourceFieldValue({ resource, divisor }, pod, pod.spec.containers[0], ALLOCATABLE), expected);
    });
  }

  it('reads another container of the pod by name, and says which is missing', () => {
    const pod = podWith({}, { initContainers: [{ name: 'init', resources: { limits: { memory: '16Mi' } } }] });
    assert.equal(resourceFieldValue({ containerName: 'init', resource: 'limits.memory', divisor: '1Mi' }, pod, pod.spec.containers[0], ALLOCATABLE), '16');
    assert.deepEqual(resourceFieldValue({ containerName: 'nope', resource: 'limits.memory' }, pod, pod.spec.containers[0], ALLOCATABLE), new Error('container nope not found'));
  });

  it('gives env the values, as MY_CPU_LIMIT and MY_MEM_REQUEST of the Kubernetes docs', () => {
    const got = envOf({
      resources: { requests: { memory: '32Mi' }, limits: { cpu: '500m' } },
      env: [
        { name: 'MY_CPU_LIMIT', valueFrom: { resourceFieldRef: { containerName: 'test-container', resource: 'limits.cpu', divisor: '1m' } } },
        { name: 'MY_MEM_REQUEST', valueFrom: { resourceFieldRef: { resource: 'requests.memory', divisor: '1Mi' } } },
        { name: 'MY_LABEL', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
      ],
    });
    assert.deepEqual(typeof got === 'string' ? got : Object.fromEntries(got), { MY_CPU_LIMIT: '500', MY_MEM_REQUEST: '32', MY_LABEL: 'kuard' });
  });
});
