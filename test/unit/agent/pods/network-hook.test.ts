import assert from 'node:assert/strict';
import { NetworkHook } from '../../../../agent/pods/network-hook';
import type { SandboxNetwork } from '../../../../agent/pods/sandbox-network';
import { contextFor, plans } from './hook-fixtures';
import { aPod } from './pod-builder';

describe('network hook', () => {
  let name: string | undefined;
  const network: SandboxNetwork = { networkName: () => name, notReadyReason: () => 'pod network not ready: no pod CIDR yet' };
  const pod = aPod('web').withContainer({ name: 'app' }).build();

  beforeEach(() => (name = 'pikube0'));

  it('gives a new sandbox the pod network', async () => {
    const ctx = contextFor(plans.newSandbox);
    assert.deepEqual(await new NetworkHook(network).setUp(pod, ctx), { ok: true });
    assert.equal(ctx.resources.networkName, 'pikube0');
  });

  it('holds a pod that needs a new sandbox while the network is not ready (ContainerCreating, again in 1 s)', async () => {
    name = undefined;
    assert.deepEqual(await new NetworkHook(network).setUp(pod, contextFor(plans.newSandbox)), {
      ok: false, waiting: { reason: 'ContainerCreating', message: 'pod network not ready: no pod CIDR yet' }, shownOn: 'unstarted', retryAfterMs: 1000,
    });
  });

  it('never holds a pod whose sandbox runs, a hostNetwork pod, or a node without a pod network', async () => {
    name = undefined;
    const host = aPod('host').withContainer({ name: 'app' }).build();
    host.spec.hostNetwork = true;
    for (const [hook, p, plan] of [[new NetworkHook(network), pod, plans.startApp], [new NetworkHook(network), host, plans.newSandbox], [new NetworkHook(undefined), pod, plans.newSandbox]] as const) {
      const ctx = contextFor(plan);
      assert.deepEqual(await hook.setUp(p, ctx), { ok: true });
      assert.equal(ctx.resources.networkName, undefined);
    }
  });
});
