/**
 * `kubectl create secret docker-registry` and `spec.imagePullSecrets` on a one-node simulated
 * cluster, against a registry with basic auth served inside pi1's own network namespace
 * (test/support/test-registry.ts; no traffic leaves the test's namespaces): the pod naming the
 * secret pulls and runs; the pod without it shows ErrImagePull, then ImagePullBackOff, with the
 * kubelet's events in `kubectl get events`; a pod naming a secret that does not exist gets the
 * FailedToRetrieveImagePullSecret warning. The pods pull `Always`: with IfNotPresent an image
 * one pod pulled with a secret serves every pod of the node, as on a kubelet without the alpha
 * KubeletEnsureSecretPulledImages.
 */
import assert from 'node:assert/strict';
import { startTestCluster, type TestCluster } from '../support/cluster-fixture';
import { kubectlOk, waitPodRow } from '../support/kubectl-pods';
import { startTestRegistry, type TestRegistry } from '../support/test-registry';
import { until } from '../../scripts/cluster/wait-until';

function podManifest(name: string, image: string, secrets: string[]): string {
  const pull = secrets.length > 0 ? `  imagePullSecrets:\n${secrets.map((s) => `  - name: ${s}\n`).join('')}` : '';
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
  terminationGracePeriodSeconds: 1
${pull}  containers:
  - name: app
    image: ${image}
    imagePullPolicy: Always
    command: ["sleep", "3600"]
`;
}

describe('image pull secrets with kubectl and a private registry', function () {
  this.timeout(180_000);
  let tc: TestCluster;
  let registry: TestRegistry | undefined;
  const kubectl = (args: string[], input?: string): Promise<string> => kubectlOk(tc, args, input);

  before(async function () {
    this.timeout(300_000);
    tc = await startTestCluster({ nodes: ['pi1'] });
    registry = await startTestRegistry({ netns: tc.nodes[0].netns, source: tc.docker('pi1'), sourceImage: 'pikube/busybox:latest', repository: 'home/app', tag: '1.0', user: 'pi', password: 'raspberry' });
  });

  after(async function () {
    this.timeout(120_000);
    await registry?.stop();
    if (tc) await tc.down();
  });

  it('pulls with the docker-registry secret and shows ErrImagePull / ImagePullBackOff without it', async () => {
    const reg = registry as TestRegistry;
    await kubectl(['create', 'secret', 'docker-registry', 'regcred', `--docker-server=${reg.host}`, '--docker-username=pi', '--docker-password=raspberry', '--docker-email=pi@home.lan']);
    assert.equal(await kubectl(['get', 'secret', 'regcred', '-o', 'jsonpath={.type}']), 'kubernetes.io/dockerconfigjson');
    await kubectl(['apply', '-f', '-'], [podManifest('private', reg.image, ['regcred']), podManifest('anonymous', reg.image, []), podManifest('typo', reg.image, ['regcerd'])].join('---\n'));

    await waitPodRow(tc, 'private', (r) => r.status === 'Running');
    assert.equal(await kubectl(['exec', 'private', '--', 'sh', '-c', 'echo pulled']), 'pulled\n');
    await waitPodRow(tc, 'anonymous', (r) => r.status === 'ErrImagePull' || r.status === 'ImagePullBackOff');
    await waitPodRow(tc, 'anonymous', (r) => r.status === 'ImagePullBackOff');
    const events = async (pod: string): Promise<string> => kubectl(['get', 'events', '--field-selector', `involvedObject.name=${pod}`, '-o', 'custom-columns=TYPE:.type,REASON:.reason,MESSAGE:.message', '--no-headers']);
    const anonymous = await until(async () => {
      const text = await events('anonymous');
      return text.includes('Back-off pulling image') ? text : undefined;
    }, { timeoutMs: 30_000, describe: () => 'events of the anonymous pod' });
    assert.match(anonymous, new RegExp(`Warning +Failed +Failed to pull image "${reg.image}": .*no basic auth credentials`));
    assert.match(anonymous, /Warning +Failed +Error: ErrImagePull/);
    assert.match(anonymous, /Warning +Failed +Error: ImagePullBackOff/);
    const typo = await until(async () => {
      const text = await events('typo');
      return text.includes('FailedToRetrieveImagePullSecret') ? text : undefined;
    }, { timeoutMs: 30_000, describe: () => 'events of the typo pod' });
    assert.match(typo, /Warning +FailedToRetrieveImagePullSecret +Unable to retrieve some image pull secrets \(regcerd\); attempting to pull the image may not succeed\./);
    const waiting = await kubectl(['get', 'pod', 'anonymous', '-o', 'jsonpath={.status.containerStatuses[0].state.waiting.reason}']);
    assert.match(waiting, /^(ErrImagePull|ImagePullBackOff)$/);
  });
});
