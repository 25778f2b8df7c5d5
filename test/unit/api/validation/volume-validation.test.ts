import assert from 'node:assert/strict';
import type { Volume } from '../../../../api/core-v1';
import { validateVolumes } from '../../../../api/validation/volume-validation';

const errors = (volumes: Volume[]): string[] => validateVolumes(volumes, 'spec.volumes').causes.map((c) => `${c.field}: ${c.message}`);

describe('pod volume validation: nfs', () => {
  const cases: [string, Volume, string[]][] = [
    ['a server and an absolute path', { name: 'share', nfs: { server: 'nas', path: '/export' } }, []],
    ['no server', { name: 'share', nfs: { server: '', path: '/export' } }, ['spec.volumes[0].nfs.server: Required value']],
    ['a relative path', { name: 'share', nfs: { server: 'nas', path: 'export' } }, ['spec.volumes[0].nfs.path: Invalid value: "export": must be an absolute path']],
  ];
  for (const [name, volume, want] of cases) it(`${name}: ${want.length ? want.join('; ') : 'valid'}`, () => assert.deepEqual(errors([volume]), want));
});
