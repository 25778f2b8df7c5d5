import assert from 'node:assert/strict';
import type { Node } from '../../../../api/core-v1';
import { ApiError } from '../../../../api/errors';
import {
  MESSAGE_LIMITS, validateHello, validateNodeStatusReport, validatePodStatusReport, validatePodTerminated,
} from '../../../../control-plane/nodes/agent-message-validation';

function aNode(name = 'pi-1'): Node {
  return {
    apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name } }, spec: {},
    status: { capacity: { cpu: '4' }, conditions: [{ type: 'Ready', status: 'True' }], addresses: [{ type: 'InternalIP', address: '192.168.1.2' }] },
  };
}

const hello = (node: unknown, nodeName = 'pi-1', uids: string[] = []) => ({
  node_name: nodeName,
  node_json: Buffer.from(typeof node === 'string' ? node : JSON.stringify(node)),
  running_pod_uids: uids,
});

const podStatus = (status: unknown, ref: Partial<{ namespace: string; name: string; uid: string }> = {}) => ({
  namespace: 'default', name: 'web-1', uid: '6b1f0c1e-0d9c-4a8e-9b6f-1c2d3e4f5a6b', ...ref,
  status_json: Buffer.from(typeof status === 'string' ? status : JSON.stringify(status)),
});

function invalid(fn: () => unknown, message: RegExp): void {
  assert.throws(fn, (err: unknown) => err instanceof ApiError && err.code === 'Invalid' && message.test(err.message));
}

describe('agent message validation', () => {
  describe('hello', () => {
    it('accepts a v1 Node of the hello’s name', () => {
      const valid = validateHello(hello(aNode(), 'pi-1', ['0f8e7d6c-1234']));
      assert.equal(valid.node.metadata.name, 'pi-1');
      assert.deepEqual(valid.runningPodUids, ['0f8e7d6c-1234']);
    });

    const bad: [string, ReturnType<typeof hello>, RegExp][] = [
      ['node JSON that does not parse', hello('{"kind":'), /node_json: is not JSON/],
      ['empty node JSON', hello(''), /node_json: is empty/],
      ['a JSON array', hello([]), /node_json: must be a JSON object/],
      ['another kind', hello({ ...aNode(), kind: 'Pod' }), /must be a v1 Node/],
      ['a Node of another name', hello(aNode('pi-2')), /node_json.metadata.name: must be "pi-1", got "pi-2"/],
      ['labels that are not strings', hello({ ...aNode(), metadata: { name: 'pi-1', labels: { a: 1 } } }), /labels: must map strings to strings/],
      ['a condition without status', hello({ ...aNode(), status: { conditions: [{ type: 'Ready' }] } }), /conditions\[0\].status: must be True, False or Unknown/],
      ['a taint with a bad effect', hello({ ...aNode(), spec: { taints: [{ key: 'k', effect: 'Evict' }] } }), /taints\[0\].effect/],
      ['a capacity that is not a quantity', hello({ ...aNode(), status: { capacity: { memory: '4 GB' } } }), /node_json.status.capacity.memory: Invalid value: "4 GB"/],
      ['an address of unknown type', hello({ ...aNode(), status: { addresses: [{ type: 'Public', address: 'x' }] } }), /addresses\[0\].type/],
      ['an upper-case node name', hello(aNode('Pi-1'), 'Pi-1'), /hello.node_name: "Pi-1" must be a lowercase RFC 1123 subdomain/],
      ['a bad running pod uid', hello(aNode(), 'pi-1', ['../etc']), /running_pod_uids\[0\]: "..\/etc" is not a uid/],
    ];
    for (const [what, message, expected] of bad) {
      it(`rejects ${what}`, () => invalid(() => validateHello(message), expected));
    }

    it('rejects node JSON above its size limit', () => {
      const huge = { ...aNode(), metadata: { name: 'pi-1', annotations: { big: 'x'.repeat(MESSAGE_LIMITS.nodeJsonBytes) } } };
      invalid(() => validateHello(hello(huge)), /node_json: is \d+ bytes, more than the \d+ allowed/);
    });

    it('rejects too many running pod uids', () => {
      const uids = Array.from({ length: MESSAGE_LIMITS.runningPodUids + 1 }, (_, i) => `u${i}`);
      invalid(() => validateHello(hello(aNode(), 'pi-1', uids)), /running_pod_uids: must have at most/);
    });
  });

  describe('pod status report', () => {
    it('accepts a PodStatus', () => {
      const report = validatePodStatusReport(podStatus({
        phase: 'Running', podIP: '10.42.0.5', conditions: [{ type: 'Ready', status: 'True' }],
        containerStatuses: [{ name: 'c', ready: true, restartCount: 2, image: 'busybox', imageID: '' }],
      }));
      assert.equal(report.status.phase, 'Running');
      assert.equal(report.name, 'web-1');
    });

    const bad: [string, ReturnType<typeof podStatus>, RegExp][] = [
      ['status JSON that does not parse', podStatus('{'), /status_json: is not JSON/],
      ['an unknown phase', podStatus({ phase: 'Sleeping' }), /phase: is not a pod phase/],
      ['a container status without ready', podStatus({ containerStatuses: [{ name: 'c', restartCount: 0 }] }), /containerStatuses\[0\].ready/],
      ['a negative restart count', podStatus({ containerStatuses: [{ name: 'c', ready: true, restartCount: -1 }] }), /restartCount/],
      ['a podIP that is not a string', podStatus({ podIP: 5 }), /podIP: must be a string/],
      ['a bad namespace', podStatus({}, { namespace: 'Default' }), /pod_status.namespace/],
      ['a bad pod name', podStatus({}, { name: 'web_1' }), /pod_status.name/],
      ['an empty uid', podStatus({}, { uid: '' }), /pod_status.uid/],
    ];
    for (const [what, message, expected] of bad) {
      it(`rejects ${what}`, () => invalid(() => validatePodStatusReport(message), expected));
    }

    it('rejects status JSON above its size limit', () => {
      invalid(() => validatePodStatusReport(podStatus({ message: 'x'.repeat(MESSAGE_LIMITS.statusJsonBytes) })), /more than the \d+ allowed/);
    });
  });

  it('checks a pod terminated report’s names and uid', () => {
    assert.deepEqual(validatePodTerminated({ namespace: 'default', name: 'web-1', uid: 'abc-1' }), { namespace: 'default', name: 'web-1', uid: 'abc-1' });
    invalid(() => validatePodTerminated({ namespace: 'default', name: '', uid: 'abc' }), /pod_terminated.name/);
  });

  it('checks a node status report', () => {
    assert.deepEqual(validateNodeStatusReport({ status_json: Buffer.from('{"capacity":{"cpu":"4"}}') }), { capacity: { cpu: '4' } });
    invalid(() => validateNodeStatusReport({ status_json: Buffer.from('{"capacity":{"cpu":4}}') }), /capacity: must map strings to strings/);
  });
});
