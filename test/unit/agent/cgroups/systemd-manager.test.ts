import assert from 'node:assert/strict';
import type { CommandRunner } from '../../../../agent/network/command-runner';
import { BusctlSystemdManager, propertyArgs } from '../../../../agent/cgroups/systemd-manager';

/** busctl as systemd 252 answers it: scripted exit codes and stderr per method. */
function busctl(answers: Record<string, { code: number; stderr?: string; stdout?: string }>): { run: CommandRunner; calls: string[][] } {
  const calls: string[][] = [];
  const run: CommandRunner = async (cmd, args) => {
    calls.push([cmd, ...args]);
    const method = args[0] === 'get-property' ? 'Version' : args[4];
    const a = answers[method] ?? { code: 0 };
    return { code: a.code, stdout: a.stdout ?? '', stderr: a.stderr ?? '' };
  };
  return { run, calls };
}

describe('systemd over busctl', () => {
  it('passes properties as busctl a(sv) arguments', () => {
    assert.deepEqual(propertyArgs([{ name: 'MemoryMax', type: 't', value: 67108864n }, { name: 'CPUAccounting', type: 'b', value: true }]), ['2', 'MemoryMax', 't', '67108864', 'CPUAccounting', 'b', 'true']);
  });

  it('starts a transient slice without default dependencies', async () => {
    const { run, calls } = busctl({});
    await new BusctlSystemdManager(run).ensureSlice('pikube-podx.slice', [{ name: 'CPUWeight', type: 't', value: 39n }]);
    assert.deepEqual(calls, [['busctl', 'call', 'org.freedesktop.systemd1', '/org/freedesktop/systemd1', 'org.freedesktop.systemd1.Manager', 'StartTransientUnit', 'ssa(sv)a(sa(sv))',
      'pikube-podx.slice', 'replace', '3', 'Description', 's', 'pikube pikube-podx.slice', 'DefaultDependencies', 'b', 'false', 'CPUWeight', 't', '39', '0']]);
  });

  it('sets the properties at runtime on a slice systemd already has', async () => {
    const { run, calls } = busctl({ StartTransientUnit: { code: 1, stderr: 'Call failed: Unit pikube-burstable.slice was already loaded or has a fragment file.\n' } });
    await new BusctlSystemdManager(run).ensureSlice('pikube-burstable.slice', [{ name: 'CPUWeight', type: 't', value: 1n }]);
    assert.deepEqual(calls[1].slice(5), ['SetUnitProperties', 'sba(sv)', 'pikube-burstable.slice', 'true', '1', 'CPUWeight', 't', '1']);
  });

  it('stops a unit, a unit not loaded being already stopped; other failures are errors', async () => {
    await new BusctlSystemdManager(busctl({ StopUnit: { code: 1, stderr: 'Call failed: Unit pikube-podx.slice not loaded.' } }).run).stopUnit('pikube-podx.slice');
    await assert.rejects(new BusctlSystemdManager(busctl({ StopUnit: { code: 1, stderr: 'Call failed: Access denied' } }).run).stopUnit('pikube-podx.slice'), /Access denied/);
  });

  it("reads the manager's version, and fails without a bus", async () => {
    assert.equal(await new BusctlSystemdManager(busctl({ Version: { code: 0, stdout: 's "252.39-1~deb12u1"\n' } }).run).version(), '252.39-1~deb12u1');
    await assert.rejects(new BusctlSystemdManager(busctl({ Version: { code: 1, stderr: 'Failed to connect to bus: No such file or directory' } }).run).version(), /Failed to connect to bus/);
  });
});
