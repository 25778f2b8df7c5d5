import assert from 'node:assert/strict';
import type { PersistentVolumeClaim, PersistentVolumeClaimSpec } from '../../../../api/core-v1';
import { defaultPersistentVolumeClaim } from '../../../../api/defaults/persistentvolumeclaim-defaults';
import { validatePersistentVolumeClaim, validatePersistentVolumeClaimUpdate } from '../../../../api/validation/persistentvolumeclaim-validation';

function aClaim(spec: PersistentVolumeClaimSpec = { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } }): PersistentVolumeClaim {
  return defaultPersistentVolumeClaim({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'www-web-0', namespace: 'default' }, spec });
}

const errors = (claim: PersistentVolumeClaim): string[] => validatePersistentVolumeClaim(claim).map((c) => `${c.field}: ${c.message}`);

describe('PersistentVolumeClaim defaults and validation', () => {
  it('defaults volumeMode Filesystem and phase Pending, and accepts the course notes\' claim', () => {
    const claim = aClaim({ accessModes: ['ReadWriteOnce'], storageClassName: 'my-storage-class', resources: { requests: { storage: '1Gi' } } });
    assert.equal(claim.spec?.volumeMode, 'Filesystem');
    assert.equal(claim.status?.phase, 'Pending');
    assert.deepEqual(errors(claim), []);
  });

  const cases: { name: string; spec: PersistentVolumeClaimSpec; want: string[] }[] = [
    { name: 'no access mode', spec: { resources: { requests: { storage: '1Gi' } } }, want: ['spec.accessModes: Required value: at least 1 access mode is required'] },
    { name: 'an unknown access mode', spec: { accessModes: ['ReadWriteSometimes'], resources: { requests: { storage: '1Gi' } } },
      want: ['spec.accessModes: Unsupported value: "ReadWriteSometimes": supported values: "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"'] },
    { name: 'ReadWriteOncePod with another mode', spec: { accessModes: ['ReadWriteOncePod', 'ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
      want: ['spec.accessModes: Forbidden: may not use ReadWriteOncePod with other access modes'] },
    { name: 'no storage request', spec: { accessModes: ['ReadWriteOnce'] }, want: ['spec.resources[storage]: Required value'] },
    { name: 'a zero storage request', spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '0' } } }, want: ['spec.resources[storage]: Invalid value: "0": must be greater than zero'] },
    { name: 'a storage class that is no DNS subdomain', spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'My_Class', resources: { requests: { storage: '1Gi' } } },
      want: ['spec.storageClassName: Invalid value: "My_Class": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, \'-\' or \'.\', and must start and end with an alphanumeric character (e.g. \'example.com\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\')'] },
  ];
  for (const c of cases) it(`refuses ${c.name}`, () => assert.deepEqual(errors(aClaim(c.spec)), c.want));

  it('keeps the spec immutable, but lets volumeName be set once and a bound claim change its request', () => {
    const old = { ...aClaim(), metadata: { ...aClaim().metadata, resourceVersion: '5' } };
    const grown = structuredClone(old);
    grown.spec = { ...grown.spec, resources: { requests: { storage: '2Gi' } } };
    assert.deepEqual(validatePersistentVolumeClaimUpdate(grown, old).map((c) => c.field), ['spec']);
    const bound = { ...structuredClone(old), spec: { ...old.spec, volumeName: 'pv-1' } };
    assert.deepEqual(validatePersistentVolumeClaimUpdate(bound, old), []);
    const boundOld = { ...bound, status: { phase: 'Bound' as const } };
    assert.deepEqual(validatePersistentVolumeClaimUpdate({ ...structuredClone(boundOld), spec: { ...boundOld.spec, resources: { requests: { storage: '2Gi' } } } }, boundOld), []);
    assert.deepEqual(validatePersistentVolumeClaimUpdate({ ...structuredClone(boundOld), spec: { ...boundOld.spec, volumeName: 'pv-2' } }, boundOld).map((c) => c.message),
      ['Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims']);
  });
});
