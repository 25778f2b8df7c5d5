import { strict as assert } from 'node:assert';
import { planCsrSigning, SIGNING_DURATION_MS } from '../../../../control-plane/controllers/csr-signing-plan';
import { aCsr, APPROVED, NODE_SUBJECT } from '../../../support/csr-builder';

describe('csrsigning plan', () => {
  it('signs an approved node client request with the subject it asks for, for a year by default', () => {
    assert.deepEqual(planCsrSigning(aCsr(NODE_SUBJECT, {}, APPROVED)), { op: 'sign', commonName: 'system:node:pi3', organizations: ['system:nodes'], validityMs: SIGNING_DURATION_MS });
  });

  it('honours expirationSeconds, at least ten minutes', () => {
    assert.equal((planCsrSigning(aCsr(NODE_SUBJECT, { expirationSeconds: 3600 }, APPROVED)) as { validityMs: number }).validityMs, 3_600_000);
  });

  it('leaves pending, denied, failed, issued and other signers\' requests alone', () => {
    const rows = [
      aCsr(NODE_SUBJECT),
      aCsr(NODE_SUBJECT, {}, { conditions: [{ type: 'Denied', status: 'True' }] }),
      aCsr(NODE_SUBJECT, {}, { conditions: [...APPROVED.conditions, { type: 'Failed', status: 'True' }] }),
      aCsr(NODE_SUBJECT, {}, { ...APPROVED, certificate: 'eA==' }),
      aCsr(NODE_SUBJECT, { signerName: 'example.com/mine' }, APPROVED),
    ];
    for (const csr of rows) assert.deepEqual(planCsrSigning(csr), { op: 'none' });
  });

  it('fails a node client request that is not shaped like one, saying why', () => {
    const rows: [Parameters<typeof aCsr>, string][] = [
      [[{ commonName: 'system:node:pi3', organizations: ['system:masters'] }], 'subject organization is not system:nodes'],
      [[{ commonName: 'alice', organizations: ['system:nodes'] }], 'subject common name does not begin with system:node:'],
      [[{ ...NODE_SUBJECT, dnsNames: ['pi3'] }], 'subjectAltNames are not allowed'],
      [[NODE_SUBJECT, { usages: ['client auth', 'server auth'] }], 'invalid usage for client certificate: server auth'],
      [[NODE_SUBJECT, { usages: ['digital signature'] }], 'missing required usages: client auth'],
    ];
    for (const [args, message] of rows) {
      const [subject, spec] = args;
      assert.deepEqual(planCsrSigning(aCsr(subject, spec, APPROVED)), { op: 'fail', message });
    }
  });

  it('signs any user for kube-apiserver-client', () => {
    const step = planCsrSigning(aCsr({ commonName: 'alice', organizations: ['devs'] }, { signerName: 'kubernetes.io/kube-apiserver-client', usages: ['client auth'] }, APPROVED));
    assert.deepEqual(step, { op: 'sign', commonName: 'alice', organizations: ['devs'], validityMs: SIGNING_DURATION_MS });
  });

  it('never signs the control-plane replicas\' reserved subject, which would pass for a replica', () => {
    const client = { signerName: 'kubernetes.io/kube-apiserver-client', usages: ['client auth'] };
    for (const subject of [{ commonName: 'system:pikube-replica:cp1', organizations: [] }, { commonName: 'mallory', organizations: ['system:pikube-replicas'] }]) {
      const step = planCsrSigning(aCsr(subject, client, APPROVED));
      assert.equal(step.op, 'fail', subject.commonName);
      assert.match(step.op === 'fail' ? step.message : '', /reserved for control-plane replicas/);
    }
  });
});
