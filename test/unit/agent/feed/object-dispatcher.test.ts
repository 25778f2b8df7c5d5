import assert from 'node:assert/strict';
import type { Pod } from '../../../../api/core-v1';
import type { Service } from '../../../../api/service-v1';
import type { FeedBatch } from '../../../../agent/feed/feed-batch';
import { ENDPOINT_SLICES, PODS, SERVICES } from '../../../../agent/feed/feed-kinds';
import { ObjectDispatcher, type FeedConsumer } from '../../../../agent/feed/object-dispatcher';
import type { ObjectSync__Output } from '../../../../proto/generated/pikube/node/v1/ObjectSync';

const json = (o: unknown): Buffer => Buffer.from(JSON.stringify(o));
const aPod = (name: string): Pod => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', uid: `uid-${name}` }, spec: { containers: [] } });
const aService = (name: string): Service => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec: {} });
const sync = (resource: string, objects: unknown[], full = true): ObjectSync__Output => ({ resource, full, objects_json: objects.map(json), removed: [] });

/** A consumer that records, in one shared list, the batches it is given. */
function recording(name: string, kinds: FeedConsumer['kinds'], heard: string[], apply?: (batch: FeedBatch) => void): FeedConsumer {
  return { name, kinds, apply: (batch) => { heard.push(`${name}:${kinds.filter((k) => batch.has(k.resource)).map((k) => k.resource).join('+')}`); apply?.(batch); } };
}

describe('ObjectDispatcher', () => {
  it('gives each consumer the batch once, in the table order, whatever the order of the resources in it', () => {
    const heard: string[] = [];
    const dispatcher = new ObjectDispatcher([recording('services', [SERVICES, ENDPOINT_SLICES], heard), recording('pods', [PODS], heard)], () => undefined);
    dispatcher.dispatch([sync('pods', [aPod('a')]), sync('endpointslices', []), sync('services', [aService('web')])]);
    assert.deepEqual(heard, ['services:services+endpointslices', 'pods:pods']);
  });

  it('calls only the consumers of the resources a batch holds', () => {
    const heard: string[] = [];
    const dispatcher = new ObjectDispatcher([recording('services', [SERVICES, ENDPOINT_SLICES], heard), recording('pods', [PODS], heard)], () => undefined);
    dispatcher.dispatch([sync('endpointslices', [], false)]);
    assert.deepEqual(heard, ['services:endpointslices']);
  });

  it('skips a malformed object with a log line and hands on the rest', () => {
    const logs: string[] = [];
    let pods: string[] = [];
    const dispatcher = new ObjectDispatcher([recording('pods', [PODS], [], (b) => { pods = (b.of(PODS)?.objects ?? []).map((p) => p.metadata.name ?? ''); })], (m) => logs.push(m));
    dispatcher.dispatch([sync('pods', [aPod('a'), { kind: 'Pod', metadata: { name: 'no-uid' } }])]);
    assert.deepEqual(pods, ['a']);
    assert.equal(logs.length, 1);
    assert.match(logs[0] ?? '', /object feed entry skipped: pods\[1\]: not a pod with metadata.uid/);
  });

  it('logs a consumer that throws, and still runs the others', () => {
    const logs: string[] = [];
    const heard: string[] = [];
    const failing = recording('services', [SERVICES], heard, () => { throw new Error('boom'); });
    const dispatcher = new ObjectDispatcher([failing, recording('pods', [PODS], heard)], (m) => logs.push(m));
    dispatcher.dispatch([sync('services', []), sync('pods', [])]);
    assert.deepEqual(heard, ['services:services', 'pods:pods']);
    assert.deepEqual(logs, ['applying the services of the object feed failed: boom']);
  });
});
