/**
 * `root-ca-cert-publisher` wiring (decision in root-ca-cert-publisher-plan.ts): the key is a
 * namespace's name, enqueued when the namespace appears or changes and when its
 * `kube-root-ca.crt` ConfigMap changes or goes. Updates are compare-and-swaps on the cached
 * resourceVersion (a Conflict requeues). Without the CA in the context it publishes nothing.
 */
import type { ConfigMap } from '../../api/config-v1';
import type { Namespace } from '../../api/core-v1';
import { isApiError } from '../../api/errors';
import { ROOT_CA_CONFIG_MAP } from '../../api/service-account';
import { unlessNotFound } from './framework/api-client';
import { changesOf, defineController } from './framework/define-controller';
import { planRootCaConfigMap } from './root-ca-cert-publisher-plan';

export const rootCaCertPublisherController = defineController({
  name: 'root-ca-cert-publisher',
  setup(ctx) {
    const namespaces = ctx.informers.forResource<Namespace>('namespaces');
    const configMaps = ctx.informers.forResource<ConfigMap>('configmaps');
    const caPem = ctx.clusterCACertPem;
    if (caPem === undefined) ctx.log('root-ca-cert-publisher: no cluster CA given; kube-root-ca.crt is not published');
    return {
      watches: caPem === undefined ? [] : [
        changesOf(namespaces, (ns, _old, type) => (type === 'DELETED' ? [] : [ns.metadata.name ?? ''])),
        changesOf(configMaps, (cm) => (cm.metadata.name === ROOT_CA_CONFIG_MAP ? [cm.metadata.namespace ?? ''] : [])),
      ],
      async reconcile(name) {
        if (caPem === undefined) return {};
        const step = planRootCaConfigMap(namespaces.get(name), configMaps.get(`${name}/${ROOT_CA_CONFIG_MAP}`), caPem);
        if (step.op === 'create') {
          await ctx.client.create('configmaps', name, step.configMap).catch((err: unknown) => {
            if (!isApiError(err, 'AlreadyExists') && !isApiError(err, 'Forbidden') && !isApiError(err, 'NotFound')) throw err;
          });
        }
        if (step.op === 'update') await ctx.client.update('configmaps', name, ROOT_CA_CONFIG_MAP, step.configMap).catch(unlessNotFound);
        return {};
      },
    };
  },
});
