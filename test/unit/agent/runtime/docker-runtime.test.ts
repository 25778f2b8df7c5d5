import assert from 'node:assert/strict';
import { systemdSlice } from '../../../../agent/runtime/docker-runtime';

describe('cgroup parent under the systemd driver', () => {
  const cases: [string, string][] = [['/pikube-pi1', 'pikube-pi1.slice'], ['/pikube/pi1', 'pikube-pi1.slice'], ['pikube.slice', 'pikube.slice'], ['/pikube', 'pikube.slice']];
  for (const [path, slice] of cases) it(`turns ${path} into ${slice}`, () => assert.equal(systemdSlice(path), slice));
});
