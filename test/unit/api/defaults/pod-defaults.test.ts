import assert from 'node:assert/strict';
import type { Pod } from '../../../../api/core-v1';
import { defaultPod, defaultPodTemplateSpec, defaultPullPolicy, withDefaultTolerations } from '../../../../api/defaults/pod-defaults';
import { aTemplate } from '../workload-builders';

const minimal = (): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', namespace: 'default' },
  spec: { containers: [{ name: 'web', image: 'nginx' }] },
});

describe('defaultPod', () => {
  it('fills the pod spec defaults Kubernetes sets', () => {
    const spec = defaultPod(minimal()).spec;
    assert.equal(spec.restartPolicy, 'Always');
    assert.equal(spec.terminationGracePeriodSeconds, 30);
    assert.equal(spec.dnsPolicy, 'ClusterFirst');
    assert.equal(spec.schedulerName, 'default-scheduler');
    assert.deepEqual(spec.securityContext, {});
    assert.equal(spec.enableServiceLinks, true);
    assert.equal(spec.priority, 0);
    assert.equal(spec.preemptionPolicy, 'PreemptLowerPriority');
  });

  it('adds the not-ready and unreachable NoExecute tolerations for pikube\'s 2 and 0 seconds (Kubernetes: 300 each)', () => {
    assert.deepEqual(defaultPod(minimal()).spec.tolerations, [
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 2 },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 0 },
    ]);
  });

  it('adds them for the seconds it is given (the admission\'s settings)', () => {
    assert.deepEqual(defaultPod(minimal(), { notReady: 300, unreachable: 0 }).spec.tolerations?.map((t) => t.tolerationSeconds), [300, 0]);
  });

  it('does not add a default toleration the pod already covers', () => {
    assert.deepEqual(withDefaultTolerations([{ operator: 'Exists' }]), [{ operator: 'Exists' }]);
    const own = { key: 'node.kubernetes.io/unreachable', operator: 'Exists' as const, effect: 'NoExecute' as const, tolerationSeconds: 6000 };
    assert.deepEqual(withDefaultTolerations([own]).map((t) => t.key), ['node.kubernetes.io/unreachable', 'node.kubernetes.io/not-ready']);
  });

  it('fills container defaults', () => {
    const c = defaultPod(minimal()).spec.containers[0];
    assert.equal(c.imagePullPolicy, 'Always');
    assert.equal(c.terminationMessagePath, '/dev/termination-log');
    assert.equal(c.terminationMessagePolicy, 'File');
  });

  it('defaults port protocols, probe settings and httpGet fields', () => {
    const pod = minimal();
    pod.spec.containers[0] = {
      name: 'web',
      image: 'nginx:1.25',
      ports: [{ containerPort: 80 }],
      livenessProbe: { httpGet: { port: 80 } },
      readinessProbe: { tcpSocket: { port: 80 }, periodSeconds: 3 },
      lifecycle: { preStop: { httpGet: { port: 80 } } },
    };
    const c = defaultPod(pod).spec.containers[0];
    assert.equal(c.ports?.[0].protocol, 'TCP');
    assert.deepEqual(c.livenessProbe, { httpGet: { port: 80, path: '/', scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 });
    assert.equal(c.readinessProbe?.periodSeconds, 3);
    assert.deepEqual(c.lifecycle?.preStop?.httpGet, { port: 80, path: '/', scheme: 'HTTP' });
  });

  it('copies limits into missing requests and writes quantities as Kubernetes does', () => {
    const pod = minimal();
    pod.spec.containers[0].resources = { limits: { cpu: '0.5', memory: '1024Mi' }, requests: { cpu: '100m' } };
    pod.spec.initContainers = [{ name: 'init', image: 'busybox', resources: { limits: { memory: '64Mi' } } }];
    const spec = defaultPod(pod).spec;
    assert.deepEqual(spec.containers[0].resources, { limits: { cpu: '500m', memory: '1Gi' }, requests: { cpu: '100m', memory: '1Gi' } });
    assert.deepEqual(spec.initContainers?.[0].resources?.requests, { memory: '64Mi' });
  });

  it('never overwrites what the user set', () => {
    const pod = minimal();
    Object.assign(pod.spec, { restartPolicy: 'Never', terminationGracePeriodSeconds: 0, dnsPolicy: 'Default', schedulerName: 'mine', enableServiceLinks: false, priority: 7, tolerations: [] });
    pod.spec.containers[0] = { name: 'web', image: 'nginx', imagePullPolicy: 'Never', terminationMessagePolicy: 'FallbackToLogsOnError' };
    const out = defaultPod(pod);
    assert.equal(out.spec.restartPolicy, 'Never');
    assert.equal(out.spec.terminationGracePeriodSeconds, 0);
    assert.equal(out.spec.dnsPolicy, 'Default');
    assert.equal(out.spec.schedulerName, 'mine');
    assert.equal(out.spec.enableServiceLinks, false);
    assert.equal(out.spec.priority, 7);
    assert.equal(out.spec.containers[0].imagePullPolicy, 'Never');
    assert.equal(out.spec.containers[0].terminationMessagePolicy, 'FallbackToLogsOnError');
  });

  it('does not change its input', () => {
    const pod = minimal();
    defaultPod(pod);
    assert.deepEqual(pod, minimal());
  });

  it('defaults volumes: emptyDir when sourceless, file modes, hostPath type', () => {
    const pod = minimal();
    pod.spec.volumes = [{ name: 'a' }, { name: 'b', secret: { secretName: 's' } }, { name: 'c', hostPath: { path: '/x' } }];
    const volumes = defaultPod(pod).spec.volumes ?? [];
    assert.deepEqual(volumes, [
      { name: 'a', emptyDir: {} },
      { name: 'b', secret: { secretName: 's', defaultMode: 420 } },
      { name: 'c', hostPath: { path: '/x', type: '' } },
    ]);
  });

  it('sets hostPort from containerPort for hostNetwork pods', () => {
    const pod = minimal();
    pod.spec.hostNetwork = true;
    pod.spec.containers[0].ports = [{ containerPort: 53, protocol: 'UDP' }];
    assert.equal(defaultPod(pod).spec.containers[0].ports?.[0].hostPort, 53);
  });

  it('uses the built-in priority classes and leaves other classes to the caller', () => {
    const critical = minimal();
    critical.spec.priorityClassName = 'system-node-critical';
    assert.equal(defaultPod(critical).spec.priority, 2000001000);
    const custom = minimal();
    custom.spec.priorityClassName = 'batch-low';
    assert.equal(defaultPod(custom).spec.priority, undefined);
  });

  it('keeps serviceAccount and serviceAccountName in step', () => {
    const pod = minimal();
    pod.spec.serviceAccountName = 'builder';
    assert.equal(defaultPod(pod).spec.serviceAccount, 'builder');
  });
});

describe('defaultPullPolicy', () => {
  const cases: [string, string][] = [
    ['nginx', 'Always'],
    ['nginx:latest', 'Always'],
    ['nginx:1.25', 'IfNotPresent'],
    ['registry.local:5000/team/app', 'Always'],
    ['registry.local:5000/team/app:v2', 'IfNotPresent'],
    ['nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', 'IfNotPresent'],
    ['nginx:latest@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', 'Always'],
    ['NotValid', 'IfNotPresent'],
  ];
  for (const [image, policy] of cases) it(`uses ${policy} for "${image}"`, () => assert.equal(defaultPullPolicy(image), policy));
});

describe('defaultPodTemplateSpec', () => {
  it('fills the pod-spec defaults a Deployment template shows in kubectl get -o yaml', () => {
    const t = defaultPodTemplateSpec(aTemplate());
    assert.deepEqual(t.spec, {
      containers: [{ name: 'web', image: 'nginx:1.27', imagePullPolicy: 'IfNotPresent', terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File' }],
      dnsPolicy: 'ClusterFirst', restartPolicy: 'Always', securityContext: {}, terminationGracePeriodSeconds: 30, schedulerName: 'default-scheduler',
    });
  });

  it('leaves pod-only defaults to the pods: no priority, tolerations, service links, requests from limits or host ports', () => {
    const template = aTemplate();
    template.spec.hostNetwork = true;
    template.spec.containers[0].ports = [{ containerPort: 80 }];
    template.spec.containers[0].resources = { limits: { cpu: '0.5' } };
    const t = defaultPodTemplateSpec(template);
    assert.deepEqual(t.spec.containers[0].ports, [{ containerPort: 80, protocol: 'TCP' }]);
    assert.deepEqual(t.spec.containers[0].resources, { limits: { cpu: '500m' } });
    for (const field of ['priority', 'tolerations', 'enableServiceLinks', 'preemptionPolicy']) assert.equal(field in t.spec, false, field);
  });

  it('still gives pods every default they had', () => {
    const spec = defaultPod({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { hostNetwork: true, containers: [{ name: 'c', image: 'x', ports: [{ containerPort: 80 }], resources: { limits: { cpu: '1' } } }] } }).spec;
    assert.equal(spec.enableServiceLinks, true);
    assert.equal(spec.containers[0].ports?.[0].hostPort, 80);
    assert.deepEqual(spec.containers[0].resources?.requests, { cpu: '1' });
    assert.equal(spec.tolerations?.length, 2);
  });
});
