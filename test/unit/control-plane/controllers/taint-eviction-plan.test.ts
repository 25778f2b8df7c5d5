import assert from 'node:assert/strict';
import type { Node, Pod, Taint, Toleration } from '../../../../api/core-v1';
import { planTaintEviction, toleranceMs, type EvictionPlan, type EvictionState, type FencingInput } from '../../../../control-plane/controllers/taint-eviction-plan';
import { aNode, aPod } from './fixtures';

const UNREACHABLE_EXECUTE: Taint = { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' };
const UNREACHABLE_SCHEDULE: Taint = { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' };
const DEDICATED: Taint = { key: 'dedicated', value: 'db', effect: 'NoExecute' };
const NOW = 1_000_000;

const tolerate = (key: string, seconds?: number): Toleration => ({ key, operator: 'Exists', effect: 'NoExecute', ...(seconds === undefined ? {} : { tolerationSeconds: seconds }) });
const DEFAULTS = [tolerate('node.kubernetes.io/not-ready', 2), tolerate('node.kubernetes.io/unreachable', 2)];

function node(...taints: Taint[]): Node {
  return { ...aNode('pi1'), spec: taints.length ? { taints } : {} };
}

function pod(tolerations?: Toleration[], extra: Partial<Pod['metadata']> = {}): Pod {
  const p = aPod('web');
  return { ...p, metadata: { ...p.metadata, ...extra }, spec: { ...p.spec, containers: p.spec.containers, ...(tolerations ? { tolerations } : {}) } };
}

const scheduled = (createdAtMs: number, uid = 'uid-web'): EvictionState => ({ phase: 'scheduled', uid, createdAtMs });
const evicted: EvictionState = { phase: 'evicted', uid: 'uid-web' };

describe('taint eviction plan', () => {
  const cases: Array<{ name: string; pod?: Pod; node?: Node; state?: EvictionState; want: EvictionPlan }> = [
    { name: 'no taint: nothing', pod: pod(DEFAULTS), node: node(), want: { evict: false, cancelled: false } },
    { name: 'a NoSchedule taint only: nothing', pod: pod(), node: node(UNREACHABLE_SCHEDULE), want: { evict: false, cancelled: false } },
    { name: 'an untolerated NoExecute taint: deleted at once', pod: pod(), node: node(UNREACHABLE_SCHEDULE, UNREACHABLE_EXECUTE), want: { next: evicted, evict: true, cancelled: false } },
    { name: 'tolerated for 2 s, first seen now: deleted in 2 s', pod: pod(DEFAULTS), node: node(UNREACHABLE_EXECUTE), want: { next: scheduled(NOW), evict: false, cancelled: false, requeueAfterMs: 2000 } },
    { name: 'tolerated for 2 s, seen 1.5 s ago: 0.5 s left', pod: pod(DEFAULTS), node: node(UNREACHABLE_EXECUTE), state: scheduled(NOW - 1500), want: { next: scheduled(NOW - 1500), evict: false, cancelled: false, requeueAfterMs: 500 } },
    { name: 'tolerated for 2 s, seen 2 s ago: deleted', pod: pod(DEFAULTS), node: node(UNREACHABLE_EXECUTE), state: scheduled(NOW - 2000), want: { next: evicted, evict: true, cancelled: false } },
    { name: 'a user tolerationSeconds of 300 is honoured', pod: pod([tolerate('node.kubernetes.io/unreachable', 300)]), node: node(UNREACHABLE_EXECUTE), state: scheduled(NOW - 2000), want: { next: scheduled(NOW - 2000), evict: false, cancelled: false, requeueAfterMs: 298_000 } },
    { name: 'tolerationSeconds 0: deleted at once', pod: pod([tolerate('node.kubernetes.io/unreachable', 0)]), node: node(UNREACHABLE_EXECUTE), want: { next: evicted, evict: true, cancelled: false } },
    { name: 'negative tolerationSeconds count as 0', pod: pod([tolerate('node.kubernetes.io/unreachable', -5)]), node: node(UNREACHABLE_EXECUTE), want: { next: evicted, evict: true, cancelled: false } },
    { name: 'tolerated forever (a DaemonSet pod): never', pod: pod([tolerate('node.kubernetes.io/unreachable')]), node: node(UNREACHABLE_EXECUTE), want: { evict: false, cancelled: false } },
    { name: 'tolerated forever after a schedule: cancelled with an event', pod: pod([tolerate('node.kubernetes.io/unreachable')]), node: node(UNREACHABLE_EXECUTE), state: scheduled(NOW - 100), want: { evict: false, cancelled: true } },
    { name: 'the taint went away: the schedule is cancelled', pod: pod(DEFAULTS), node: node(), state: scheduled(NOW - 100), want: { evict: false, cancelled: true } },
    { name: 'the taint went away after the eviction: forgotten quietly', pod: pod(DEFAULTS), node: node(), state: evicted, want: { evict: false, cancelled: false } },
    { name: 'two taints: the shortest toleration counts', pod: pod([tolerate('node.kubernetes.io/unreachable', 30), tolerate('dedicated', 5)]), node: node(UNREACHABLE_EXECUTE, DEDICATED), want: { next: scheduled(NOW), evict: false, cancelled: false, requeueAfterMs: 5000 } },
    { name: 'two taints, one untolerated: deleted at once, the schedule cancelled', pod: pod(DEFAULTS), node: node(UNREACHABLE_EXECUTE, DEDICATED), state: scheduled(NOW - 100), want: { next: evicted, evict: true, cancelled: true } },
    { name: 'the first matching toleration is the one used (Exists for all, forever)', pod: pod([{ operator: 'Exists' }, tolerate('node.kubernetes.io/unreachable', 1)]), node: node(UNREACHABLE_EXECUTE), want: { evict: false, cancelled: false } },
    { name: 'a toleration of another value does not match', pod: pod([{ key: 'dedicated', operator: 'Equal', value: 'web', effect: 'NoExecute' }]), node: node(DEDICATED), want: { next: evicted, evict: true, cancelled: false } },
    { name: 'already evicted: not again', pod: pod(), node: node(UNREACHABLE_EXECUTE), state: evicted, want: { next: evicted, evict: false, cancelled: false } },
    { name: 'a new pod of the same name (another uid) starts afresh', pod: pod(DEFAULTS, { uid: 'uid-web-2' }), node: node(UNREACHABLE_EXECUTE), state: scheduled(NOW - 5000), want: { next: scheduled(NOW, 'uid-web-2'), evict: false, cancelled: false, requeueAfterMs: 2000 } },
    { name: 'a terminating pod is left alone', pod: pod([], { deletionTimestamp: '2026-01-01T00:00:00Z' }), node: node(UNREACHABLE_EXECUTE), state: scheduled(NOW - 100), want: { evict: false, cancelled: false } },
    { name: 'the pod deleted while scheduled: cancelled with an event', node: node(UNREACHABLE_EXECUTE), state: scheduled(NOW - 100), want: { evict: false, cancelled: true } },
    { name: 'the node gone: left to the pod garbage collector', pod: pod(), state: scheduled(NOW - 100), want: { evict: false, cancelled: false } },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(planTaintEviction({ pod: c.pod, node: c.node, state: c.state, nowMs: NOW }), c.want);
    });
  }

  it('toleranceMs: undefined when a taint is untolerated, Infinity without seconds, else the shortest', () => {
    assert.equal(toleranceMs([UNREACHABLE_EXECUTE], []), undefined);
    assert.equal(toleranceMs([UNREACHABLE_EXECUTE], [tolerate('node.kubernetes.io/unreachable')]), Infinity);
    assert.equal(toleranceMs([UNREACHABLE_EXECUTE, DEDICATED], [tolerate('dedicated', 7), tolerate('node.kubernetes.io/unreachable', 3)]), 3000);
    assert.equal(toleranceMs([], []), Infinity);
  });
});

describe('taint eviction plan: pods that must not run twice on an unreachable node', () => {
  const AFTER = 11_000;
  const silent = (silentForMs: number): FencingInput => ({ silentForMs, afterMs: AFTER });
  const forced: EvictionState = { phase: 'forced', uid: 'uid-web' };
  const TERMINATING = { deletionTimestamp: '2026-01-01T00:00:00Z' };
  const cases: Array<{ name: string; pod: Pod; node: Node; state?: EvictionState; fencing: FencingInput; want: EvictionPlan }> = [
    { name: 'silent 7 s, toleration over: never a graceful delete, forced in 4 s', pod: pod(DEFAULTS), node: node(UNREACHABLE_SCHEDULE, UNREACHABLE_EXECUTE), state: scheduled(NOW - 2000), fencing: silent(7000),
      want: { next: scheduled(NOW - 2000), evict: false, cancelled: false, requeueAfterMs: 4000 } },
    { name: 'silent for the fencing period plus margin, toleration over: force-deleted', pod: pod(DEFAULTS), node: node(UNREACHABLE_EXECUTE), state: scheduled(NOW - 6000), fencing: silent(AFTER),
      want: { next: forced, evict: true, force: true, cancelled: false } },
    { name: 'silent long enough but the toleration (user, 30 s) still runs: waits for it', pod: pod([tolerate('node.kubernetes.io/unreachable', 30)]), node: node(UNREACHABLE_EXECUTE), state: scheduled(NOW - 20_000), fencing: silent(25_000),
      want: { next: scheduled(NOW - 20_000), evict: false, cancelled: false, requeueAfterMs: 10_000 } },
    { name: 'untolerated taint, just gone silent: waits for the fencing, not deleted at once', pod: pod(), node: node(UNREACHABLE_EXECUTE), fencing: silent(5000),
      want: { next: scheduled(NOW), evict: false, cancelled: false, requeueAfterMs: 6000 } },
    { name: 'tolerated forever: kept, as any pod', pod: pod([tolerate('node.kubernetes.io/unreachable')]), node: node(UNREACHABLE_EXECUTE), fencing: silent(60_000),
      want: { evict: false, cancelled: false } },
    { name: 'already terminating (deleted gracefully): still force-deleted once fenced', pod: pod(DEFAULTS, TERMINATING), node: node(UNREACHABLE_EXECUTE), fencing: silent(AFTER + 1),
      want: { next: forced, evict: true, force: true, cancelled: false } },
    { name: 'already terminating, silent 3 s: waits 8 s', pod: pod(DEFAULTS, TERMINATING), node: node(UNREACHABLE_EXECUTE), fencing: silent(3000),
      want: { next: scheduled(NOW), evict: false, cancelled: false, requeueAfterMs: 8000 } },
    { name: 'evicted gracefully before (not-ready taint): forced now that the node is unreachable', pod: pod(DEFAULTS), node: node(UNREACHABLE_EXECUTE), state: evicted, fencing: silent(AFTER),
      want: { next: forced, evict: true, force: true, cancelled: false } },
    { name: 'already forced: not again', pod: pod(DEFAULTS, TERMINATING), node: node(UNREACHABLE_EXECUTE), state: forced, fencing: silent(AFTER * 2),
      want: { next: forced, evict: false, cancelled: false } },
    { name: 'the node answers again (silence 0, taint still there): waits the whole fencing time again', pod: pod(DEFAULTS), node: node(UNREACHABLE_EXECUTE), state: scheduled(NOW - 9000), fencing: silent(0),
      want: { next: scheduled(NOW - 9000), evict: false, cancelled: false, requeueAfterMs: AFTER } },
    { name: 'the unreachable taint gone: the schedule cancelled, as any pod', pod: pod(DEFAULTS), node: node(), state: scheduled(NOW - 100), fencing: silent(0),
      want: { evict: false, cancelled: true } },
    { name: 'another NoExecute taint on a reachable node: the graceful path (its agent stops it)', pod: pod(DEFAULTS), node: node(DEDICATED), fencing: silent(0),
      want: { next: evicted, evict: true, cancelled: false } },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(planTaintEviction({ pod: c.pod, node: c.node, state: c.state, nowMs: NOW, fencing: c.fencing }), c.want);
    });
  }
});
