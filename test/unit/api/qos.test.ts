import assert from 'node:assert/strict';
import type { Container, Pod } from '../../../api/core-v1';
import { qosClassOf } from '../../../api/qos';

const pod = (containers: Partial<Container>[], inits: Partial<Container>[] = []): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p' },
  spec: {
    containers: containers.map((c, i) => ({ name: `c${i}`, image: 'x', ...c })),
    initContainers: inits.map((c, i) => ({ name: `i${i}`, image: 'x', ...c })),
  },
});
const both = (cpu: string, memory: string) => ({ cpu, memory });

describe('qosClassOf', () => {
  it('is BestEffort without cpu or memory requests and limits', () => {
    assert.equal(qosClassOf(pod([{}])), 'BestEffort');
    assert.equal(qosClassOf(pod([{ resources: { requests: { 'example.com/gpu': '1' }, limits: { 'example.com/gpu': '1' } } }])), 'BestEffort');
    assert.equal(qosClassOf(pod([{ resources: { requests: { cpu: '0' } } }])), 'BestEffort');
  });

  it('is Guaranteed when every container has equal cpu and memory requests and limits', () => {
    const r = { requests: both('500m', '64Mi'), limits: both('0.5', '64Mi') };
    assert.equal(qosClassOf(pod([{ resources: r }, { resources: r }], [{ resources: r }])), 'Guaranteed');
  });

  it('is Burstable when one container lacks a limit', () => {
    const r = { requests: both('500m', '64Mi'), limits: both('500m', '64Mi') };
    assert.equal(qosClassOf(pod([{ resources: r }, { resources: { requests: { cpu: '100m' } } }])), 'Burstable');
  });

  it('counts init containers', () => {
    const r = { requests: both('500m', '64Mi'), limits: both('500m', '64Mi') };
    assert.equal(qosClassOf(pod([{ resources: r }], [{}])), 'Burstable');
  });

  it('is Burstable when requests are below limits', () => {
    assert.equal(qosClassOf(pod([{ resources: { requests: both('100m', '64Mi'), limits: both('500m', '64Mi') } }])), 'Burstable');
  });
});
