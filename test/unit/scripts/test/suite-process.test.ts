import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { runInGroup, stopAllGroups } from '../../../../scripts/test/suite-process';

/**
 * A fake suite: starts a child that ignores SIGTERM and a `sleep` (as tests start control planes
 * and agents), writes their pids to `pidFile`, then hangs (or, with `exit`, ends at once).
 */
function fakeSuite(pidFile: string, exit: boolean): string[] {
  const stubborn = `process.on('SIGTERM', () => undefined); setInterval(() => undefined, 1000);`;
  const script = `
    const { spawn } = require('node:child_process');
    const { writeFileSync } = require('node:fs');
    const a = spawn(process.execPath, ['-e', ${JSON.stringify(stubborn)}], { stdio: 'ignore' });
    const b = spawn('sleep', ['600'], { stdio: 'ignore' });
    writeFileSync(${JSON.stringify(pidFile)}, a.pid + ' ' + b.pid);
    console.log('suite started');
    ${exit ? 'process.exit(0);' : 'setInterval(() => undefined, 1000);'}`;
  return ['-e', script];
}

/** Running: a zombie (killed, not reaped yet) is not. */
function alive(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '')[0] !== 'Z';
  } catch {
    return false;
  }
}

describe('suite process groups (run-suites)', function () {
  this.timeout(30_000);
  let dir: string;
  let pidFile: string;

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'pikube-suite-process-'));
    pidFile = path.join(dir, 'pids');
  });

  afterEach(() => {
    // A failed test must not leave its fake suite's processes behind.
    if (existsSync(pidFile)) for (const pid of grandchildren()) if (alive(pid)) process.kill(pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  const grandchildren = (): number[] => readFileSync(pidFile, 'utf8').split(' ').map(Number);

  it('at the deadline stops the whole group: a grandchild ignoring SIGTERM is killed after the grace period', async () => {
    const t0 = Date.now();
    const run = await runInGroup(process.execPath, fakeSuite(pidFile, false), { deadlineMs: 3000, graceMs: 500, buffered: true });
    assert.equal(run.outcome, 'deadline');
    assert.match(run.output.toString(), /suite started/);
    const pids = grandchildren();
    assert.equal(pids.length, 2);
    for (const pid of pids) assert.equal(alive(pid), false, `grandchild ${pid} survived the deadline`);
    assert.ok(Date.now() - t0 < 20_000, 'stopped within the grace period, not left to finish');
  });

  it('stops a group left behind by a suite that ended', async () => {
    const run = await runInGroup(process.execPath, fakeSuite(pidFile, true), { deadlineMs: 60_000, graceMs: 500, buffered: true });
    assert.equal(run.outcome, 'done');
    for (const pid of grandchildren()) assert.equal(alive(pid), false, `grandchild ${pid} outlived its suite`);
  });

  it('stops every running group when interrupted', async () => {
    const running = runInGroup(process.execPath, fakeSuite(pidFile, false), { deadlineMs: 60_000, graceMs: 500, buffered: true });
    for (let i = 0; i < 200 && !existsSync(pidFile); i++) await sleep(50);
    assert.ok(existsSync(pidFile), 'the fake suite did not start');
    assert.equal(stopAllGroups(), 1);
    const run = await running;
    assert.equal(run.outcome, 'interrupted');
    for (const pid of grandchildren()) assert.equal(alive(pid), false, `grandchild ${pid} survived the interrupt`);
    assert.equal(stopAllGroups(), 0, 'nothing left to stop');
  });
});
