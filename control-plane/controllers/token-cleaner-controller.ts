/**
 * `tokencleaner` wiring (decision in token-cleaner-plan.ts): the key is `kube-system/<name>`
 * of a bootstrap token Secret; an expired one is deleted with its uid as a precondition, a
 * live one is requeued for the moment it expires.
 */
import type { Secret } from '../../api/config-v1';
import { BOOTSTRAP_TOKEN_NAMESPACE, BOOTSTRAP_TOKEN_SECRET_TYPE } from '../../api/bootstrap-token';
import { unlessNotFound } from './framework/api-client';
import { changesOf, defineController } from './framework/define-controller';
import { planTokenCleanup } from './token-cleaner-plan';

export const tokenCleanerController = defineController({
  name: 'tokencleaner',
  setup(ctx) {
    const secrets = ctx.informers.forResource<Secret>('secrets');
    const isToken = (s: Secret): boolean => s.type === BOOTSTRAP_TOKEN_SECRET_TYPE && s.metadata.namespace === BOOTSTRAP_TOKEN_NAMESPACE;
    return {
      watches: [changesOf(secrets, (s, _old, type) => (type !== 'DELETED' && isToken(s) ? [`${BOOTSTRAP_TOKEN_NAMESPACE}/${s.metadata.name ?? ''}`] : []))],
      async reconcile(key) {
        const secret = secrets.get(key);
        const step = planTokenCleanup(secret, new Date(ctx.clock.now()));
        if (step.op === 'wait') return { requeueAfterMs: step.ms };
        if (step.op !== 'delete' || !secret) return {};
        await ctx.client.delete('secrets', BOOTSTRAP_TOKEN_NAMESPACE, secret.metadata.name ?? '', { preconditions: { uid: secret.metadata.uid } }).catch(unlessNotFound);
        return {};
      },
    };
  },
});
