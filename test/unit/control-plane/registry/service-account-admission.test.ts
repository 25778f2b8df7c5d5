import assert from 'node:assert/strict';
import type { Pod } from '../../../../api/core-v1';
import type { ServiceAccount } from '../../../../api/service-account';
import type { AdmissionContext } from '../../../../control-plane/registry/resource-definition';
import { admitPodServiceAccount } from '../../../../control-plane/registry/service-account-admission';

function aPod(spec: Partial<Pod['spec']> = {}): Pod {
  return {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'apps' },
    spec: { containers: [{ name: 'app', image: 'busybox' }], initContainers: [{ name: 'init', image: 'busybox' }], ...spec },
  } as Pod;
}

function ctx(accounts: ServiceAccount[], enabled = true): AdmissionContext & { namespaceChecked: boolean } {
  const c = {
    namespace: 'apps', serviceAccounts: enabled, namespaceChecked: false,
    reads: {
      get: <T>(_resource: string, name: string): Promise<T | undefined> => Promise.resolve(accounts.find((a) => a.metadata.name === name) as T | undefined),
      list: () => Promise.resolve([]),
    },
    admitNamespace: async () => { c.namespaceChecked = true; },
  };
  return c as unknown as AdmissionContext & { namespaceChecked: boolean };
}

function anAccount(name: string, extra: Partial<ServiceAccount> = {}): ServiceAccount {
  return { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: 'apps', uid: `${name}-uid` }, ...extra };
}

describe('ServiceAccount admission', () => {
  it('runs a pod as default and mounts the kube-api-access volume read-only in every container', async () => {
    const pod = aPod();
    await admitPodServiceAccount(pod, ctx([anAccount('default')]));
    assert.equal(pod.spec.serviceAccountName, 'default');
    assert.equal(pod.spec.serviceAccount, 'default');
    const volume = pod.spec.volumes?.[0];
    assert.match(volume?.name ?? '', /^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    assert.deepEqual(volume?.projected, {
      sources: [
        { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
      ],
      defaultMode: 420,
    });
    for (const c of [...(pod.spec.initContainers ?? []), ...pod.spec.containers]) {
      assert.deepEqual(c.volumeMounts, [{ name: volume?.name, readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }]);
    }
  });

  it("refuses a pod whose service account does not exist, with Kubernetes' message", async () => {
    const c = ctx([anAccount('default')]);
    await assert.rejects(admitPodServiceAccount(aPod({ serviceAccountName: 'robot' }), c), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'Forbidden');
      assert.equal(err.message, 'pods "web" is forbidden: error looking up service account apps/robot: serviceaccount "robot" not found');
      return true;
    });
    assert.equal(c.namespaceChecked, true, 'NamespaceLifecycle runs first');
  });

  const automount = [
    { name: 'the account opts out', account: false, pod: undefined, mounted: false },
    { name: 'the pod opts out', account: undefined, pod: false, mounted: false },
    { name: "the pod's true wins over the account's false", account: false, pod: true, mounted: true },
  ];
  for (const a of automount) {
    it(`automountServiceAccountToken: ${a.name}`, async () => {
      const pod = aPod(a.pod === undefined ? {} : { automountServiceAccountToken: a.pod });
      await admitPodServiceAccount(pod, ctx([anAccount('default', a.account === undefined ? {} : { automountServiceAccountToken: a.account })]));
      assert.equal((pod.spec.volumes ?? []).length > 0, a.mounted);
    });
  }

  it('leaves a container that already mounts something at the path alone', async () => {
    const pod = aPod({ initContainers: [], volumes: [{ name: 'mine', emptyDir: {} }] });
    pod.spec.containers[0]!.volumeMounts = [{ name: 'mine', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }];
    await admitPodServiceAccount(pod, ctx([anAccount('default')]));
    assert.deepEqual(pod.spec.volumes, [{ name: 'mine', emptyDir: {} }]);
  });

  it("copies the account's imagePullSecrets into a pod that has none, never over the pod's own", async () => {
    const account = anAccount('default', { imagePullSecrets: [{ name: 'registry' }] });
    const bare = aPod();
    await admitPodServiceAccount(bare, ctx([account]));
    assert.deepEqual(bare.spec.imagePullSecrets, [{ name: 'registry' }]);
    const own = aPod({ imagePullSecrets: [{ name: 'mine' }] });
    await admitPodServiceAccount(own, ctx([account]));
    assert.deepEqual(own.spec.imagePullSecrets, [{ name: 'mine' }]);
  });

  it('does nothing when the control plane has no token signer (plugin off)', async () => {
    const pod = aPod({ serviceAccountName: 'nobody' });
    await admitPodServiceAccount(pod, ctx([], false));
    assert.equal(pod.spec.volumes, undefined);
  });
});
