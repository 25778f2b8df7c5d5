import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ConfigMap } from '../../../../api/config-v1';
import type { KubeObject } from '../../../../api/meta';
import { EventRecorder } from '../../../../control-plane/registry/event-recorder';
import { runCommand } from '../../../../scripts/cluster/run-command';
import { KUBECTL, kubectlVersion } from '../../../../scripts/cluster/kubectl';
import { until } from '../../../../scripts/cluster/wait-until';
import { startApiServerFixture, type ApiServerFixture } from '../../../support/api-server-fixture';
import { withEtcd } from '../../../support/etcd-fixture';
import { tableRows } from '../../../support/kubectl-table';

/** Every kubectl the issue names; each sits beside /usr/bin/kubectl. */
const VERSIONS = ['1.27', '1.30', '1.32', '1.33'] as const;

const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: gizmos.conf.example.com}
spec:
  group: conf.example.com
  scope: Namespaced
  names: {plural: gizmos, singular: gizmo, kind: Gizmo, shortNames: [gz], categories: [all]}
  versions:
  - name: v1
    served: true
    storage: true
    subresources: {status: {}}
    additionalPrinterColumns:
    - {name: Size, type: integer, jsonPath: .spec.size}
    - {name: Age, type: date, jsonPath: .metadata.creationTimestamp}
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              size: {type: integer, minimum: 1}
              color: {type: string, enum: [red, blue]}
          status:
            type: object
            properties:
              phase: {type: string}
              conditions:
                type: array
                items:
                  type: object
                  properties:
                    type: {type: string}
                    status: {type: string}
`;

function gizmo(name: string, spec: string, labels = '{}'): string {
  return `apiVersion: conf.example.com/v1\nkind: Gizmo\nmetadata: {name: ${name}, labels: ${labels}}\nspec: ${spec}\n`;
}

function deployment(name: string, replicas: number): string {
  return `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: ${name}, labels: {app: ${name}}}\nspec:\n  replicas: ${replicas}\n  selector: {matchLabels: {app: ${name}}}\n  template:\n    metadata: {labels: {app: ${name}}}\n    spec: {containers: [{name: busybox, image: busybox}]}\n`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function configMap(name: string, data: string): string {
  return `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}}\ndata: ${data}\n`;
}

/** The discovery paths a `-v=6` log shows requested (`/api`, `/apis`, `/apis/apps/v1`…), whatever the log format of the version. */
function discoveryPaths(log: string): string[] {
  const urls = [...log.matchAll(/https:\/\/[^/\s"]+(\/apis?(?:\/[^\s"?]*)?)\?timeout=/g)].map((m) => m[1]);
  return urls.filter((p) => p.split('/').length <= 4 && !p.includes('/namespaces'));
}

describe('kubectl 1.27, 1.30, 1.32 and 1.33 against the API server (real etcd)', function () {
  this.timeout(60_000);
  const etcd = withEtcd();
  let api: ApiServerFixture;
  let dir: string;

  before(async () => {
    api = await startApiServerFixture(etcd.get());
    dir = mkdtempSync(path.join(os.tmpdir(), 'pikube-kubectl-versions-'));
    const crd = await runCommand(KUBECTL, [...api.kubectlFlags, 'apply', '-f', '-'], { input: CRD, allowFailure: true });
    assert.equal(crd.code, 0, crd.stderr);
    await until(() => api.registry.resources.some((r) => r.group === 'conf.example.com'), { timeoutMs: 10_000 });
  });
  after(async () => {
    await api?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const version of VERSIONS) {
    describe(`kubectl ${version}`, () => {
      const ns = `kubectl-${version.replace('.', '-')}`;
      /** This version's kubectl, with a discovery cache of its own, in its own namespace; never throws on a non-zero exit. */
      const kubectl = async (args: string[], input?: string) => {
        const flags = [`--kubeconfig=${api.kubeconfig}`, `--cache-dir=${path.join(dir, version)}`, `--namespace=${ns}`];
        const r = await runCommand(kubectlVersion(version), [...flags, ...args], { input, allowFailure: true, timeoutMs: 20_000 });
        return { ...r, out: (r.stdout + r.stderr).trim() };
      };
      const ok = async (args: string[], input?: string): Promise<string> => {
        const r = await kubectl(args, input);
        assert.equal(r.code, 0, `kubectl ${version} ${args.join(' ')}: ${r.out}`);
        return r.stdout;
      };

      it('discovers everything in two calls (aggregated discovery) and lists cluster-scoped resources', async () => {
        const cold = await kubectl(['api-resources', '--namespaced=false', '-v=6']);
        assert.equal(cold.code, 0, cold.out);
        assert.deepEqual(discoveryPaths(cold.stderr).sort(), ['/api', '/apis']);
        const rows = tableRows(cold.stdout);
        assert.ok(rows.some((r) => r[0] === 'namespaces' && r[r.length - 1] === 'Namespace'), cold.stdout);
        assert.ok(rows.every((r, i) => i === 0 || r[r.length - 2] === 'false'), 'only cluster-scoped resources');
        await ok(['create', 'namespace', ns]);
      });

      it('answers "no matches for kind" for an unserved kind, and creates a create-only kind, with default validation', async () => {
        const unknown = await kubectl(['apply', '-f', '-'], 'apiVersion: nowhere.example.com/v1\nkind: Ghost\nmetadata: {name: boo}\n');
        assert.notEqual(unknown.code, 0);
        assert.match(unknown.out, /no matches for kind "Ghost" in version "nowhere.example.com\/v1"/);
        const review = 'apiVersion: authorization.k8s.io/v1\nkind: SubjectAccessReview\nspec: {user: alice, resourceAttributes: {verb: get, resource: pods}}\n';
        assert.equal(await ok(['create', '-f', '-', '-o', 'jsonpath={.status.allowed}'], review), 'false');
      });

      it('prints a custom kind with its printer columns, --show-labels and -L, and names the fields it refuses', async () => {
        await ok(['apply', '-f', '-'], gizmo('g1', '{size: 3, color: red}', '{tier: a}'));
        assert.deepEqual(tableRows(await ok(['get', 'gizmos', '--show-labels'])).map((r) => [r[0], r[1], r[3]]), [['NAME', 'SIZE', 'LABELS'], ['g1', '3', 'tier=a']]);
        assert.deepEqual(tableRows(await ok(['get', 'gz', '-L', 'tier'])).map((r) => [r[0], r[1], r[3]]), [['NAME', 'SIZE', 'TIER'], ['g1', '3', 'a']]);
        const bad = await kubectl(['apply', '-f', '-'], gizmo('bad', '{size: 0, color: green}'));
        assert.notEqual(bad.code, 0);
        assert.match(bad.out, /The Gizmo "bad" is invalid/);
        assert.match(bad.out, /spec\.color: Unsupported value: "green": supported values: "red", "blue"/);
        assert.match(bad.out, /spec\.size: Invalid value: 0: spec\.size in body should be greater than or equal to 1/);
      });

      it('refuses a server-side apply over another manager\'s field until --force-conflicts', async () => {
        await ok(['apply', '--server-side', '--field-manager=alice', '-f', '-'], configMap('ssa', '{a: "1", b: "1"}'));
        const conflict = await kubectl(['apply', '--server-side', '--field-manager=bob', '-f', '-'], configMap('ssa', '{a: "2"}'));
        assert.notEqual(conflict.code, 0);
        assert.match(conflict.out, /Apply failed with 1 conflict: conflict with "alice": \.data\.a/);
        await ok(['apply', '--server-side', '--field-manager=bob', '--force-conflicts', '-f', '-'], configMap('ssa', '{a: "2"}'));
        const stored = await api.registry.get<ConfigMap>('configmaps', ns, 'ssa');
        assert.deepEqual(stored.data, { a: '2', b: '1' });
        assert.deepEqual(stored.metadata.managedFields?.map((e) => [e.manager, e.operation]), [['alice', 'Apply'], ['bob', 'Apply']]);
      });

      it('records Update entries for kubectl create and scale, which a server-side apply of other replicas conflicts with until --force-conflicts', async () => {
        // kubectl scale sends no fieldManager: its manager is the User-Agent's product, the binary's name (`kubectl.1.32` here, `kubectl` when installed so).
        const scaler = escapeRegExp(path.basename(kubectlVersion(version)));
        await ok(['create', 'deployment', 'scaled', '--image=busybox']);
        await ok(['scale', 'deployment', 'scaled', '--replicas=3']);
        const shown = await ok(['get', 'deployment', 'scaled', '-o', 'yaml', '--show-managed-fields']);
        assert.match(shown, /^ {2}- apiVersion: apps\/v1\n {4}fieldsType: FieldsV1\n {4}fieldsV1:\n(?: {6}.*\n)+ {4}manager: kubectl-create\n {4}operation: Update\n {4}time: /m, shown);
        assert.match(shown, new RegExp(`^ {4}fieldsV1:\\n {6}f:spec:\\n {8}f:replicas: \\{\\}\\n {4}manager: ${scaler}\\n {4}operation: Update\\n {4}subresource: scale\\n`, 'm'), shown);
        assert.doesNotMatch(await ok(['get', 'deployment', 'scaled', '-o', 'yaml']), /managedFields/);
        const conflict = await kubectl(['apply', '--server-side', '-f', '-'], deployment('scaled', 5));
        assert.notEqual(conflict.code, 0);
        assert.match(conflict.out, new RegExp(`Apply failed with 1 conflict: conflict with "${scaler}" with subresource "scale" using apps/v1: \\.spec\\.replicas`));
        await ok(['apply', '--server-side', '--force-conflicts', '-f', '-'], deployment('scaled', 5));
        const stored = await api.registry.get<KubeObject & { spec: { replicas: number } }>('deployments.apps', ns, 'scaled');
        assert.equal(stored.spec.replicas, 5);
        assert.deepEqual(stored.metadata.managedFields?.map((e) => [e.manager, e.operation, e.subresource]), [['kubectl', 'Apply', undefined], ['kubectl-create', 'Update', undefined]]);
      });

      it('moves from client-side to server-side apply without conflicts over what kubectl apply set', async () => {
        await ok(['apply', '-f', '-'], configMap('csa', '{a: "1"}'));
        const before = await api.registry.get<ConfigMap>('configmaps', ns, 'csa');
        assert.deepEqual(before.metadata.managedFields?.map((e) => [e.manager, e.operation]), [['kubectl-client-side-apply', 'Update']]);
        await ok(['apply', '--server-side', '-f', '-'], configMap('csa', '{a: "2"}'));
        const after = await api.registry.get<ConfigMap>('configmaps', ns, 'csa');
        assert.deepEqual([after.data, after.metadata.managedFields?.[0].manager, after.metadata.managedFields?.[0].operation], [{ a: '2' }, 'kubectl', 'Apply']);
        await ok(['delete', 'configmap', 'csa']);
      });

      it('writes nothing with --dry-run=server on create, apply and delete', async () => {
        assert.equal((await ok(['create', '--dry-run=server', '-f', '-', '-o', 'name'], configMap('dry', '{a: "1"}'))).trim(), 'configmap/dry');
        assert.match(await ok(['apply', '--dry-run=server', '-f', '-'], configMap('dry', '{a: "1"}')), /configmap\/dry created \(server dry run\)/);
        assert.equal(await api.registry.get('configmaps', ns, 'dry').catch(() => undefined), undefined);
        assert.match(await ok(['delete', 'configmap', 'ssa', '--dry-run=server']), /deleted \(server dry run\)/);
        assert.ok(await api.registry.get('configmaps', ns, 'ssa'));
      });

      it('shows what an apply would change with kubectl diff (exit 1), and nothing for no change (exit 0)', async () => {
        const changed = await kubectl(['diff', '-f', '-'], configMap('ssa', '{a: "2", b: "3"}'));
        assert.equal(changed.code, 1, changed.out);
        assert.match(changed.stdout, /^-\s+b: "1"$/m);
        assert.match(changed.stdout, /^\+\s+b: "3"$/m);
        const same = await kubectl(['diff', '-f', '-'], configMap('ssa', '{a: "2", b: "1"}'));
        assert.equal(same.code, 0, same.out);
      });

      it('waits for a condition, a jsonpath value and a deletion', async () => {
        await ok(['apply', '-f', '-'], gizmo('w1', '{size: 5}'));
        const waiting = kubectl(['wait', '--for=condition=Ready', 'gizmo/w1', '--timeout=15s']);
        const phase = kubectl(['wait', '--for=jsonpath={.status.phase}=Ready', 'gizmo/w1', '--timeout=15s']);
        await ok(['patch', 'gizmo', 'w1', '--subresource=status', '--type=merge', '-p', '{"status":{"phase":"Ready","conditions":[{"type":"Ready","status":"True"}]}}']);
        assert.match((await waiting).out, /gizmo.conf.example.com\/w1 condition met/);
        assert.match((await phase).out, /gizmo.conf.example.com\/w1 condition met/);
        const gone = kubectl(['wait', '--for=delete', 'gizmo/w1', '--timeout=15s']);
        await ok(['delete', 'gizmo', 'w1', '--wait=false']);
        const deleted = await gone;
        assert.equal(deleted.code, 0, deleted.out);
      });

      it('lists events for one object and of one type with kubectl events', async () => {
        const target = await api.registry.get<KubeObject>('configmaps', ns, 'ssa');
        const recorder = new EventRecorder({ registry: api.registry, source: { component: 'conformance' }, log: () => undefined });
        await recorder.record(target, 'Normal', 'Noticed', 'seen by the test');
        await recorder.record(target, 'Warning', 'Trouble', 'something is off');
        const all = tableRows(await ok(['events', '--for', 'configmap/ssa']));
        assert.deepEqual(all.slice(1).map((r) => r[2]).sort(), ['Noticed', 'Trouble']);
        const warnings = tableRows(await ok(['events', '--for', 'configmap/ssa', '--types=Warning']));
        assert.deepEqual(warnings.slice(1).map((r) => [r[1], r[2], r[3], r[4]]), [['Warning', 'Trouble', 'ConfigMap/ssa', 'something is off']]);
      });

      it('prints jsonpath, custom columns, names and go templates, sorted, and the custom kind in get all', async () => {
        for (const name of ['zeta', 'alpha', 'mid']) await ok(['create', 'configmap', name, `--from-literal=k=${name}`]);
        assert.equal(await ok(['get', 'configmaps', '--sort-by=.metadata.name', '-o', 'jsonpath={.items[*].metadata.name}']), 'alpha mid ssa zeta');
        assert.deepEqual(tableRows(await ok(['get', 'configmaps', '--sort-by=.metadata.name', '-o', 'custom-columns=NAME:.metadata.name,K:.data.k'])).slice(0, 3), [['NAME', 'K'], ['alpha', 'alpha'], ['mid', 'mid']]);
        assert.equal((await ok(['get', 'configmap', 'zeta', '-o', 'name'])).trim(), 'configmap/zeta');
        assert.equal(await ok(['get', 'configmaps', '--sort-by=.metadata.name', '-o', 'go-template={{range .items}}{{.metadata.name}};{{end}}']), 'alpha;mid;ssa;zeta;');
        await ok(['create', 'service', 'clusterip', 'web', '--tcp=80:8080']);
        const all = (await ok(['get', 'all'])).split('\n').map((line) => line.split(/\s+/)[0]);
        assert.ok(all.includes('service/web'), all.join(','));
        assert.ok(all.includes('gizmo.conf.example.com/g1'), all.join(','));
      });
    });
  }
});
