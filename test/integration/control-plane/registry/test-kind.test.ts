import { strict as assert } from 'node:assert';
import { KINDS } from '../../../../control-plane/registry/kinds';
import { startApiServerFixture, type ApiServerFixture } from '../../../support/api-server-fixture';
import { withEtcd } from '../../../support/etcd-fixture';
import { tableRows } from '../../../support/kubectl-table';
import { WIDGETS } from '../../../support/test-kind';

function widgetYaml(name: string, color: string, size: number | string): string {
  return `apiVersion: example.pikube.dev/v1
kind: Widget
metadata:
  name: ${name}
spec:
  color: ${color}
  size: ${size}
`;
}

/** The rows of kubectl's table output, split on runs of spaces. */
describe('a kind added to the API by one definition and one line (real etcd, real kubectl)', function () {
  this.timeout(60_000);
  const etcd = withEtcd();
  let api: ApiServerFixture;

  before(async () => {
    api = await startApiServerFixture(etcd.get(), { kinds: [...KINDS, WIDGETS] });
  });
  after(async () => api?.stop());

  async function kubectl(args: string[], input?: string) {
    const result = await api.kubectl(args, { input, timeoutMs: 20_000 });
    return { ...result, out: result.stdout + result.stderr };
  }

  it('is in discovery with its short name, scope and verbs', async () => {
    const { stdout, code, out } = await kubectl(['api-resources', '--api-group=example.pikube.dev', '-o', 'wide']);
    assert.equal(code, 0, out);
    const [header, widgets] = tableRows(stdout);
    assert.deepEqual(header.slice(0, 5), ['NAME', 'SHORTNAMES', 'APIVERSION', 'NAMESPACED', 'KIND']);
    assert.deepEqual(widgets.slice(0, 5), ['widgets', 'wd', 'example.pikube.dev/v1', 'true', 'Widget']);
    assert.match(widgets[5], /create.*delete.*deletecollection.*get.*list.*patch.*update.*watch/);
  });

  it('is described by the OpenAPI document kubectl explain reads', async () => {
    const { stdout, code, out } = await kubectl(['explain', 'widgets.spec']);
    assert.equal(code, 0, out);
    assert.match(stdout, /KIND:\s+Widget/);
    assert.match(stdout, /color\s+<string>/);
    assert.match(stdout, /size\s+<integer>/);
  });

  it('is created, read, listed as a table with its own columns, and deleted', async () => {
    const created = await kubectl(['create', '-f', '-'], widgetYaml('round', 'blue', 3));
    assert.equal(created.code, 0, created.out);
    assert.match(created.stdout, /widget.example.pikube.dev\/round created/);
    await kubectl(['create', '-f', '-'], widgetYaml('square', 'red', 5));
    const got = await kubectl(['get', 'widget', 'round', '-o', 'json']);
    const widget = JSON.parse(got.stdout) as { spec: unknown; status: unknown; metadata: { uid?: string } };
    assert.deepEqual([widget.spec, widget.status], [{ color: 'blue', size: 3 }, { phase: 'Pending' }]);
    assert.ok(widget.metadata.uid);
    const table = tableRows((await kubectl(['get', 'wd'])).stdout);
    assert.deepEqual(table.map((r) => r.slice(0, 3)), [['NAME', 'COLOR', 'SIZE'], ['round', 'blue', '3'], ['square', 'red', '5']]);
    const deleted = await kubectl(['delete', 'widget', 'square']);
    assert.match(deleted.stdout, /widget.example.pikube.dev "square" deleted/);
    assert.deepEqual(tableRows((await kubectl(['get', 'wd', '-o', 'name'])).stdout), [['widget.example.pikube.dev/round']]);
  });

  it('selects by its own field, and refuses fields it does not offer', async () => {
    await kubectl(['create', '-f', '-'], widgetYaml('green-one', 'green', 1));
    const green = await kubectl(['get', 'wd', '--field-selector', 'spec.color=green', '-o', 'name']);
    assert.equal(green.stdout.trim(), 'widget.example.pikube.dev/green-one');
    const refused = await kubectl(['get', 'wd', '--field-selector', 'spec.size=1']);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /field label not supported: spec.size/);
  });

  it('is validated by its strategy: 422 with the field path', async () => {
    const result = await kubectl(['create', '-f', '-'], widgetYaml('tiny', 'blue', 0));
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /The Widget "tiny" is invalid: spec.size: Invalid value: 0: must be greater than 0/);
    const res = await api.request('POST', '/apis/example.pikube.dev/v1/namespaces/default/widgets', { body: { apiVersion: 'example.pikube.dev/v1', kind: 'Widget', metadata: { name: 'plain' }, spec: { size: 2 } } });
    assert.equal(res.status, 422, res.text);
    assert.deepEqual(res.json().details.causes.map((c: { field: string }) => c.field), ['spec.color']);
  });

  it('is decoded by its own field model: a wrong JSON type is a 400, an unknown field refused under Strict', async () => {
    const wrong = await api.request('POST', '/apis/example.pikube.dev/v1/namespaces/default/widgets', { body: { apiVersion: 'example.pikube.dev/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { color: 'x', size: 'big' } } });
    assert.equal(wrong.status, 400, wrong.text);
    assert.match(wrong.json().message, /Widget in version "v1" cannot be handled as a Widget: json: cannot unmarshal string into Go struct field .*size of type int32/);
    const strict = await kubectl(['create', '--validate=strict', '-f', '-'], widgetYaml('w', 'x', 1).replace('  size: 1', '  size: 1\n  shape: round'));
    assert.notEqual(strict.code, 0);
    assert.match(strict.stderr, /unknown field "spec.shape"/);
  });

  it('is not served by a registry whose kinds leave it out', async () => {
    const plain = await startApiServerFixture(etcd.get());
    try {
      const res = await plain.request('GET', '/apis/example.pikube.dev/v1/namespaces/default/widgets');
      assert.equal(res.status, 404);
      const { stdout } = await plain.kubectl(['api-resources', '--api-group=example.pikube.dev']);
      assert.doesNotMatch(stdout, /widgets/);
    } finally {
      await plain.stop();
    }
  });
});
