import { strict as assert } from 'node:assert';
import { crdCleanupController } from '../../../../control-plane/controllers/crd-cleanup-controller';
import { namespaceController } from '../../../../control-plane/controllers/namespace-controller';
import { until } from '../../../../scripts/cluster/wait-until';
import { withApiAndControllers } from '../../../support/controllers-fixture';
import { tableRows } from '../../../support/kubectl-table';

const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: crontabs.stable.example.com
spec:
  group: stable.example.com
  scope: Namespaced
  names:
    plural: crontabs
    singular: crontab
    kind: CronTab
    shortNames: [ct]
    categories: [all]
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            description: What the cron tab runs, and when.
            properties:
              cronSpec:
                type: string
                description: The schedule, in cron format.
                pattern: '^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$'
              image:
                type: string
              replicas:
                type: integer
                minimum: 1
                maximum: 10
                default: 1
            required: [cronSpec]
          status:
            type: object
            properties:
              replicas:
                type: integer
              labelSelector:
                type: string
    subresources:
      status: {}
      scale:
        specReplicasPath: .spec.replicas
        statusReplicasPath: .status.replicas
        labelSelectorPath: .status.labelSelector
    additionalPrinterColumns:
    - name: Spec
      type: string
      jsonPath: .spec.cronSpec
    - name: Replicas
      type: integer
      jsonPath: .spec.replicas
    - name: Age
      type: date
      jsonPath: .metadata.creationTimestamp
  - name: v1beta1
    served: true
    storage: false
    schema:
      openAPIV3Schema:
        type: object
        x-kubernetes-preserve-unknown-fields: true
`;

function cronTab(name: string, spec: string): string {
  return `apiVersion: stable.example.com/v1
kind: CronTab
metadata:
  name: ${name}
spec:
${spec}
`;
}

describe('CustomResourceDefinitions through the real kubectl (real etcd)', function () {
  this.timeout(120_000);
  const fixture = withApiAndControllers([crdCleanupController, namespaceController]);

  async function crontabNames(): Promise<string[]> {
    const { stdout } = await fixture.get().kubectl(['get', 'crontabs', '-A', '-o', 'name']);
    return stdout.trim().split('\n').filter(Boolean).sort();
  }

  it('serves a new kind at once: kubectl get crd, discovery with its short name and category', async () => {
    const { ok } = fixture.get();
    assert.match(await ok(['apply', '-f', '-'], CRD), /customresourcedefinition.apiextensions.k8s.io\/crontabs.stable.example.com created/);
    const crds = tableRows(await ok(['get', 'crd']));
    assert.deepEqual(crds[0], ['NAME', 'CREATED AT']);
    assert.equal(crds[1][0], 'crontabs.stable.example.com');
    const established = await ok(['get', 'crd', 'crontabs.stable.example.com', '-o', 'jsonpath={.status.conditions[?(@.type=="Established")].status}']);
    assert.equal(established, 'True');
    const resources = tableRows(await ok(['api-resources', '--api-group=stable.example.com']));
    assert.deepEqual(resources[1], ['crontabs', 'ct', 'stable.example.com/v1', 'true', 'CronTab']);
  });

  it('creates objects, defaults them, prunes unknown fields and prints the CRD columns', async () => {
    const { ok, kubectl } = fixture.get();
    await ok(['apply', '--validate=false', '-f', '-'], cronTab('every-minute', '  cronSpec: "* * * * */5"\n  image: my-cron-image\n  colour: blue'));
    const stored = JSON.parse(await ok(['get', 'crontab', 'every-minute', '-o', 'json'])) as { spec: Record<string, unknown>; metadata: { generation?: number } };
    assert.deepEqual(stored.spec, { cronSpec: '* * * * */5', image: 'my-cron-image', replicas: 1 });
    assert.equal(stored.metadata.generation, 1);
    const strict = await kubectl(['create', '--validate=strict', '-f', '-'], cronTab('strict', '  cronSpec: "* * * * *"\n  colour: blue'));
    assert.notEqual(strict.code, 0);
    assert.match(strict.out, /unknown field "spec.colour"/);
    const rows = tableRows(await ok(['get', 'ct']));
    assert.deepEqual(rows[0], ['NAME', 'SPEC', 'REPLICAS', 'AGE']);
    assert.deepEqual(rows[1].slice(0, 3), ['every-minute', '* * * * */5', '1']);
    assert.match(rows[1][3], /^\d+s$/);
    assert.match(await ok(['get', 'all']), /crontab.stable.example.com\/every-minute/);
  });

  it('refuses a field of the wrong type, out of range or not matching its pattern: 422 naming the field', async () => {
    const { kubectl } = fixture.get();
    const typed = await kubectl(['apply', '-f', '-'], cronTab('wrong-type', '  cronSpec: "* * * * *"\n  replicas: "three"'));
    assert.notEqual(typed.code, 0);
    assert.match(typed.out, /The CronTab "wrong-type" is invalid: spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"/);
    const ranged = await kubectl(['apply', '-f', '-'], cronTab('too-many', '  cronSpec: "* * *"\n  replicas: 11'));
    assert.match(ranged.out, /spec.cronSpec: Invalid value: "\* \* \*": spec.cronSpec in body should match/);
    assert.match(ranged.out, /spec.replicas: Invalid value: 11: spec.replicas in body should be less than or equal to 10/);
    const missing = await kubectl(['apply', '-f', '-'], cronTab('no-spec', '  image: x'));
    assert.match(missing.out, /spec.cronSpec: Required value/);
  });

  it('keeps status for the status subresource, and scales through the scale subresource', async () => {
    const { ok } = fixture.get();
    await ok(['apply', '-f', '-'], `${cronTab('scaled', '  cronSpec: "0 * * * *"')}status:\n  replicas: 7\n`);
    const created = JSON.parse(await ok(['get', 'crontab', 'scaled', '-o', 'json'])) as { status?: unknown };
    assert.equal(created.status, undefined);
    await ok(['patch', 'crontab', 'scaled', '--subresource=status', '--type=merge', '-p', '{"status":{"replicas":2,"labelSelector":"app=cron"}}']);
    await ok(['patch', 'crontab', 'scaled', '--type=merge', '-p', '{"status":{"replicas":9}}']);
    assert.equal(await ok(['get', 'crontab', 'scaled', '-o', 'jsonpath={.status.replicas}']), '2');
    assert.match(await ok(['scale', 'crontab', 'scaled', '--replicas=3']), /crontab.stable.example.com\/scaled scaled/);
    const scaled = JSON.parse(await ok(['get', 'crontab', 'scaled', '-o', 'json'])) as { spec: { replicas: number }; metadata: { generation: number } };
    assert.deepEqual([scaled.spec.replicas, scaled.metadata.generation], [3, 2]);
    const scale = JSON.parse(await ok(['get', '--raw', '/apis/stable.example.com/v1/namespaces/default/crontabs/scaled/scale'])) as { spec: unknown; status: unknown };
    assert.deepEqual([scale.spec, scale.status], [{ replicas: 3 }, { replicas: 2, selector: 'app=cron' }]);
  });

  it('is described for kubectl explain', async () => {
    const out = await fixture.get().ok(['explain', 'crontab.spec']);
    assert.match(out, /KIND:\s+CronTab/);
    assert.match(out, /cronSpec\s+<string> -required-/);
    assert.match(out, /replicas\s+<integer>/);
  });

  it('refuses CRDs it cannot serve: a conversion webhook, a non-structural schema, bad names', async () => {
    const { kubectl } = fixture.get();
    const webhook = CRD.replace('crontabs.stable', 'webhooks.stable').replace('plural: crontabs', 'plural: webhooks').replace('kind: CronTab', 'kind: Webhook')
      .replace('shortNames: [ct]', 'shortNames: [wh]').replace('  versions:', '  conversion:\n    strategy: Webhook\n  versions:');
    const refused = await kubectl(['apply', '-f', '-'], webhook);
    assert.notEqual(refused.code, 0);
    assert.match(refused.out, /The CustomResourceDefinition "webhooks.stable.example.com" is invalid: spec.conversion.strategy: Unsupported value: "Webhook": supported values: "None"/);
    const untyped = CRD.replace('              image:\n                type: string\n', '              image:\n                description: no type\n');
    const nonStructural = await kubectl(['apply', '-f', '-'], untyped.replace(/crontabs/g, 'untypeds').replace(/CronTab/g, 'Untyped').replace('[ct]', '[ut]'));
    assert.match(nonStructural.out, /spec.versions\[0\].schema.openAPIV3Schema.properties\[spec\].properties\[image\].type: Required value: must not be empty for specified object fields/);
    const noDot = await kubectl(['apply', '-f', '-'], CRD.replace(/stable.example.com/g, 'stable'));
    assert.match(noDot.out, /spec.group: Invalid value: "stable": should be a domain with at least one dot/);
    assert.equal((await kubectl(['get', 'crd', 'webhooks.stable.example.com'])).code, 1);
  });

  // kubectl 1.32 validates the unknown kind against /openapi/v2 (protobuf), which has no schema for it, then maps it.
  it('answers "no matches for kind" for a kind no CRD defines', async () => {
    const result = await fixture.get().kubectl(['apply', '-f', '-'], 'apiVersion: nowhere.example.com/v1\nkind: Ghost\nmetadata:\n  name: boo\n');
    assert.notEqual(result.code, 0);
    assert.match(result.out, /no matches for kind "Ghost" in version "nowhere.example.com\/v1"/);
  });

  it('deletes its objects with the CRD, and stops serving the kind', async () => {
    const { ok, kubectl } = fixture.get();
    await ok(['create', 'namespace', 'crons']);
    await ok(['apply', '-n', 'crons', '-f', '-'], cronTab('elsewhere', '  cronSpec: "1 2 3 4 5"'));
    assert.ok((await crontabNames()).length >= 3);
    assert.match(await ok(['delete', 'crd', 'crontabs.stable.example.com'], undefined), /deleted/);
    const gone = await kubectl(['get', 'crontabs']);
    assert.notEqual(gone.code, 0);
    // kubectl's discovery cache may still map the kind: then the server's 404 is what it prints.
    assert.match(gone.out, /the server doesn't have a resource type "crontabs"|Unable to list "stable.example.com\/v1, Resource=crontabs": the server could not find the requested resource/);
    await ok(['apply', '-f', '-'], CRD);
    await until(async () => (await kubectl(['get', 'crontabs', '-A'])).code === 0, { timeoutMs: 10_000 });
    assert.deepEqual(await crontabNames(), []);
  });
});
