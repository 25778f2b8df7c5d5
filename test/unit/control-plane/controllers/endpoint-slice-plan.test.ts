import assert from 'node:assert/strict';
import type { EndpointSlice } from '../../../../api/service-v1';
import { ENDPOINTSLICE_CONTROLLER, ENDPOINTSLICE_MIRRORING_CONTROLLER } from '../../../../api/service-v1';
import { desiredSliceContents, newSlice, type SliceContent } from '../../../../control-plane/controllers/endpoint-slices';
import { planSlices } from '../../../../control-plane/controllers/endpoint-slice-plan';
import { planMirroredSlices } from '../../../../control-plane/controllers/endpointslice-mirroring-plan';
import { podEndpoints } from '../../../../control-plane/controllers/service-endpoints';
import { aPod, aService, anEndpoints } from './fixtures';

const web = aService('web');

function stored(content: SliceContent, name: string, svc = web): EndpointSlice {
  const slice = newSlice(svc, content);
  return { ...slice, metadata: { ...slice.metadata, name, uid: `uid-${name}`, resourceVersion: '5' } };
}

const contentOf = (...ips: string[]): SliceContent[] => desiredSliceContents(web, podEndpoints(web, ips.map((ip, i) => aPod(`p${i}`, { ip }))));
const summary = (a: ReturnType<typeof planSlices>): Record<string, string[]> => ({
  create: a.create.map((s) => (s.endpoints ?? []).map((e) => e.addresses[0]).join(',')),
  update: a.update.map((s) => `${s.metadata.name}:${(s.endpoints ?? []).map((e) => e.addresses[0]).join(',')}`),
  delete: a.delete.map((s) => s.metadata.name ?? ''),
});

describe('endpoint slice plan', () => {
  const cases: { name: string; existing: EndpointSlice[]; desired: SliceContent[]; want: Record<string, string[]> }[] = [
    { name: 'creates the slice a new service needs', existing: [], desired: contentOf('10.42.0.1'), want: { create: ['10.42.0.1'], update: [], delete: [] } },
    { name: 'writes nothing when the slice already holds the endpoints', existing: [stored(contentOf('10.42.0.1')[0]!, 's1')], desired: contentOf('10.42.0.1'), want: { create: [], update: [], delete: [] } },
    { name: 'rewrites a differing slice in place rather than replacing it', existing: [stored(contentOf('10.42.0.1')[0]!, 's1')], desired: contentOf('10.42.0.2'), want: { create: [], update: ['s1:10.42.0.2'], delete: [] } },
    { name: 'deletes a slice owned by an earlier service of the same name', existing: [stored(contentOf('10.42.0.1')[0]!, 'old', { ...web, metadata: { ...web.metadata, uid: 'earlier' } })], desired: contentOf('10.42.0.1'),
      want: { create: ['10.42.0.1'], update: [], delete: ['old'] } },
    { name: 'deletes spare slices', existing: [stored(contentOf('10.42.0.1')[0]!, 's1'), stored(contentOf('10.42.0.9')[0]!, 's2')], desired: contentOf('10.42.0.1'),
      want: { create: [], update: [], delete: ['s2'] } },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(summary(planSlices(web, c.existing, c.desired, ENDPOINTSLICE_CONTROLLER)), c.want));

  it('gives new slices the service as controller owner and the managed-by label', () => {
    const [created] = planSlices(web, [], contentOf('10.42.0.1'), ENDPOINTSLICE_CONTROLLER).create;
    assert.deepEqual(created?.metadata.ownerReferences?.map((o) => [o.kind, o.uid, o.controller]), [['Service', web.metadata.uid, true]]);
    assert.equal(created?.metadata.labels?.['endpointslice.kubernetes.io/managed-by'], ENDPOINTSLICE_CONTROLLER);
  });
});

describe('endpointslice mirroring plan', () => {
  const manual = aService('manual', { ports: [{ port: 80 }] });
  const mirror = (existing: EndpointSlice[] = [], svc = manual, ep = anEndpoints('manual', ['10.0.0.1', 'fd00::1'])): ReturnType<typeof planMirroredSlices> =>
    planMirroredSlices(svc, ep, existing);

  it('mirrors the IPv4 addresses of a selectorless service\'s Endpoints, ready as listed', () => {
    const [slice] = mirror().create;
    assert.deepEqual(slice?.endpoints?.map((e) => [e.addresses[0], e.conditions?.ready]), [['10.0.0.1', true]]);
    assert.equal(slice?.metadata.labels?.['endpointslice.kubernetes.io/managed-by'], ENDPOINTSLICE_MIRRORING_CONTROLLER);
  });

  it('mirrors nothing for a selector service, and deletes what it had mirrored', () => {
    const had = stored({ ports: [], endpoints: [] }, 'm1', manual);
    assert.deepEqual(mirror([had], web).delete.map((s) => s.metadata.name), ['m1']);
  });

  it('skips Endpoints labelled skip-mirror', () => {
    const ep = anEndpoints('manual', ['10.0.0.1']);
    ep.metadata.labels = { 'endpointslice.kubernetes.io/skip-mirror': 'true' };
    assert.equal(mirror([], manual, ep).create.length, 0);
  });
});
