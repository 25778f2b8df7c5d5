import { strict as assert } from 'node:assert';
import { planCsrApproval, type NodeClientSubresource } from '../../../../control-plane/controllers/csr-approving-plan';
import { aCsr, APPROVED, NODE_SUBJECT } from '../../../support/csr-builder';

/** An answer to the SubjectAccessReview that records what was asked. */
function allowing(...allowed: NodeClientSubresource[]): { asked: NodeClientSubresource[]; mayCreate: (s: NodeClientSubresource) => boolean } {
  const asked: NodeClientSubresource[] = [];
  return { asked, mayCreate: (s) => (asked.push(s), allowed.includes(s)) };
}

describe('csrapproving plan', () => {
  it('approves a bootstrapper\'s node client request when it may create nodeclient', () => {
    const sar = allowing('nodeclient');
    assert.deepEqual(planCsrApproval(aCsr(NODE_SUBJECT, { username: 'system:bootstrap:abcdef' }), sar.mayCreate), { op: 'approve' });
    assert.deepEqual(sar.asked, ['nodeclient']);
  });

  it('approves a node renewing its own certificate through selfnodeclient', () => {
    const sar = allowing('selfnodeclient');
    assert.deepEqual(planCsrApproval(aCsr(NODE_SUBJECT, { username: 'system:node:pi3' }), sar.mayCreate), { op: 'approve' });
    assert.deepEqual(planCsrApproval(aCsr(NODE_SUBJECT, { username: 'system:node:pi4' }), allowing('selfnodeclient').mayCreate), { op: 'none' }, 'another node\'s name');
  });

  it('leaves to a person what the requester may not have auto-approved, and what is not a node client request', () => {
    assert.deepEqual(planCsrApproval(aCsr(NODE_SUBJECT, { username: 'alice' }), allowing().mayCreate), { op: 'none' });
    const everything = allowing('nodeclient', 'selfnodeclient').mayCreate;
    assert.deepEqual(planCsrApproval(aCsr({ commonName: 'alice' }, { username: 'x' }), everything), { op: 'none' });
    assert.deepEqual(planCsrApproval(aCsr(NODE_SUBJECT, { usages: ['server auth', 'client auth'] }), everything), { op: 'none' });
    assert.deepEqual(planCsrApproval(aCsr(NODE_SUBJECT, { signerName: 'kubernetes.io/kube-apiserver-client' }), everything), { op: 'none' });
    assert.deepEqual(planCsrApproval(aCsr(NODE_SUBJECT, {}, APPROVED), everything), { op: 'none' }, 'already approved');
    assert.deepEqual(planCsrApproval(aCsr(NODE_SUBJECT, {}, { conditions: [{ type: 'Denied', status: 'True' }] }), everything), { op: 'none' }, 'denied');
  });
});
