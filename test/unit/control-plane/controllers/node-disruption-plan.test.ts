import assert from 'node:assert/strict';
import {
  admitNoExecute, clusterDisruption, DEFAULT_DISRUPTION_SETTINGS, HOLD_RECHECK_MS, zoneOf, zoneState, type NodeReadiness, type ZoneState,
} from '../../../../control-plane/controllers/node-disruption-plan';
import { aNode } from './fixtures';

const nodes = (zone: string, ready: number, notReady: number): NodeReadiness[] => [
  ...Array.from({ length: ready }, () => ({ zone, ready: true })),
  ...Array.from({ length: notReady }, () => ({ zone, ready: false })),
];

describe('node disruption plan (Kubernetes\' zone states and eviction rates)', () => {
  const states: [number, number, ZoneState][] = [
    [0, 1, 'FullDisruption'], [0, 2, 'FullDisruption'], [1, 1, 'Normal'], [2, 1, 'Normal'], [1, 2, 'Normal'],
    [0, 0, 'Normal'], [2, 3, 'PartialDisruption'], [3, 3, 'Normal'], [1, 3, 'PartialDisruption'], [7, 3, 'Normal'], [40, 60, 'PartialDisruption'],
  ];
  for (const [ready, notReady, state] of states) {
    it(`a zone with ${ready} ready and ${notReady} not ready nodes is ${state}`, () => {
      assert.equal(zoneState(ready, notReady, 0.55), state);
    });
  }

  it('groups nodes by region and zone labels, the beta ones as fallback; none is the one zone ""', () => {
    const labelled = (labels: Record<string, string>) => ({ ...aNode('pi1'), metadata: { name: 'pi1', labels } });
    assert.equal(zoneOf(aNode('pi1')), '');
    assert.equal(zoneOf(labelled({ 'topology.kubernetes.io/zone': 'shelf-a' })), ':\u0000:shelf-a');
    assert.equal(zoneOf(labelled({ 'failure-domain.beta.kubernetes.io/region': 'home', 'topology.kubernetes.io/zone': 'b' })), 'home:\u0000:b');
  });

  const now = 100_000;
  const cases: { name: string; nodes: NodeReadiness[]; zone?: string; lastAddedAtMs?: number; want: ReturnType<typeof admitNoExecute> }[] = [
    { name: 'one node of two down: evict', nodes: nodes('', 1, 1), want: { decision: 'add' } },
    { name: 'both nodes of two down: master disruption, taints off', nodes: nodes('', 0, 2), want: { decision: 'remove' } },
    { name: 'a one-node cluster down: taints off', nodes: nodes('', 0, 1), want: { decision: 'remove' } },
    { name: 'two of three down: still Normal (more than 2 needed)', nodes: nodes('', 1, 2), want: { decision: 'add' } },
    { name: '3 of 5 down in a small zone: held', nodes: nodes('', 2, 3), want: { decision: 'hold', retryAfterMs: HOLD_RECHECK_MS } },
    { name: '60 of 100 down in a large zone: the secondary rate (one per 100 s)', nodes: nodes('', 40, 60), lastAddedAtMs: now - 1000, want: { decision: 'hold', retryAfterMs: HOLD_RECHECK_MS } },
    { name: '60 of 100 down in a large zone, 100 s after the last: add', nodes: nodes('', 40, 60), lastAddedAtMs: now - 100_000, want: { decision: 'add' } },
    { name: 'rate 1/s, the last taint 400 ms ago: wait 600 ms (capped at the recheck)', nodes: nodes('', 2, 1), lastAddedAtMs: now - 400, want: { decision: 'hold', retryAfterMs: HOLD_RECHECK_MS } },
    { name: 'rate 1/s, the last taint 800 ms ago: wait 200 ms', nodes: nodes('', 2, 1), lastAddedAtMs: now - 800, want: { decision: 'hold', retryAfterMs: 200 } },
    { name: 'one zone fully down while another is healthy: a zone failure, evict', nodes: [...nodes('a', 0, 2), ...nodes('b', 2, 0)], zone: 'a', want: { decision: 'add' } },
    { name: 'every zone fully down: taints off', nodes: [...nodes('a', 0, 2), ...nodes('b', 0, 1)], zone: 'a', want: { decision: 'remove' } },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const disruption = clusterDisruption(c.nodes, DEFAULT_DISRUPTION_SETTINGS.unhealthyZoneThreshold);
      assert.deepEqual(admitNoExecute(disruption, c.zone ?? '', c.lastAddedAtMs, now, DEFAULT_DISRUPTION_SETTINGS), c.want);
    });
  }

  it('a rate of 0 holds every taint back', () => {
    const disruption = clusterDisruption(nodes('', 2, 1), 0.55);
    assert.equal(admitNoExecute(disruption, '', undefined, now, { ...DEFAULT_DISRUPTION_SETTINGS, nodeEvictionRate: 0 }).decision, 'hold');
  });
});
