/**
 * ConfigMaps, Secrets and the downward API as the course notes use them (seeds 001 chapter 13,
 * 003's example-redis-config and mysecret), on a one-node simulated cluster through the real
 * kubectl: the Redis-style pod with its config file mounted from a ConfigMap and edited live;
 * env and envFrom from a Secret; kuard-config waiting with CreateContainerConfigError until
 * its key exists (the course's "kubectl create … --dry-run -o yaml | kubectl replace -f -");
 * a downward-API volume following a label change; a secret volume on tmpfs, seen from the
 * agent's mount namespace with findmnt. Images are the busybox test image (no registry here).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestCluster, type TestCluster } from '../support/cluster-fixture';
import { kubectlOk, waitPodRow } from '../support/kubectl-pods';
import { nodeLogFile } from '../../scripts/cluster/cluster-node';
import { runCommand } from '../../scripts/cluster/run-command';
import { until } from '../../scripts/cluster/wait-until';

const BUSYBOX = 'image: pikube/busybox:latest\n    imagePullPolicy: IfNotPresent';

const MANIFESTS = `apiVersion: v1
kind: ConfigMap
metadata:
  name: example-redis-config
  namespace: default
data:
  redis-config: |
    maxmemory 2mb
    maxmemory-policy allkeys-lru
---
apiVersion: v1
kind: Pod
metadata:
  name: redis
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: redis
    ${BUSYBOX}
    command: ["sleep", "3600"]
    volumeMounts:
    - mountPath: /redis-master
      name: config
  volumes:
  - name: config
    configMap:
      name: example-redis-config
      items:
      - key: redis-config
        path: redis.conf
---
apiVersion: v1
kind: Secret
metadata:
  name: mysecret
type: Opaque
data:
  username: YWRtaW4=
  password: MWYyZDFlMmU2N2Rm
---
apiVersion: v1
kind: Pod
metadata:
  name: secret-env
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: app
    ${BUSYBOX}
    command: ["sleep", "3600"]
    env:
    - name: SECRET_USERNAME
      valueFrom:
        secretKeyRef:
          name: mysecret
          key: username
    envFrom:
    - prefix: DB_
      secretRef:
        name: mysecret
---
apiVersion: v1
kind: Pod
metadata:
  name: kuard-config
spec:
  terminationGracePeriodSeconds: 1
  containers:
    - name: test-container
      ${BUSYBOX.replace('\n    ', '\n      ')}
      command: ["sh", "-c", "echo extra=$(EXTRA_PARAM) another=$(ANOTHER_PARAM); sleep 3600"]
      env:
        - name: ANOTHER_PARAM
          valueFrom:
            configMapKeyRef:
              name: my-config
              key: another-param
        - name: EXTRA_PARAM
          valueFrom:
            configMapKeyRef:
              name: my-config
              key: extra-param
      volumeMounts:
        - name: config-volume
          mountPath: /config
  volumes:
    - name: config-volume
      configMap:
        name: my-config
  restartPolicy: Never
---
apiVersion: v1
kind: Pod
metadata:
  name: podinfo
  labels:
    app: podinfo
    tier: cache
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: app
    ${BUSYBOX}
    command: ["sleep", "3600"]
    resources:
      limits:
        memory: 32Mi
    volumeMounts:
    - name: podinfo
      mountPath: /etc/podinfo
  volumes:
  - name: podinfo
    downwardAPI:
      items:
      - path: labels
        fieldRef:
          fieldPath: metadata.labels
      - path: mem_limit
        resourceFieldRef:
          containerName: app
          resource: limits.memory
          divisor: 1Mi
---
apiVersion: v1
kind: Pod
metadata:
  name: kuard-tls
spec:
  terminationGracePeriodSeconds: 1
  containers:
    - name: kuard-tls
      ${BUSYBOX.replace('\n    ', '\n      ')}
      command: ["sleep", "3600"]
      volumeMounts:
      - name: tls-certs
        mountPath: "/tls"
        readOnly: true
  volumes:
    - name: tls-certs
      secret:
        secretName: kuard-tls
`;

describe('ConfigMaps, Secrets and the downward API from the course notes', function () {
  this.timeout(180_000);
  let tc: TestCluster;
  let files: string;
  const kubectl = (args: string[], input?: string): Promise<string> => kubectlOk(tc, args, input);
  const exec = (pod: string, command: string): Promise<string> => kubectl(['exec', pod, '--', 'sh', '-c', command]);
  const uidOf = async (pod: string): Promise<string> => kubectl(['get', 'pod', pod, '-o', 'jsonpath={.metadata.uid}']);
  const volumeDir = (uid: string, plugin: string, name: string): string => path.join(tc.nodes[0].dir, 'agent', 'pods', uid, 'volumes', plugin, name);

  before(async function () {
    this.timeout(300_000);
    tc = await startTestCluster({ nodes: ['pi1'] });
    files = mkdtempSync(path.join(os.tmpdir(), 'pikube-config-e2e-'));
    writeFileSync(path.join(files, 'my-config.txt'), 'parameter1 = value1\nparameter2 = value2\n');
    writeFileSync(path.join(files, 'kuard.crt'), '-----BEGIN CERTIFICATE-----\nnot-a-real-cert\n');
    writeFileSync(path.join(files, 'kuard.key'), '-----BEGIN PRIVATE KEY-----\nnot-a-real-key\n');
    await kubectl(['create', 'secret', 'generic', 'kuard-tls', `--from-file=${files}/kuard.crt`, `--from-file=${files}/kuard.key`]);
    // The course's first try: my-config without another-param.
    await kubectl(['create', 'configmap', 'my-config', `--from-file=${files}/my-config.txt`, '--from-literal=extra-param=extra-value']);
    await kubectl(['apply', '-f', '-'], MANIFESTS);
  });

  after(async function () {
    this.timeout(120_000);
    if (files) rmSync(files, { recursive: true, force: true });
    if (tc) await tc.down();
  });

  it('redis: mounts the config file from the ConfigMap and shows a live edit without a restart', async () => {
    await waitPodRow(tc, 'redis', (r) => r.status === 'Running');
    assert.equal(await exec('redis', 'cat /redis-master/redis.conf'), 'maxmemory 2mb\nmaxmemory-policy allkeys-lru\n');
    // The kubelet's layout: the key is a symlink through ..data into a timestamped directory.
    assert.match(await exec('redis', 'ls -la /redis-master'), /redis\.conf -> \.\.data\/redis\.conf/);
    const file = path.join(volumeDir(await uidOf('redis'), 'kubernetes.io~configmap', 'config'), 'redis.conf');
    const edited = MANIFESTS.split('---\n')[0].replace('maxmemory 2mb', 'maxmemory 4mb');
    const t0 = Date.now();
    await kubectl(['apply', '-f', '-'], edited);
    await until(() => readFileSync(file, 'utf8').startsWith('maxmemory 4mb'), { timeoutMs: 30_000, intervalMs: 20, describe: () => readFileSync(file, 'utf8') });
    const onNodeMs = Date.now() - t0;
    const seen = await until(async () => ((await exec('redis', 'cat /redis-master/redis.conf')).startsWith('maxmemory 4mb') ? Date.now() - t0 : undefined), { timeoutMs: 30_000, intervalMs: 200 });
    console.log(`      ConfigMap edit → file changed on the node ${onNodeMs} ms, seen by kubectl exec in the pod ${seen} ms after kubectl apply began`);
    const row = await waitPodRow(tc, 'redis', (r) => r.status === 'Running');
    assert.equal(row.restarts, 0);
  });

  it('secret-env: env from secretKeyRef and envFrom with a prefix, values hidden from describe', async () => {
    await waitPodRow(tc, 'secret-env', (r) => r.status === 'Running');
    assert.equal(await exec('secret-env', 'echo "$SECRET_USERNAME $DB_username $DB_password"'), 'admin admin 1f2d1e2e67df\n');
    const described = await kubectl(['describe', 'pod', 'secret-env']);
    assert.match(described, /SECRET_USERNAME:\s+<set to the key 'username' in secret 'mysecret'>/);
    assert.doesNotMatch(described, /1f2d1e2e67df/);
  });

  it('kuard-config: CreateContainerConfigError with the kubelet’s message, then starts by itself once the key exists', async () => {
    await waitPodRow(tc, 'kuard-config', (r) => r.status === 'CreateContainerConfigError');
    const events = await kubectl(['get', 'events', '--field-selector', 'involvedObject.name=kuard-config']);
    assert.match(events, /Warning\s+Failed\s+pod\/kuard-config\s+Error: couldn't find key another-param in ConfigMap default\/my-config/, events);
    const status = await kubectl(['get', 'pod', 'kuard-config', '-o', 'jsonpath={.status.containerStatuses[0].state.waiting.message}']);
    assert.equal(status, "couldn't find key another-param in ConfigMap default/my-config");
    // The course's "Recreate and Update".
    const manifest = await kubectl(['create', 'configmap', 'my-config', `--from-file=${files}/my-config.txt`, '--from-literal=extra-param=extra-value',
      '--from-literal=another-param=another-value', '--dry-run=client', '-o', 'yaml']);
    const t0 = Date.now();
    await kubectl(['replace', '-f', '-'], manifest);
    await waitPodRow(tc, 'kuard-config', (r) => r.status === 'Running', 30_000);
    console.log(`      key added → kuard-config Running ${Date.now() - t0} ms after kubectl replace began`);
    const logs = await until(async () => {
      const out = await kubectl(['logs', 'kuard-config']);
      return out.includes('extra=') ? out : undefined;
    }, { timeoutMs: 20_000, intervalMs: 300 });
    assert.equal(logs, 'extra=extra-value another=another-value\n');
    assert.match(await exec('kuard-config', 'cat /config/my-config.txt'), /parameter1 = value1/);
  });

  it('podinfo: a downward-API volume shows a label change while the pod runs', async () => {
    await waitPodRow(tc, 'podinfo', (r) => r.status === 'Running');
    assert.equal(await exec('podinfo', 'cat /etc/podinfo/labels'), 'app="podinfo"\ntier="cache"');
    assert.equal(await exec('podinfo', 'cat /etc/podinfo/mem_limit'), '32');
    const t0 = Date.now();
    await kubectl(['label', 'pod', 'podinfo', 'tier=db', '--overwrite']);
    const ms = await until(async () => ((await exec('podinfo', 'cat /etc/podinfo/labels')).includes('tier="db"') ? Date.now() - t0 : undefined), { timeoutMs: 30_000, intervalMs: 200 });
    console.log(`      label change → downward-API file updated, seen in the pod ${ms} ms after kubectl label began`);
  });

  it('kuard-tls: the secret volume is a tmpfs in the agent’s mount namespace, read-only in the container, gone with the pod', async () => {
    await waitPodRow(tc, 'kuard-tls', (r) => r.status === 'Running');
    assert.match(await exec('kuard-tls', 'cat /tls/kuard.crt'), /not-a-real-cert/);
    assert.match(await kubectl(['exec', 'kuard-tls', '--', 'sh', '-c', 'touch /tls/x 2>&1 || true']), /Read-only file system/);
    const dir = volumeDir(await uidOf('kuard-tls'), 'kubernetes.io~secret', 'tls-certs');
    const agentPid = String(tc.nodes[0].agent?.pid ?? '');
    const findmnt = async (): Promise<string> => (await runCommand('findmnt', ['--task', agentPid, '-n', '-o', 'FSTYPE', '--mountpoint', dir], { allowFailure: true })).stdout.trim();
    assert.equal(await findmnt(), 'tmpfs');
    await kubectl(['delete', 'pod', 'kuard-tls', '--wait=true']);
    await until(async () => (await findmnt()) === '' && !existsSync(dir), { timeoutMs: 30_000, intervalMs: 200 });
  });

  it('no secret value reaches an event, the agent’s log or the control plane’s log', async () => {
    const secretValues = ['1f2d1e2e67df', 'not-a-real-key', 'not-a-real-cert'];
    const events = await kubectl(['get', 'events', '-A', '-o', 'json']);
    const logs = [readFileSync(nodeLogFile(tc.cluster.logDir, tc.nodes[0], 'agent'), 'utf8'), readFileSync(path.join(tc.cluster.logDir, 'control-plane.log'), 'utf8')];
    for (const value of secretValues) {
      assert.equal(events.includes(value), false, `${value} in events`);
      for (const log of logs) assert.equal(log.includes(value), false, `${value} in a log`);
    }
  });
});
