import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { EndpointSlice, Service } from '../../../api/service-v1';
import { ServicesSnapshot } from '../../../agent/services-snapshot';
import { until } from '../../../scripts/cluster/wait-until';

const svc = (name: string): Service => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec: { clusterIP: '10.43.0.9' } });
const slice: EndpointSlice = { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'web-1', namespace: 'default' }, addressType: 'IPv4', endpoints: [] };

describe('services snapshot', () => {
  let dir: string;
  let file: string;
  const logs: string[] = [];
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'pikube-snapshot-'));
    file = path.join(dir, 'services.json');
    logs.length = 0;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('has nothing before the first write, and gives back what was written', () => {
    const snapshot = new ServicesSnapshot(file, (m) => logs.push(m), 10);
    assert.equal(snapshot.load(), undefined);
    snapshot.save(() => ({ services: [svc('web')], slices: [slice] }));
    snapshot.flush();
    assert.deepEqual(new ServicesSnapshot(file, () => undefined).load(), { services: [svc('web')], slices: [slice] });
  });

  it('writes a burst of changes once, with the state at write time', async () => {
    const snapshot = new ServicesSnapshot(file, (m) => logs.push(m), 30);
    let calls = 0;
    let current = [svc('a')];
    const view = () => ((calls += 1), { services: current, slices: [] });
    snapshot.save(view);
    snapshot.save(view);
    current = [svc('a'), svc('d')];
    await until(() => calls > 0, { timeoutMs: 1000 });
    assert.equal(calls, 1);
    assert.deepEqual(snapshot.load()?.services.map((s) => s.metadata.name), ['a', 'd']);
  });

  it('ignores a damaged or foreign file, saying so', () => {
    writeFileSync(file, '{"version": 7, "services": []}');
    assert.equal(new ServicesSnapshot(file, (m) => logs.push(m)).load(), undefined);
    writeFileSync(file, '{not json');
    assert.equal(new ServicesSnapshot(file, (m) => logs.push(m)).load(), undefined);
    assert.equal(logs.length, 2);
    assert.match(logs[0], /ignoring the services snapshot .*unknown format/);
  });

  it('drops malformed entries one by one instead of failing the agent', () => {
    writeFileSync(file, JSON.stringify({ version: 1, services: [null, { kind: 'Service', metadata: { name: 'x', namespace: 'default' } }, svc('web')], slices: [{ ...slice, endpoints: {} }, slice] }));
    assert.deepEqual(new ServicesSnapshot(file, () => undefined).load(), { services: [svc('web')], slices: [slice] });
  });

  it('leaves no temporary file behind', () => {
    const snapshot = new ServicesSnapshot(file, () => undefined);
    snapshot.save(() => ({ services: [], slices: [] }));
    snapshot.flush();
    assert.equal(JSON.parse(readFileSync(file, 'utf8')).version, 1);
    assert.throws(() => readFileSync(`${file}.tmp`));
  });
});
