import assert from 'node:assert/strict';
import { customResourcePrinter, valueAtPath } from '../../../../../control-plane/apiserver/tables/custom-resource-printer';

const NOW = new Date('2026-01-01T00:10:00Z');
const OBJ = {
  apiVersion: 'x.example.com/v1', kind: 'X',
  metadata: { name: 'a', creationTimestamp: '2026-01-01T00:00:00Z' },
  spec: { cronSpec: '* * * * *', replicas: 3, ready: true, ports: [{ port: 80 }], sel: { app: 'x' }, at: '2026-01-01T00:09:00Z' },
};

describe('custom resource printer (additionalPrinterColumns)', () => {
  it('reads simple JSON paths, with list indices', () => {
    assert.equal(valueAtPath(OBJ, '.spec.ports[0].port'), 80);
    assert.equal(valueAtPath(OBJ, '.spec.ports[1].port'), undefined);
    assert.equal(valueAtPath(OBJ, '.status.replicas'), undefined);
  });

  it('prints Name, then each column at its path, dates as ages, missing values empty', () => {
    const printer = customResourcePrinter([
      { name: 'Spec', type: 'string', jsonPath: '.spec.cronSpec' },
      { name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas', priority: 1 },
      { name: 'Ready', type: 'boolean', jsonPath: '.spec.ready' },
      { name: 'Selector', type: 'string', jsonPath: '.spec.sel' },
      { name: 'Seen', type: 'date', jsonPath: '.spec.at' },
      { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
    ]);
    assert.deepEqual(printer.columns.map((c) => [c.name, c.type, c.priority]), [
      ['Name', 'string', 0], ['Spec', 'string', 0], ['Replicas', 'integer', 1], ['Ready', 'boolean', 0], ['Selector', 'string', 0], ['Seen', 'date', 0], ['Phase', 'string', 0],
    ]);
    assert.deepEqual(printer.cells(OBJ, NOW), ['a', '* * * * *', 3, true, '{"app":"x"}', '60s', '']);
  });

  it('prints Age when the version has no columns', () => {
    const printer = customResourcePrinter(undefined);
    assert.deepEqual(printer.columns.map((c) => c.name), ['Name', 'Age']);
    assert.deepEqual(printer.cells(OBJ, NOW), ['a', '10m']);
  });
});
