import assert from 'node:assert/strict';
import { nodeReadyCondition } from '../../../../agent/stats/ready-condition';
import { networkError } from '../../../../agent/network/network-readiness';

describe('node Ready condition', () => {
  it('is True (KubeletReady) when nothing keeps the node from being ready', () => {
    assert.deepEqual(nodeReadyCondition([undefined, undefined]), { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' });
  });

  it('is False (KubeletNotReady) with the one error as its message, as the kubelet prints a single error', () => {
    const network = networkError({ podNetwork: "pod network not ready: waiting for the control plane to assign this node's pod CIDR", dns: undefined });
    assert.deepEqual(nodeReadyCondition([undefined, network]), {
      type: 'Ready', status: 'False', reason: 'KubeletNotReady',
      message: "container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:pod network not ready: waiting for the control plane to assign this node's pod CIDR",
    });
  });

  it('aggregates several errors as Go\'s utilerrors.Aggregate prints them, each once', () => {
    const condition = nodeReadyCondition(['container runtime is down: no answer', 'container runtime network not ready: x', 'container runtime is down: no answer']);
    assert.equal(condition.message, '[container runtime is down: no answer, container runtime network not ready: x]');
  });
});

describe('network readiness', () => {
  it('is ready when the pod network is in place and DNS answers', () => {
    assert.equal(networkError({ podNetwork: undefined, dns: undefined }), undefined);
  });

  it('names the pod network\'s problem first, then DNS\'s', () => {
    assert.match(networkError({ podNetwork: 'no bridge', dns: 'no DNS' }) ?? '', /NetworkReady=false reason:NetworkPluginNotReady message:no bridge$/);
    assert.match(networkError({ podNetwork: undefined, dns: 'cluster DNS not serving on 10.42.1.1:53 yet' }) ?? '', /message:cluster DNS not serving on 10\.42\.1\.1:53 yet$/);
  });
});
