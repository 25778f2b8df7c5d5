/**
 * `serviceaccount-controller` wiring (decision in service-account-plan.ts): the key is a
 * namespace's name, enqueued when the namespace appears or changes and when its `default`
 * account goes. A namespace that turned Terminating meanwhile refuses the create (Forbidden):
 * nothing to do then.
 */
import type { Namespace } from '../../api/core-v1';
import { isApiError } from '../../api/errors';
import { DEFAULT_SERVICE_ACCOUNT, type ServiceAccount } from '../../api/service-account';
import { changesOf, defineController } from './framework/define-controller';
import { planDefaultServiceAccount } from './service-account-plan';

export const serviceAccountController = defineController({
  name: 'serviceaccount-controller',
  setup(ctx) {
    const namespaces = ctx.informers.forResource<Namespace>('namespaces');
    const accounts = ctx.informers.forResource<ServiceAccount>('serviceaccounts');
    return {
      watches: [
        changesOf(namespaces, (ns, _old, type) => (type === 'DELETED' ? [] : [ns.metadata.name ?? ''])),
        changesOf(accounts, (sa, _old, type) => (type === 'DELETED' && sa.metadata.name === DEFAULT_SERVICE_ACCOUNT ? [sa.metadata.namespace ?? ''] : [])),
      ],
      async reconcile(name) {
        const account = planDefaultServiceAccount(namespaces.get(name), accounts.get(`${name}/${DEFAULT_SERVICE_ACCOUNT}`));
        if (!account) return {};
        await ctx.client.create('serviceaccounts', name, account).catch((err: unknown) => {
          if (!isApiError(err, 'AlreadyExists') && !isApiError(err, 'Forbidden') && !isApiError(err, 'NotFound')) throw err;
        });
        return {};
      },
    };
  },
});
