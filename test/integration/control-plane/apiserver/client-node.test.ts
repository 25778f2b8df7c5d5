import { strict as assert } from 'node:assert';
import { CoreV1Api, KubeConfig, makeInformer, PatchStrategy, setHeaderOptions, type Informer, type ObjectCache, type V1ConfigMap } from '@kubernetes/client-node';
import { createApiServer, type ApiServer } from '../../../../control-plane/apiserver/server';
import { until } from '../../../../scripts/cluster/wait-until';
import { startApiServerFixture, type ApiServerFixture } from '../../../support/api-server-fixture';
import { withEtcd } from '../../../support/etcd-fixture';

const NS = 'client-node';

function aConfigMap(name: string, value: string): V1ConfigMap {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: NS }, data: { k: value } };
}

describe('the official JavaScript client (@kubernetes/client-node) against the API server (real etcd)', function () {
  this.timeout(60_000);
  const etcd = withEtcd();
  let api: ApiServerFixture;
  let restarted: ApiServer | undefined;
  let core: CoreV1Api;
  let kc: KubeConfig;

  before(async () => {
    api = await startApiServerFixture(etcd.get());
    kc = new KubeConfig();
    kc.loadFromFile(api.kubeconfig);
    core = kc.makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: NS } } });
  });
  after(async () => {
    await restarted?.close();
    await api?.stop();
  });

  it('creates, lists, patches and deletes with the kubeconfig kubectl uses', async () => {
    const created = await core.createNamespacedConfigMap({ namespace: NS, body: aConfigMap('first', 'v1') });
    assert.ok(created.metadata?.uid);
    const list = await core.listNamespacedConfigMap({ namespace: NS });
    assert.deepEqual(list.items.map((c) => c.metadata?.name), ['first']);
    assert.ok(list.metadata?.resourceVersion);
    const patched = await core.patchNamespacedConfigMap({ name: 'first', namespace: NS, body: { data: { k: 'v2' } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    assert.deepEqual(patched.data, { k: 'v2' });
    await core.deleteNamespacedConfigMap({ name: 'first', namespace: NS });
    await assert.rejects(core.readNamespacedConfigMap({ name: 'first', namespace: NS }), (err: { code?: number }) => err.code === 404);
  });

  it('keeps an informer\'s cache through list, watch and a restart of the API server', async () => {
    await core.createNamespacedConfigMap({ namespace: NS, body: aConfigMap('listed', 'a') });
    const informer = makeInformer(kc, `/api/v1/namespaces/${NS}/configmaps`, () => core.listNamespacedConfigMap({ namespace: NS }));
    const seen: string[] = [];
    for (const verb of ['add', 'update', 'delete'] as const) informer.on(verb, (c: V1ConfigMap) => seen.push(`${verb} ${c.metadata?.name ?? ''}`));
    const retry = restartOnError(informer);
    try {
      await informer.start();
      await until(() => seen.includes('add listed'), { timeoutMs: 10_000, describe: () => seen.join(', ') });
      await core.createNamespacedConfigMap({ namespace: NS, body: aConfigMap('watched', 'b') });
      await until(() => seen.includes('add watched'), { timeoutMs: 10_000, describe: () => seen.join(', ') });

      await api.server.close();
      await api.registry.create('configmaps', NS, aConfigMap('while-down', 'c'));
      restarted = createApiServer({ registry: api.registry, tls: { caCertPem: api.pki.ca.certPem, certPem: api.pki.serving.certPem, keyPem: api.pki.serving.keyPem }, port: api.port, host: '127.0.0.1', log: () => undefined });
      await restarted.listen();

      await until(() => seen.includes('add while-down'), { timeoutMs: 20_000, describe: () => seen.join(', ') });
      await core.patchNamespacedConfigMap({ name: 'watched', namespace: NS, body: { data: { k: 'b2' } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
      await core.deleteNamespacedConfigMap({ name: 'listed', namespace: NS });
      await until(() => seen.includes('update watched') && seen.includes('delete listed'), { timeoutMs: 10_000, describe: () => seen.join(', ') });
      assert.deepEqual(informer.list(NS).map((c) => c.metadata?.name).sort(), ['watched', 'while-down']);
      assert.deepEqual(informer.get('watched', NS)?.data, { k: 'b2' });
    } finally {
      retry.stop();
      await informer.stop();
    }
  });
});

/**
 * The client's documented recovery: an informer whose list or watch failed (the server went
 * away) is started again after a pause, until stopped.
 */
function restartOnError(informer: Informer<V1ConfigMap> & ObjectCache<V1ConfigMap>): { stop(): void } {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const again = (): void => {
    if (stopped || timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      if (!stopped) informer.start().catch(again);
    }, 250);
  };
  informer.on('error', again);
  return {
    stop: () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
