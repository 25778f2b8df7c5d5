import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { processRef, refAlive, signalRef, stopRef } from '../../../../scripts/cluster/process-ref';

function sleeper(): Promise<number> {
  const child = spawn('sleep', ['30'], { stdio: 'ignore' });
  return new Promise((resolve, reject) => {
    child.once('spawn', () => resolve(child.pid as number));
    child.once('error', reject);
  });
}

describe('process refs', () => {
  it('names a running process', () => {
    assert.equal(refAlive(processRef(process.pid)), true);
  });

  it('does not take a process with another start time for the one it named (pid reuse)', () => {
    const ref = processRef(process.pid);
    assert.equal(refAlive({ ...ref, startTicks: ref.startTicks - 1 }), false);
    assert.equal(signalRef({ ...ref, startTicks: ref.startTicks - 1 }, 'SIGTERM'), false);
  });

  it('does not trust a ref from another boot', () => {
    assert.equal(refAlive({ ...processRef(process.pid), bootId: 'another-boot' }), false);
  });

  it('stops a process and then sees it gone', async () => {
    const ref = processRef(await sleeper());
    await stopRef(ref, 2_000);
    assert.equal(refAlive(ref), false);
  });
});
