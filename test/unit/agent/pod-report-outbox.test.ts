import assert from 'node:assert/strict';
import type { Pod, PodStatus } from '../../../api/core-v1';
import { PodReportOutbox } from '../../../agent/pod-report-outbox';
import type { AgentMessage } from '../../../proto/node-proto';

function aPod(name: string): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', uid: `uid-${name}` }, spec: { containers: [] } };
}

const phase = (p: PodStatus['phase']): PodStatus => ({ phase: p });

function describeMessages(messages: AgentMessage[]): string[] {
  return messages.map((m) => {
    if (m.pod_status) return `status ${m.pod_status.name} ${(JSON.parse(String(m.pod_status.status_json)) as PodStatus).phase}`;
    return `terminated ${m.pod_terminated?.name}`;
  });
}

describe('PodReportOutbox', () => {
  it('keeps only the latest status of each pod', () => {
    const outbox = new PodReportOutbox();
    outbox.setStatus(aPod('a'), phase('Pending'));
    outbox.setStatus(aPod('b'), phase('Pending'));
    outbox.setStatus(aPod('a'), phase('Running'));
    assert.deepEqual(describeMessages(outbox.drain()), ['status b Pending', 'status a Running']);
    assert.deepEqual(outbox.drain(), []);
  });

  it('sends a pod’s last status before its terminated report', () => {
    const outbox = new PodReportOutbox();
    outbox.setTerminated(aPod('a'));
    outbox.setStatus(aPod('a'), phase('Succeeded'));
    assert.deepEqual(describeMessages(outbox.drain()), ['status a Succeeded', 'terminated a']);
  });

  it('resends everything it holds after a reconnect', () => {
    const outbox = new PodReportOutbox();
    outbox.setStatus(aPod('a'), phase('Running'));
    outbox.setTerminated(aPod('b'));
    outbox.drain();
    outbox.markAllDirty();
    assert.deepEqual(describeMessages(outbox.drain()).sort(), ['status a Running', 'terminated b']);
  });

  it('reports a pod again when the API shows other readiness than it last reported (marked not ready while the node was silent)', () => {
    const outbox = new PodReportOutbox();
    const ready = (status: 'True' | 'False'): PodStatus => ({ phase: 'Running', conditions: [{ type: 'Ready', status }, { type: 'ContainersReady', status }] });
    outbox.setStatus(aPod('a'), ready('True'));
    outbox.setStatus(aPod('b'), ready('True'));
    outbox.drain();
    const inApi = (name: string, status: PodStatus): Pod => ({ ...aPod(name), status });
    assert.equal(outbox.reconcile([inApi('a', ready('True')), inApi('b', ready('True'))]), false, 'as reported: nothing to send');
    assert.equal(outbox.reconcile([inApi('a', ready('False')), inApi('c', ready('False'))]), true);
    assert.deepEqual(describeMessages(outbox.drain()), ['status a Running'], 'only a: c was never reported here');
  });

  it('forgets pods that left the desired set', () => {
    const outbox = new PodReportOutbox();
    outbox.setStatus(aPod('a'), phase('Running'));
    outbox.setStatus(aPod('b'), phase('Running'));
    outbox.retain((uid) => uid === 'uid-b');
    outbox.markAllDirty();
    assert.deepEqual(describeMessages(outbox.drain()), ['status b Running']);
  });
});
