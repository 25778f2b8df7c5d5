import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { parse } from 'yaml';
import type { Node, Pod } from '../../../../api/core-v1';
import { EventRecorder } from '../../../../control-plane/registry/event-recorder';
import { until } from '../../../../scripts/cluster/wait-until';
import { startApiServerFixture, type ApiServerFixture } from '../../../support/api-server-fixture';
import { withEtcd } from '../../../support/etcd-fixture';
import { tableRows } from '../../../support/kubectl-table';

function podYaml(name: string, app: string): string {
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  labels:
    app: ${app}
spec:
  containers:
  - name: main
    image: busybox:1.36
    command: ["sleep", "3600"]
    resources:
      limits: {cpu: 100m, memory: 64Mi}
`;
}

function aNode(name: string): Node {
  return {
    apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name } }, spec: {},
    status: {
      capacity: { cpu: '4', memory: '4Gi', pods: '110' },
      conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'ready' }],
      addresses: [{ type: 'InternalIP', address: '10.0.0.11' }],
      nodeInfo: { machineID: 'm', systemUUID: 's', bootID: 'b', kernelVersion: '6.6.31', osImage: 'Debian GNU/Linux 12', containerRuntimeVersion: 'docker://20.10', kubeletVersion: 'v1.32.0-pikube', kubeProxyVersion: '', operatingSystem: 'linux', architecture: 'arm64' },
    },
  };
}

/** The rows of kubectl's table output, split on runs of spaces. */
describe('the real kubectl 1.32 against the API server (real etcd)', function () {
  this.timeout(60_000);
  const etcd = withEtcd();
  let api: ApiServerFixture;

  before(async () => {
    api = await startApiServerFixture(etcd.get());
  });
  after(async () => api?.stop());

  async function kubectl(args: string[], input?: string) {
    const result = await api.kubectl(args, { input, timeoutMs: 20_000 });
    return { ...result, out: result.stdout + result.stderr };
  }

  it('lists the default namespaces', async () => {
    const { stdout, code } = await kubectl(['get', 'ns']);
    assert.equal(code, 0, stdout);
    assert.deepEqual(tableRows(stdout).slice(1).map((r) => `${r[0]} ${r[1]}`), ['default Active', 'kube-node-lease Active', 'kube-public Active', 'kube-system Active']);
  });

  it('applies a pod, then applies a changed label as a patch', async () => {
    const created = await kubectl(['apply', '-f', '-'], podYaml('web', 'v1'));
    assert.equal(created.out.trim(), 'pod/web created');
    const uid = (await api.registry.get<Pod>('pods', 'default', 'web')).metadata.uid;
    const configured = await kubectl(['apply', '-f', '-'], podYaml('web', 'v2'));
    assert.equal(configured.out.trim(), 'pod/web configured');
    const pod = await api.registry.get<Pod>('pods', 'default', 'web');
    assert.deepEqual(pod.metadata.labels, { app: 'v2' });
    assert.equal(pod.metadata.uid, uid, 'patched in place, not recreated');
    assert.equal((await kubectl(['apply', '-f', '-'], podYaml('web', 'v2'))).out.trim(), 'pod/web unchanged');
  });

  it('shows the wide pod columns and the object as YAML', async () => {
    await kubectl(['apply', '-f', '-'], podYaml('wide', 'x'));
    const wide = await kubectl(['get', 'pods', '-o', 'wide']);
    assert.equal(wide.code, 0, wide.out);
    const [header, ...body] = tableRows(wide.stdout);
    assert.deepEqual(header, ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES']);
    const row = body.find((r) => r[0] === 'wide');
    assert.deepEqual(row?.slice(1, 4), ['0/1', 'Pending', '0']);
    const yaml = await kubectl(['get', 'pod', 'wide', '-o', 'yaml']);
    const pod = parse(yaml.stdout) as Pod;
    assert.equal(pod.kind, 'Pod');
    assert.equal(pod.metadata.name, 'wide');
    assert.equal(pod.status?.phase, 'Pending');
    assert.equal(pod.status?.qosClass, 'Guaranteed');
  });

  it('watches pods and sees an update arrive', async () => {
    await kubectl(['apply', '-f', '-'], podYaml('watched', 'x'));
    const child = spawn('/usr/bin/kubectl', [...api.kubectlFlags, 'get', 'pods', '--field-selector=metadata.name=watched', '-w', '-o', 'custom-columns=NAME:.metadata.name,TIER:.metadata.labels.tier', '--no-headers'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    try {
      await until(() => output.includes('watched'), { timeoutMs: 15_000, describe: () => output });
      await kubectl(['label', 'pod', 'watched', 'tier=front']);
      await until(() => /watched\s+front/.test(output), { timeoutMs: 15_000, describe: () => output });
    } finally {
      if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid);
    }
  });

  it('describes a pod with its events', async () => {
    await kubectl(['apply', '-f', '-'], podYaml('described', 'x'));
    const pod = await api.registry.get<Pod>('pods', 'default', 'described');
    const recorder = new EventRecorder({ registry: api.registry, source: { component: 'default-scheduler' }, log: () => undefined });
    await recorder.record(pod, 'Warning', 'FailedScheduling', '0/0 nodes are available');
    await recorder.record(pod, 'Warning', 'FailedScheduling', '0/0 nodes are available');
    const { stdout, code } = await kubectl(['describe', 'pod', 'described']);
    assert.equal(code, 0, stdout);
    assert.match(stdout, /Status:\s+Pending/);
    assert.match(stdout, /QoS Class:\s+Guaranteed/);
    assert.match(stdout, /Warning\s+FailedScheduling\s+\S+\s+\(x2 over \S+\)\s+default-scheduler\s+0\/0 nodes are available/);
  });

  it('deletes an unscheduled pod at once', async () => {
    await kubectl(['apply', '-f', '-'], podYaml('doomed', 'x'));
    const deleted = await kubectl(['delete', 'pod', 'doomed']);
    assert.equal(deleted.out.trim(), 'pod "doomed" deleted');
    const gone = await kubectl(['get', 'pod', 'doomed']);
    assert.equal(gone.code, 1);
    assert.equal(gone.stderr.trim(), 'Error from server (NotFound): pods "doomed" not found');
  });

  it('lists nodes inserted through the registry', async () => {
    await api.registry.create('nodes', undefined, aNode('pi1'));
    const { stdout } = await kubectl(['get', 'nodes', '-o', 'wide']);
    const [header, row] = tableRows(stdout);
    assert.deepEqual(header.slice(0, 6), ['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION', 'INTERNAL-IP']);
    assert.deepEqual([row[0], row[1], row[4], row[5]], ['pi1', 'Ready', 'v1.32.0-pikube', '10.0.0.11']);
  });

  it('lists the API resources with their short names', async () => {
    const { stdout } = await kubectl(['api-resources']);
    // metrics.k8s.io has `nodes` and `pods` too, as with metrics-server: the core ones are meant here.
    const byName = Object.fromEntries(tableRows(stdout).slice(1).filter((r) => !r.includes('metrics.k8s.io/v1beta1')).map((r) => [r[0], r.slice(1).join(' ')]));
    assert.equal(byName.pods, 'po v1 true Pod');
    assert.equal(byName.namespaces, 'ns v1 false Namespace');
    assert.equal(byName.nodes, 'no v1 false Node');
    assert.equal(byName.events, 'ev v1 true Event');
  });

  it("prints the server's errors as Kubernetes does", async () => {
    const bad = (await kubectl(['apply', '-f', '-'], podYaml('bad', 'x').replace('64Mi', '12XB'))).out;
    assert.match(bad, /The Pod "bad" is invalid: \n\* spec\.containers\[0\]\.resources\.limits\[memory\]: Invalid value: "12XB": quantities must match/);
    const immortal = await kubectl(['delete', 'ns', 'kube-system']);
    assert.equal(immortal.stderr.trim(), 'Error from server (Forbidden): namespaces "kube-system" is forbidden: this namespace may not be deleted');
    const typo = await kubectl(['apply', '-f', '-'], podYaml('typo', 'x').replace('image:', 'imagee: x\n    image:'));
    assert.match(typo.stderr, /Error from server \(BadRequest\): error when creating "STDIN": Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.containers\[0\].imagee"/);
  });
});
