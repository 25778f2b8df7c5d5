import assert from 'node:assert/strict';
import type { Pod } from '../../../api/core-v1';
import { podConfigMapNames, podSecretNames } from '../../../api/pod-references';

const aPod = (spec: Partial<Pod['spec']>): Pod => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns', uid: 'u' }, spec: { containers: [], ...spec } });

describe('pod references (VisitPodConfigmapNames / VisitPodSecretNames)', () => {
  it('finds ConfigMaps in env, envFrom of every kind of container, configMap and projected volumes', () => {
    const pod = aPod({
      initContainers: [{ name: 'i', envFrom: [{ configMapRef: { name: 'init-env' } }] }],
      containers: [{ name: 'c', env: [{ name: 'A', valueFrom: { configMapKeyRef: { name: 'key-ref', key: 'k' } } }, { name: 'B', value: 'x' }] }],
      ephemeralContainers: [{ name: 'e', envFrom: [{ configMapRef: { name: 'debug' } }] }],
      volumes: [
        { name: 'v1', configMap: { name: 'vol' } },
        { name: 'v2', projected: { sources: [{ configMap: { name: 'proj' } }, { secret: { name: 'not-a-configmap' } }, { downwardAPI: { items: [] } }] } },
        { name: 'v3', emptyDir: {} },
      ],
    });
    assert.deepEqual(podConfigMapNames(pod), ['debug', 'init-env', 'key-ref', 'proj', 'vol']);
  });

  it('finds Secrets in imagePullSecrets, env, envFrom, secret and projected volumes and other plugins’ secret references', () => {
    const pod = aPod({
      imagePullSecrets: [{ name: 'pull' }, { name: '' }],
      containers: [{ name: 'c', env: [{ name: 'A', valueFrom: { secretKeyRef: { name: 'key-ref', key: 'k' } } }], envFrom: [{ secretRef: { name: 'env' } }, { configMapRef: { name: 'cm' } }] }],
      volumes: [
        { name: 'v1', secret: { secretName: 'vol' } },
        { name: 'v2', projected: { sources: [{ secret: { name: 'proj' } }] } },
        { name: 'v3', cephfs: { monitors: [], secretRef: { name: 'ceph' } } },
        { name: 'v4', csi: { driver: 'd', nodePublishSecretRef: { name: 'csi' } } },
        { name: 'v5', azureFile: { secretName: 'azure', shareName: 's' } },
      ],
    });
    assert.deepEqual(podSecretNames(pod), ['azure', 'ceph', 'csi', 'env', 'key-ref', 'proj', 'pull', 'vol']);
  });

  it('names each object once and nothing for a pod without references', () => {
    const twice = aPod({ containers: [{ name: 'a', envFrom: [{ configMapRef: { name: 'x' } }] }, { name: 'b', envFrom: [{ configMapRef: { name: 'x' } }] }] });
    assert.deepEqual(podConfigMapNames(twice), ['x']);
    assert.deepEqual(podSecretNames(aPod({ containers: [{ name: 'c' }] })), []);
  });
});
