import assert from 'node:assert/strict';
import { validatePodCreate } from '../../../../api/validation/pod-validation';
import { aPod, brief } from './pod-builder';

const QUANTITY_RE = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

describe('validatePodCreate', () => {
  it('accepts a defaulted minimal pod', () => {
    assert.deepEqual(validatePodCreate(aPod().build()), []);
  });

  it('accepts a pod using most features pikube runs', () => {
    const pod = aPod()
      .withContainer({
        ports: [{ name: 'http', containerPort: 80 }],
        env: [{ name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } }, { name: 'A', value: 'b' }],
        envFrom: [{ configMapRef: { name: 'cfg' } }],
        resources: { requests: { cpu: '250m', memory: '64Mi' }, limits: { cpu: '1', memory: '128Mi' } },
        livenessProbe: { httpGet: { port: 'http' } },
        readinessProbe: { tcpSocket: { port: 80 } },
        volumeMounts: [{ name: 'data', mountPath: '/data' }],
        lifecycle: { preStop: { sleep: { seconds: 5 } } },
      })
      .withSpec({ volumes: [{ name: 'data', emptyDir: {} }], nodeSelector: { 'kubernetes.io/arch': 'arm64' }, tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'pi', effect: 'NoSchedule' }] })
      .withSpec({ initContainers: [{ name: 'init', image: 'busybox', command: ['true'] }] })
      .build();
    assert.deepEqual(validatePodCreate(pod), []);
  });

  it('requires containers', () => {
    assert.deepEqual(brief(validatePodCreate(aPod().withSpec({ containers: [] }).build())), ['spec.containers FieldValueRequired Required value']);
  });

  it('requires an image and a DNS-1123 label name', () => {
    const causes = validatePodCreate(aPod().withContainer({ name: 'Web_1', image: '' }).build());
    assert.deepEqual(causes.map((c) => `${c.field} ${c.reason}`), ['spec.containers[0].name FieldValueInvalid', 'spec.containers[0].image FieldValueRequired']);
    assert.match(causes[0].message, /^Invalid value: "Web_1": a lowercase RFC 1123 label must consist of/);
  });

  it('rejects duplicate container names across containers and init containers', () => {
    const pod = aPod().withContainer({ name: 'app' }, 1).withSpec({ initContainers: [{ name: 'web', image: 'busybox' }] }).build();
    pod.spec.containers[1].name = 'web';
    assert.deepEqual(brief(validatePodCreate(pod)), [
      'spec.containers[1].name FieldValueDuplicate Duplicate value: "web"',
      'spec.initContainers[0].name FieldValueDuplicate Duplicate value: "web"',
    ]);
  });

  it('reports an unparseable quantity at its keyed path', () => {
    const causes = validatePodCreate(aPod().withContainer({ resources: { limits: { memory: '12XB' } } }).build());
    assert.ok(brief(causes).includes(`spec.containers[0].resources.limits[memory] FieldValueInvalid Invalid value: "12XB": ${QUANTITY_RE}`));
  });

  it('rejects negative quantities and requests above limits', () => {
    const pod = aPod().withContainer({ resources: { requests: { cpu: '2', memory: '-1' }, limits: { cpu: '500m' } } }).build();
    assert.deepEqual(brief(validatePodCreate(pod)), [
      'spec.containers[0].resources.requests[memory] FieldValueInvalid Invalid value: "-1": must be greater than or equal to 0',
      'spec.containers[0].resources.requests FieldValueInvalid Invalid value: "2": must be less than or equal to cpu limit of 500m',
    ]);
  });

  it('rejects unknown resource names and requires equal requests for extended resources', () => {
    const pod = aPod().withContainer({ resources: { requests: { gpu: '1', 'example.com/dongle': '1' }, limits: { 'example.com/dongle': '2' } } }).build();
    assert.deepEqual(brief(validatePodCreate(pod)), [
      'spec.containers[0].resources.requests[gpu] FieldValueInvalid Invalid value: "gpu": must be a standard resource type or fully qualified',
      'spec.containers[0].resources.requests[gpu] FieldValueInvalid Invalid value: "gpu": must be a standard resource for containers',
      'spec.containers[0].resources.requests FieldValueInvalid Invalid value: "1": must be equal to example.com/dongle limit of 2',
    ]);
  });

  it('checks container ports', () => {
    const pod = aPod().withContainer({ ports: [{ containerPort: 0 }, { name: 'http', containerPort: 70000, protocol: 'ICMP' as 'TCP' }, { name: 'http', containerPort: 81 }] }).build();
    assert.deepEqual(brief(validatePodCreate(pod)), [
      'spec.containers[0].ports[0].containerPort FieldValueRequired Required value',
      'spec.containers[0].ports[1].containerPort FieldValueInvalid Invalid value: 70000: must be between 1 and 65535, inclusive',
      'spec.containers[0].ports[1].protocol FieldValueNotSupported Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"',
      'spec.containers[0].ports[2].name FieldValueDuplicate Duplicate value: "http"',
    ]);
  });

  it('rejects a port name longer than 15 characters', () => {
    const causes = validatePodCreate(aPod().withContainer({ ports: [{ name: 'a-very-long-port-name', containerPort: 80 }] }).build());
    assert.deepEqual(brief(causes), ['spec.containers[0].ports[0].name FieldValueInvalid Invalid value: "a-very-long-port-name": must be no more than 15 characters']);
  });

  it('enforces the restartPolicy and dnsPolicy enums', () => {
    const pod = aPod().withSpec({ restartPolicy: 'Sometimes' as 'Always', dnsPolicy: 'Google' as 'Default' }).build();
    assert.deepEqual(brief(validatePodCreate(pod)), [
      'spec.restartPolicy FieldValueNotSupported Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
      'spec.dnsPolicy FieldValueNotSupported Unsupported value: "Google": supported values: "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"',
    ]);
  });

  it('rejects a negative termination grace period', () => {
    assert.deepEqual(brief(validatePodCreate(aPod().withSpec({ terminationGracePeriodSeconds: -5 }).build())), [
      'spec.terminationGracePeriodSeconds FieldValueInvalid Invalid value: -5: must be greater than or equal to 0',
    ]);
  });

  it('requires exactly one probe handler and non-negative probe fields', () => {
    const none = aPod().withContainer({ readinessProbe: { periodSeconds: -1 } }).build();
    assert.deepEqual(brief(validatePodCreate(none)), [
      'spec.containers[0].readinessProbe FieldValueRequired Required value: must specify a handler type',
      'spec.containers[0].readinessProbe.periodSeconds FieldValueInvalid Invalid value: -1: must be greater than or equal to 0',
    ]);
    const two = aPod().withContainer({ livenessProbe: { exec: { command: ['true'] }, tcpSocket: { port: 8080 }, successThreshold: 2 } }).build();
    assert.deepEqual(brief(validatePodCreate(two)), [
      'spec.containers[0].livenessProbe.tcpSocket FieldValueForbidden Forbidden: may not specify more than 1 handler type',
      'spec.containers[0].livenessProbe.successThreshold FieldValueInvalid Invalid value: 2: must be 1',
    ]);
  });

  it('forbids probes on init containers without restartPolicy Always', () => {
    const pod = aPod().withSpec({ initContainers: [{ name: 'init', image: 'busybox', livenessProbe: { exec: { command: ['x'] } } }] }).build();
    assert.deepEqual(brief(validatePodCreate(pod)), [
      'spec.initContainers[0].livenessProbe FieldValueForbidden Forbidden: may not be set for init containers without restartPolicy=Always',
    ]);
  });

  it('requires volume mounts to name a volume and volumes to be unique', () => {
    const pod = aPod()
      .withContainer({ volumeMounts: [{ name: 'missing', mountPath: '/a' }] })
      .withSpec({ volumes: [{ name: 'data', emptyDir: {} }, { name: 'data', emptyDir: {} }] })
      .build();
    assert.deepEqual(brief(validatePodCreate(pod)), [
      'spec.volumes[1].name FieldValueDuplicate Duplicate value: "data"',
      'spec.containers[0].volumeMounts[0].name FieldValueNotFound Not found: "missing"',
    ]);
  });

  it('rejects two sources in one volume', () => {
    const pod = aPod().withSpec({ volumes: [{ name: 'v', emptyDir: {}, hostPath: { path: '/x' } }] }).build();
    assert.deepEqual(brief(validatePodCreate(pod)), ['spec.volumes[0].hostPath FieldValueForbidden Forbidden: may not specify more than 1 volume type']);
  });

  it('checks environment variables', () => {
    const pod = aPod().withContainer({ env: [{ name: '' }, { name: 'A=B' }, { name: 'X', value: 'y', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }] }).build();
    assert.deepEqual(brief(validatePodCreate(pod)), [
      'spec.containers[0].env[0].name FieldValueRequired Required value',
      "spec.containers[0].env[1].name FieldValueInvalid Invalid value: \"A=B\": a valid environment variable name must consist only of printable ASCII characters other than '='",
      'spec.containers[0].env[2].valueFrom FieldValueInvalid Invalid value: "": may not be specified when `value` is not empty',
    ]);
  });

  it('validates tolerations', () => {
    const pod = aPod().withSpec({ tolerations: [{ operator: 'Equal', value: 'x' }, { key: 'k', operator: 'Exists', value: 'v' }, { key: 'k', tolerationSeconds: 5, effect: 'NoSchedule' }] }).build();
    assert.deepEqual(brief(validatePodCreate(pod)), [
      'spec.tolerations[0].operator FieldValueInvalid Invalid value: "Equal": operator must be Exists when `key` is empty, which means "match all values and all keys"',
      "spec.tolerations[1].operator FieldValueInvalid Invalid value: \"v\": value must be empty when `operator` is 'Exists'",
      "spec.tolerations[2].effect FieldValueInvalid Invalid value: \"NoSchedule\": effect must be 'NoExecute' when `tolerationSeconds` is set",
    ]);
  });

  it('requires the pod namespace and a DNS subdomain name', () => {
    const pod = aPod().withMeta({ name: 'Web', namespace: '' }).build();
    assert.deepEqual(validatePodCreate(pod).map((c) => c.field), ['metadata.name', 'metadata.namespace']);
  });

  it('flags leading or trailing whitespace in images of pods', () => {
    assert.deepEqual(brief(validatePodCreate(aPod().withContainer({ image: ' nginx' }).build())), [
      'spec.containers[0].image FieldValueInvalid Invalid value: " nginx": must not have leading or trailing whitespace',
    ]);
  });

  it('requires hostPort to equal containerPort with hostNetwork', () => {
    const pod = aPod().withContainer({ ports: [{ containerPort: 80, hostPort: 8080 }] }).withSpec({ hostNetwork: true }).build();
    assert.deepEqual(brief(validatePodCreate(pod)), ['spec.containers[0].ports[0].hostPort FieldValueInvalid Invalid value: 8080: must match `containerPort` when `hostNetwork` is true']);
  });

  it('rejects conflicting host ports', () => {
    const pod = aPod().withContainer({ ports: [{ containerPort: 8080, hostPort: 8080 }] }).withContainer({ name: 'b', ports: [{ containerPort: 8080, hostPort: 8080 }] }, 1)
      .withSpec({ hostNetwork: true }).build();
    assert.deepEqual(brief(validatePodCreate(pod)), ['spec.containers[1].ports[0].hostPort FieldValueDuplicate Duplicate value: "TCP//8080"']);
  });

  it('accepts a TCP or UDP hostPort outside hostNetwork pods (published by the agent)', () => {
    const pod = aPod().withContainer({ ports: [{ name: 'liveness-port', containerPort: 8080, hostPort: 8080 }, { containerPort: 53, hostPort: 5353, protocol: 'UDP', hostIP: '192.168.1.20' }] }).build();
    assert.deepEqual(brief(validatePodCreate(pod)), []);
  });

  it('refuses the host ports it would not publish: SCTP, and init containers\'', () => {
    const pod = aPod().withContainer({ ports: [{ containerPort: 9000, hostPort: 9000, protocol: 'SCTP' }] })
      .withSpec({ initContainers: [{ name: 'init', image: 'busybox', imagePullPolicy: 'IfNotPresent', terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', ports: [{ containerPort: 81, hostPort: 81, protocol: 'TCP' }] }] }).build();
    assert.deepEqual(brief(validatePodCreate(pod)), [
      'spec.initContainers[0].ports[0].hostPort FieldValueForbidden Forbidden: init containers\' host ports are not published (only `containers` ports are): use a NodePort Service, or hostNetwork: true',
      'spec.containers[0].ports[0].hostPort FieldValueForbidden Forbidden: SCTP host ports are not published by pikube: use TCP or UDP',
    ]);
  });

  it('requires a hostIP to be an IPv4 address', () => {
    const pod = aPod().withContainer({ ports: [{ containerPort: 80, hostPort: 8080, hostIP: '10.0.0.1 -j ACCEPT' }, { containerPort: 81, hostPort: 8081, hostIP: '::1' }] }).build();
    assert.deepEqual(brief(validatePodCreate(pod)), [
      'spec.containers[0].ports[0].hostIP FieldValueInvalid Invalid value: "10.0.0.1 -j ACCEPT": must be a valid IPv4 address',
      'spec.containers[0].ports[1].hostIP FieldValueInvalid Invalid value: "::1": must be a valid IPv4 address',
    ]);
  });
});
