import assert from 'node:assert/strict';
import { defaultService } from '../../../../api/defaults/service-defaults';
import type { Service, ServiceSpec } from '../../../../api/service-v1';
import { validateService, validateServiceUpdate } from '../../../../api/validation/service-validation';

function aService(spec: ServiceSpec, name = 'web'): Service {
  return defaultService({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec });
}

function errors(svc: Service): string[] {
  return validateService(svc).map((c) => `${c.field}: ${c.message}`);
}

describe('service defaults', () => {
  it('defaults a ClusterIP service as Kubernetes does', () => {
    const svc = aService({ ports: [{ port: 80 }], selector: { app: 'web' } });
    assert.deepEqual(svc.spec, {
      type: 'ClusterIP', sessionAffinity: 'None', ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }], selector: { app: 'web' },
      internalTrafficPolicy: 'Cluster', ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack',
    });
  });

  it('adds externalTrafficPolicy for NodePort and allocateLoadBalancerNodePorts for LoadBalancer', () => {
    assert.equal(aService({ type: 'NodePort', ports: [{ port: 80 }] }).spec.externalTrafficPolicy, 'Cluster');
    const lb = aService({ type: 'LoadBalancer', ports: [{ port: 80 }] }).spec;
    assert.equal(lb.externalTrafficPolicy, 'Cluster');
    assert.equal(lb.allocateLoadBalancerNodePorts, true);
  });

  it('keeps clusterIP and clusterIPs in step and keeps a named targetPort', () => {
    const svc = aService({ clusterIP: '10.43.0.9', ports: [{ port: 80, targetPort: 'http' }] });
    assert.deepEqual(svc.spec.clusterIPs, ['10.43.0.9']);
    assert.equal(svc.spec.ports?.[0].targetPort, 'http');
  });
});

describe('validateService', () => {
  it('accepts a defaulted ClusterIP service', () => {
    assert.deepEqual(errors(aService({ ports: [{ port: 80 }], selector: { app: 'web' } })), []);
  });

  it('reports port problems with Kubernetes paths and messages', () => {
    const svc = aService({ ports: [{ port: 0, name: 'http' }, { port: 80, name: 'http', protocol: 'XTP' as 'TCP' }, { port: 443 }] });
    assert.deepEqual(errors(svc), [
      'spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive',
      'spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive',
      'spec.ports[1].protocol: Unsupported value: "XTP": supported values: "SCTP", "TCP", "UDP"',
      'spec.ports[2].name: Required value',
      'spec.ports[1].name: Duplicate value: "http"',
    ]);
  });

  it('takes DNS-1123 labels as port names, as kubectl create service writes them ("80")', () => {
    assert.deepEqual(errors(aService({ ports: [{ port: 80, name: '80' }, { port: 81, name: 'Web_1' }] })), [
      "spec.ports[1].name: Invalid value: \"Web_1\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
    ]);
  });

  it('rejects the same port and protocol twice', () => {
    const [cause] = validateService(aService({ ports: [{ port: 80, name: 'a' }, { port: 80, name: 'b' }] }));
    assert.equal(cause.field, 'spec.ports[1]');
    assert.match(cause.message, /^Duplicate value: core.ServicePort\{Name:"", Protocol:"TCP", .*Port:80,/);
  });

  it('requires ports except for headless and ExternalName services', () => {
    assert.deepEqual(errors(aService({})), ['spec.ports: Required value']);
    assert.deepEqual(errors(aService({ clusterIP: 'None' })), []);
    assert.deepEqual(errors(aService({ type: 'ExternalName', externalName: 'db.example.com' })), []);
  });

  it('checks the type enum, selector labels and clusterIP format', () => {
    assert.deepEqual(errors(aService({ type: 'Magic' as 'ClusterIP', ports: [{ port: 80 }] })).slice(0, 1), [
      'spec.type: Unsupported value: "Magic": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"',
    ]);
    assert.deepEqual(errors(aService({ ports: [{ port: 80 }], selector: { app: 'bad value' } })), [
      "spec.selector: Invalid value: \"bad value\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
    ]);
    assert.deepEqual(errors(aService({ clusterIP: '10.43.0.300', ports: [{ port: 80 }] })), [
      'spec.clusterIPs[0]: Invalid value: "10.43.0.300": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
    ]);
  });

  it('requires externalName and forbids a clusterIP for ExternalName services', () => {
    assert.deepEqual(errors(aService({ type: 'ExternalName', clusterIP: '10.43.0.5' })), [
      'spec.clusterIPs: Forbidden: may not be set for ExternalName services',
      'spec.externalName: Required value',
    ]);
  });

  it('forbids a nodePort on a ClusterIP service and headless NodePort services', () => {
    assert.deepEqual(errors(aService({ ports: [{ port: 80, nodePort: 30080 }] })), ["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"]);
    assert.deepEqual(errors(aService({ type: 'NodePort', clusterIP: 'None', ports: [{ port: 80 }] })), [
      "spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for NodePort services",
    ]);
  });

  it('keeps clusterIP immutable on update', () => {
    const old = aService({ clusterIP: '10.43.0.9', ports: [{ port: 80 }] });
    old.metadata.resourceVersion = '5';
    const next = aService({ clusterIP: '10.43.0.10', ports: [{ port: 80 }] });
    next.metadata.resourceVersion = '5';
    assert.deepEqual(validateServiceUpdate(next, old).map((c) => `${c.field}: ${c.message}`), ['spec.clusterIPs[0]: Invalid value: []string{"10.43.0.10"}: may not change once set']);
  });
});
