import assert from 'node:assert/strict';
import type { Service, ServiceSpec } from '../../../../api/service-v1';
import { envVarName, serviceEnvFor, serviceEnvVars, SERVICES_NOT_SYNCED, type ServiceSource } from '../../../../agent/pods/service-env';
import { aPod } from './pod-builder';

function aService(namespace: string, name: string, spec: ServiceSpec): Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { namespace, name }, spec };
}

const KUBERNETES = aService('default', 'kubernetes', { clusterIP: '10.43.0.1', ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }] });
const KUBERNETES_VARS: [string, string][] = [
  ['KUBERNETES_SERVICE_HOST', '10.43.0.1'], ['KUBERNETES_SERVICE_PORT', '443'], ['KUBERNETES_SERVICE_PORT_HTTPS', '443'],
  ['KUBERNETES_PORT', 'tcp://10.43.0.1:443'], ['KUBERNETES_PORT_443_TCP', 'tcp://10.43.0.1:443'], ['KUBERNETES_PORT_443_TCP_PROTO', 'tcp'],
  ['KUBERNETES_PORT_443_TCP_PORT', '443'], ['KUBERNETES_PORT_443_TCP_ADDR', '10.43.0.1'],
];

function source(services: Service[] | undefined): ServiceSource {
  return { list: (ns) => services?.filter((s) => s.metadata.namespace === ns) };
}

function envOf(namespace: string, services: Service[], enableServiceLinks?: boolean): Map<string, string> {
  const pod = aPod('web').withNamespace(namespace).withContainer({ name: 'app' }).build();
  pod.spec.enableServiceLinks = enableServiceLinks;
  const env = serviceEnvFor(pod, source(services));
  if (env instanceof Error) throw env;
  return env;
}

describe('service environment variables (kubelet envvars.FromServices)', () => {
  it('names a service\'s variables upper-cased with dashes as underscores', () => {
    assert.equal(envVarName('my-web-svc'), 'MY_WEB_SVC');
  });

  it('gives host, first port, named ports and Docker link variables for every port, in the kubelet\'s order', () => {
    const svc = aService('shop', 'web-front', { clusterIP: '10.43.0.7', ports: [{ port: 80 }, { name: 'dns-udp', port: 53, protocol: 'UDP' }, { name: 'sctp', port: 9000, protocol: 'SCTP' }] });
    assert.deepEqual(serviceEnvVars([svc]), [
      ['WEB_FRONT_SERVICE_HOST', '10.43.0.7'],
      ['WEB_FRONT_SERVICE_PORT', '80'],
      ['WEB_FRONT_SERVICE_PORT_DNS_UDP', '53'],
      ['WEB_FRONT_SERVICE_PORT_SCTP', '9000'],
      ['WEB_FRONT_PORT', 'tcp://10.43.0.7:80'],
      ['WEB_FRONT_PORT_80_TCP', 'tcp://10.43.0.7:80'], ['WEB_FRONT_PORT_80_TCP_PROTO', 'tcp'], ['WEB_FRONT_PORT_80_TCP_PORT', '80'], ['WEB_FRONT_PORT_80_TCP_ADDR', '10.43.0.7'],
      ['WEB_FRONT_PORT_53_UDP', 'udp://10.43.0.7:53'], ['WEB_FRONT_PORT_53_UDP_PROTO', 'udp'], ['WEB_FRONT_PORT_53_UDP_PORT', '53'], ['WEB_FRONT_PORT_53_UDP_ADDR', '10.43.0.7'],
      ['WEB_FRONT_PORT_9000_SCTP', 'sctp://10.43.0.7:9000'], ['WEB_FRONT_PORT_9000_SCTP_PROTO', 'sctp'], ['WEB_FRONT_PORT_9000_SCTP_PORT', '9000'], ['WEB_FRONT_PORT_9000_SCTP_ADDR', '10.43.0.7'],
    ]);
  });

  it('names the first port by its protocol: a UDP-first service has a udp:// FOO_PORT', () => {
    const env = new Map(serviceEnvVars([aService('ns', 'dns', { clusterIP: '10.43.0.10', ports: [{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 53, protocol: 'TCP' }] })]));
    assert.equal(env.get('DNS_PORT'), 'udp://10.43.0.10:53');
    assert.equal(env.get('DNS_PORT_53_TCP'), 'tcp://10.43.0.10:53');
  });

  it('brackets an IPv6 cluster IP in the URLs', () => {
    const env = new Map(serviceEnvVars([aService('ns', 'v6', { clusterIP: 'fd00:43::7', ports: [{ port: 80 }] })]));
    assert.equal(env.get('V6_PORT'), 'tcp://[fd00:43::7]:80');
    assert.equal(env.get('V6_PORT_80_TCP_ADDR'), 'fd00:43::7');
  });

  it('skips headless and ExternalName services, which have no cluster IP', () => {
    const headless = aService('shop', 'db', { clusterIP: 'None', ports: [{ port: 5432 }] });
    const external = aService('shop', 'mail', { type: 'ExternalName', externalName: 'mail.example.com', ports: [{ port: 25 }] });
    const unset = aService('shop', 'pending', { clusterIP: '', ports: [{ port: 8080 }] });
    assert.deepEqual(serviceEnvVars([headless, external, unset]), []);
  });

  it('gives a pod the services of its namespace and the master service, and no other namespace\'s', () => {
    const web = aService('shop', 'web', { clusterIP: '10.43.0.7', ports: [{ port: 80 }] });
    const other = aService('blog', 'cms', { clusterIP: '10.43.0.8', ports: [{ port: 80 }] });
    const env = envOf('shop', [KUBERNETES, web, other]);
    assert.equal(env.get('WEB_SERVICE_HOST'), '10.43.0.7');
    assert.equal(env.has('CMS_SERVICE_HOST'), false);
    for (const [name, value] of KUBERNETES_VARS) assert.equal(env.get(name), value, name);
    assert.equal(env.size, KUBERNETES_VARS.length + 7);
  });

  it('with enableServiceLinks false gives only the master service', () => {
    const web = aService('shop', 'web', { clusterIP: '10.43.0.7', ports: [{ port: 80 }] });
    assert.deepEqual([...envOf('shop', [KUBERNETES, web], false)], KUBERNETES_VARS);
    const other = aService('default', 'other', { clusterIP: '10.43.0.9', ports: [{ port: 80 }] });
    assert.deepEqual([...envOf('default', [KUBERNETES, other], false)], KUBERNETES_VARS);
  });

  it('lets a service named kubernetes in the pod\'s own namespace stand in for the master one', () => {
    const local = aService('shop', 'kubernetes', { clusterIP: '10.43.0.99', ports: [{ port: 8443 }] });
    assert.equal(envOf('shop', [KUBERNETES, local]).get('KUBERNETES_SERVICE_HOST'), '10.43.0.99');
    assert.equal(envOf('shop', [KUBERNETES, local], false).get('KUBERNETES_SERVICE_HOST'), '10.43.0.1');
  });

  it('gives no variables when the cluster has no master service yet', () => {
    assert.equal(envOf('default', []).size, 0);
  });

  it('refuses to build the variables before the services were received once', () => {
    const env = serviceEnvFor(aPod('web').build(), source(undefined));
    assert.ok(env instanceof Error);
    assert.equal(env.message, SERVICES_NOT_SYNCED);
    assert.equal(SERVICES_NOT_SYNCED, 'services have not yet been read at least once, cannot construct envvars');
  });
});
