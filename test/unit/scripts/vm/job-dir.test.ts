import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { JOB_FILES, jobExitCode, jobStartedAt, writeJob } from '../../../../scripts/vm/job-dir';

describe('VM job directory', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'pikube-job-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('carries the request the guest scripts read', () => {
    writeJob(dir, { command: 'echo hi', repo: '/tmp/ci-clone', dockerCgroupDriver: 'cgroupfs' });
    assert.equal(readFileSync(path.join(dir, JOB_FILES.command), 'utf8'), 'echo hi\n');
    assert.equal(readFileSync(path.join(dir, JOB_FILES.repo), 'utf8'), '/tmp/ci-clone');
    assert.equal(readFileSync(path.join(dir, JOB_FILES.dockerDriver), 'utf8'), 'cgroupfs');
    assert.ok(existsSync(path.join(dir, JOB_FILES.out)));
  });

  it('leaves the driver empty when Docker is to choose', () => {
    writeJob(dir, { command: 'true', repo: '/work/main' });
    assert.equal(readFileSync(path.join(dir, JOB_FILES.dockerDriver), 'utf8'), '');
  });

  it('refuses a repository path the guest could not mount', () => {
    assert.throws(() => writeJob(dir, { command: 'true', repo: 'relative/path' }));
    assert.throws(() => writeJob(dir, { command: 'true', repo: '/a\nb' }));
  });

  it('reports start and exit only once the guest wrote them completely', () => {
    assert.equal(jobStartedAt(dir), undefined);
    assert.equal(jobExitCode(dir), undefined);
    writeFileSync(path.join(dir, JOB_FILES.started), '21.93\n');
    writeFileSync(path.join(dir, `${JOB_FILES.exitCode}.tmp`), '3\n');
    assert.equal(jobStartedAt(dir), 21.93);
    assert.equal(jobExitCode(dir), undefined);
    writeFileSync(path.join(dir, JOB_FILES.exitCode), '3\n');
    assert.equal(jobExitCode(dir), 3);
  });
});
