import assert from 'node:assert/strict';
import { benchSlice, endpointAddress, servicePortName } from '../../../../scripts/bench/network-objects';
import { MANAGED_BY_LABEL, SERVICE_NAME_LABEL, ENDPOINTSLICE_CONTROLLER, ENDPOINTSLICE_MIRRORING_CONTROLLER } from '../../../../api/service-v1';

describe('network-programming benchmark objects', () => {
  it('gives every endpoint index of a block its own host address', () => {
    const seen = new Set<string>();
    for (let j = 0; j < 3000; j++) {
      const ip = endpointAddress(96, j);
      assert.match(ip, /^10\.96\.\d{1,2}\.([1-9]\d?|1\d\d|2[0-4]\d|250)$/);
      seen.add(ip);
    }
    assert.equal(seen.size, 3000);
    assert.throws(() => endpointAddress(96, 64_000));
  });

  it('writes slices that neither endpoint controller claims, tied to their service', () => {
    const slice = benchSlice('web', [{ ip: '10.96.0.1', ready: false }]);
    assert.equal(slice.metadata.labels?.[SERVICE_NAME_LABEL], 'web');
    assert.ok(![ENDPOINTSLICE_CONTROLLER, ENDPOINTSLICE_MIRRORING_CONTROLLER].includes(slice.metadata.labels?.[MANAGED_BY_LABEL] ?? ''));
    assert.deepEqual(slice.endpoints[0].conditions, { ready: false, serving: false, terminating: false });
    assert.equal(servicePortName('web'), 'default/web:http');
  });
});
