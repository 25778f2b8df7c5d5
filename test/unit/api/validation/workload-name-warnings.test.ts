import assert from 'node:assert/strict';
import { workloadNameWarnings } from '../../../../api/validation/workload-name-warnings';

describe('workloadNameWarnings', () => {
  it('warns about a dotted name, as kubectl shows it', () => {
    assert.deepEqual(workloadNameWarnings('web.v2'), [
      'metadata.name: this is used in Pod names and hostnames, which can result in surprising behavior; a DNS label is recommended: [must not contain dots]',
    ]);
  });

  it('says nothing about a DNS label', () => {
    assert.deepEqual(workloadNameWarnings('web-v2'), []);
  });
});
