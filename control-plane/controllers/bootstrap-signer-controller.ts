/**
 * `bootstrapsigner` wiring (decision in bootstrap-signer-plan.ts): one key, the cluster-info
 * ConfigMap, enqueued when it changes and when any bootstrap token Secret does; a token that
 * expires later requeues at its expiry (the token cleaner deletes it then, which enqueues too).
 */
import type { ConfigMap, Secret } from '../../api/config-v1';
import { BOOTSTRAP_TOKEN_NAMESPACE, BOOTSTRAP_TOKEN_SECRET_TYPE } from '../../api/bootstrap-token';
import { CLUSTER_INFO_NAME, CLUSTER_INFO_NAMESPACE } from '../auth/cluster-info';
import { unlessNotFound } from './framework/api-client';
import { changesOf, defineController } from './framework/define-controller';
import { planClusterInfoSignatures } from './bootstrap-signer-plan';

const KEY = `${CLUSTER_INFO_NAMESPACE}/${CLUSTER_INFO_NAME}`;

export const bootstrapSignerController = defineController({
  name: 'bootstrapsigner',
  setup(ctx) {
    const configMaps = ctx.informers.forResource<ConfigMap>('configmaps');
    const secrets = ctx.informers.forResource<Secret>('secrets');
    const tokens = (): Secret[] => secrets.list().filter((s) => s.type === BOOTSTRAP_TOKEN_SECRET_TYPE && s.metadata.namespace === BOOTSTRAP_TOKEN_NAMESPACE);
    return {
      watches: [
        changesOf(configMaps, (cm) => (`${cm.metadata.namespace ?? ''}/${cm.metadata.name ?? ''}` === KEY ? [KEY] : [])),
        changesOf(secrets, (s) => (s.type === BOOTSTRAP_TOKEN_SECRET_TYPE ? [KEY] : [])),
      ],
      async reconcile() {
        const step = planClusterInfoSignatures(configMaps.get(KEY), tokens(), new Date(ctx.clock.now()));
        if (step.op === 'update') await ctx.client.update('configmaps', CLUSTER_INFO_NAMESPACE, CLUSTER_INFO_NAME, step.configMap).catch(unlessNotFound);
        return {};
      },
    };
  },
});
