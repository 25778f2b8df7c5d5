import assert from 'node:assert/strict';
import { ApiError } from '../../../../api/errors';
import { validatePodEvent } from '../../../../control-plane/nodes/agent-message-validation';

const good = {
  namespace: 'default', pod_name: 'web', pod_uid: '1b4e28ba-2fa1-11d2-883f-0016d3cca427',
  field_path: 'spec.initContainers{setup}', type: 'Warning', reason: 'BackOff', message: 'Back-off restarting failed container setup in pod web_default(u)',
};

describe('pod event validation', () => {
  it('accepts a kubelet event about a container, or about the pod itself', () => {
    assert.deepEqual(validatePodEvent(good), {
      namespace: 'default', name: 'web', uid: good.pod_uid, fieldPath: 'spec.initContainers{setup}', type: 'Warning', reason: 'BackOff', message: good.message,
    });
    assert.equal(validatePodEvent({ ...good, field_path: '' }).fieldPath, '');
  });

  const bad: [string, Partial<typeof good>][] = [
    ['a field path that is not a container', { field_path: 'metadata.name' }],
    ['a container name that is not a DNS label', { field_path: 'spec.containers{Web_1}' }],
    ['a type other than Normal or Warning', { type: 'Error' }],
    ['a reason that is not a CamelCase word', { reason: 'back off' }],
    ['a reason longer than 128 characters', { reason: `B${'a'.repeat(128)}` }],
    ['a message longer than 1024 characters', { message: 'x'.repeat(1025) }],
    ['a pod name that is not a name', { pod_name: 'Web!' }],
    ['an empty uid', { pod_uid: '' }],
  ];
  for (const [what, over] of bad) {
    it(`refuses ${what}`, () => assert.throws(() => validatePodEvent({ ...good, ...over }), (err: unknown) => err instanceof ApiError && err.code === 'Invalid'));
  }
});
