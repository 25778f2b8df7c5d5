import assert from 'node:assert/strict';
import { cgroupResources, milliCpuToQuota, milliCpuToShares } from '../../../../agent/pods/container-resources';

describe('container resources → cgroup settings', () => {
  const cases: { name: string; resources: Parameters<typeof cgroupResources>[0]; want: object }[] = [
    { name: 'no resources: minimum shares, no limits (BestEffort)', resources: undefined, want: { cpuShares: 2 } },
    { name: 'memory limit in Mi becomes bytes', resources: { limits: { memory: '64Mi' } }, want: { cpuShares: 2, memoryBytes: 67_108_864 } },
    { name: 'memory limit in decimal units', resources: { limits: { memory: '128M' } }, want: { cpuShares: 2, memoryBytes: 128_000_000 } },
    { name: 'cpu limit 500m: quota 50000 over 100000, shares from the limit', resources: { limits: { cpu: '500m' } }, want: { cpuShares: 512, cpuQuota: 50_000, cpuPeriod: 100_000 } },
    { name: 'cpu limit 2 cores', resources: { limits: { cpu: '2' } }, want: { cpuShares: 2048, cpuQuota: 200_000, cpuPeriod: 100_000 } },
    { name: 'request 250m alone: shares 256, no quota', resources: { requests: { cpu: '250m' } }, want: { cpuShares: 256 } },
    { name: 'request and limit: shares from the request', resources: { requests: { cpu: '100m' }, limits: { cpu: '1' } }, want: { cpuShares: 102, cpuQuota: 100_000, cpuPeriod: 100_000 } },
    { name: 'tiny request 1m: shares clamped to 2', resources: { requests: { cpu: '1m' } }, want: { cpuShares: 2 } },
    { name: 'tiny limit 5m: quota clamped to 1000 µs', resources: { limits: { cpu: '5m' } }, want: { cpuShares: 5, cpuQuota: 1000, cpuPeriod: 100_000 } },
    { name: 'fractional cores 0.1', resources: { requests: { cpu: '0.1' }, limits: { cpu: '0.1', memory: '1Gi' } }, want: { cpuShares: 102, cpuQuota: 10_000, cpuPeriod: 100_000, memoryBytes: 1_073_741_824 } },
  ];
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(cgroupResources(c.resources), c.want));
  }

  it('rejects a malformed quantity with the field named', () => {
    const r = cgroupResources({ limits: { memory: '64 MB' } });
    assert.ok(r instanceof Error);
    assert.match(r.message, /resources\.limits\.memory: "64 MB"/);
  });

  it('shares follow MilliCPUToShares: 1024 per CPU, within [2, 262144]', () => {
    assert.equal(milliCpuToShares(0n), 2);
    assert.equal(milliCpuToShares(1000n), 1024);
    assert.equal(milliCpuToShares(1_000_000n), 262_144);
  });

  it('quota follows MilliCPUToQuota: none for zero', () => {
    assert.equal(milliCpuToQuota(0n), 0);
    assert.equal(milliCpuToQuota(1500n), 150_000);
  });
});
