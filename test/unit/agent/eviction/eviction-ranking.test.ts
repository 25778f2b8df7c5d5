import assert from 'node:assert/strict';
import type { Pod } from '../../../../api/core-v1';
import { rankForEviction, type PodUsage } from '../../../../agent/eviction/eviction-ranking';
import { nodePressureMessage } from '../../../../agent/eviction/eviction-message';
import { aPod } from '../pods/pod-builder';

const Mi = 1024 * 1024;

function pod(name: string, opts: { request?: string; priority?: number } = {}): Pod {
  const p = aPod(name).withContainer({ name: 'app', resources: opts.request ? { requests: { memory: opts.request } } : {} }).build();
  if (opts.priority !== undefined) p.spec.priority = opts.priority;
  return p;
}

function using(p: Pod, mi: number | undefined): PodUsage {
  return { pod: p, containers: mi === undefined ? undefined : new Map([['app', mi * Mi]]), podLevelBytes: 0 };
}

const names = (ranked: PodUsage[]): string[] => ranked.map((u) => u.pod.metadata.name ?? '');

describe('ranking pods for node-pressure eviction', () => {
  it('evicts a pod above its requests (a BestEffort one) before a larger pod within its requests', () => {
    const ranked = rankForEviction([using(pod('big-within', { request: '500Mi' }), 400), using(pod('besteffort'), 10)], 'memory');
    assert.deepEqual(names(ranked), ['besteffort', 'big-within']);
  });

  it('among pods above their requests, the lower priority first, then the larger excess', () => {
    const ranked = rankForEviction([
      using(pod('high', { priority: 1000 }), 300),
      using(pod('small-excess', { request: '50Mi' }), 60),
      using(pod('large-excess', { request: '50Mi' }), 200),
    ], 'memory');
    assert.deepEqual(names(ranked), ['large-excess', 'small-excess', 'high']);
  });

  it('puts a pod whose usage is unknown first, and never ranks a critical pod', () => {
    const ranked = rankForEviction([
      using(pod('hog'), 500),
      using(pod('unmeasured'), undefined),
      using(pod('critical', { priority: 2_000_000_000 }), 900),
    ], 'memory');
    assert.deepEqual(names(ranked), ['unmeasured', 'hog']);
  });

  it('counts pod-level disk use (emptyDirs) for ephemeral-storage', () => {
    const volumes: PodUsage = { pod: pod('volumes'), containers: new Map([['app', 1 * Mi]]), podLevelBytes: 100 * Mi };
    assert.deepEqual(names(rankForEviction([using(pod('layer'), 20), volumes], 'ephemeral-storage')), ['volumes', 'layer']);
  });
});

describe('the node-pressure eviction message', () => {
  it('names the resource, the threshold, what was available and each container above its request', () => {
    const p = aPod('web').withContainer({ name: 'app' }).withContainer({ name: 'side', resources: { requests: { memory: '64Mi' } } }).build();
    const usage: PodUsage = { pod: p, containers: new Map([['app', 50 * Mi], ['side', 10 * Mi]]), podLevelBytes: 0 };
    assert.equal(
      nodePressureMessage('memory', { thresholdBytes: 100 * Mi, availableBytes: 91680 * 1024 }, usage),
      'The node was low on resource: memory. Threshold quantity: 100Mi, available: 91680Ki. Container app was using 50Mi, request is 0, has larger consumption of memory. ',
    );
  });

  it('keeps only the threshold sentence for a pod not measured', () => {
    assert.equal(
      nodePressureMessage('ephemeral-storage', { thresholdBytes: 1024, availableBytes: 0 }, { pod: pod('x'), containers: undefined, podLevelBytes: 0 }),
      'The node was low on resource: ephemeral-storage. Threshold quantity: 1Ki, available: 0. ',
    );
  });
});
