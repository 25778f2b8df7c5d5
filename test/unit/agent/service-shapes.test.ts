import assert from 'node:assert/strict';
import { serviceShapeProblem, sliceShapeProblem } from '../../../agent/service-shapes';

const meta = { name: 'web', namespace: 'default' };

describe('shapes of services and slices as the agent reads them', () => {
  it('accepts a well-formed service and slice', () => {
    assert.equal(serviceShapeProblem({ kind: 'Service', metadata: meta, spec: { clusterIP: '10.43.0.1', ports: [{ name: 'http', port: 80, targetPort: 'http', nodePort: 30080 }], selector: { app: 'web' } }, status: { loadBalancer: { ingress: [{ ip: '10.0.0.1' }] } } }), undefined);
    assert.equal(sliceShapeProblem({ kind: 'EndpointSlice', metadata: meta, endpoints: [{ addresses: ['10.42.1.2'], conditions: { ready: true }, hostname: 'web-0' }], ports: [{ port: 8080 }] }), undefined);
  });

  it('names the field of a malformed one', () => {
    assert.equal(serviceShapeProblem({ kind: 'Service', metadata: meta }), 'spec: missing');
    assert.equal(serviceShapeProblem({ kind: 'Service', metadata: meta, spec: { ports: {} } }), 'spec.ports: unexpected shape');
    assert.equal(serviceShapeProblem({ kind: 'Service', metadata: meta, spec: { ports: [{ port: 70000 }] } }), 'spec.ports: unexpected shape');
    assert.equal(serviceShapeProblem({ kind: 'Service', metadata: meta, spec: {}, status: { loadBalancer: { ingress: 'x' } } }), 'status.loadBalancer.ingress: unexpected shape');
    assert.equal(sliceShapeProblem({ kind: 'EndpointSlice', metadata: meta, endpoints: {} }), 'endpoints: unexpected shape');
    assert.equal(sliceShapeProblem({ kind: 'EndpointSlice', metadata: meta, endpoints: [{ addresses: [1] }] }), 'endpoints: unexpected shape');
    assert.equal(serviceShapeProblem(null), 'not a Service');
    assert.equal(sliceShapeProblem({ kind: 'EndpointSlice', metadata: { name: 'x' }, endpoints: [] }), 'not a EndpointSlice with a namespace and name');
  });
});
