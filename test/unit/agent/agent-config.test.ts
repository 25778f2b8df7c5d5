import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseAgentConfig } from '../../../agent/agent-config';

describe('agent command line: --cluster-cidr', () => {
  let dir: string;
  let base: string[];

  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'pikube-agent-config-'));
    for (const f of ['ca', 'cert', 'key']) writeFileSync(path.join(dir, f), `${f} pem`);
    base = ['--node-name', 'pi1', '--servers', '10.0.0.1:6443', '--node-ip', '192.168.1.11', ...['ca', 'cert', 'key'].flatMap((f) => [`--${f}`, path.join(dir, f)])];
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('defaults to 10.42.0.0/16, as the control plane does', () => {
    assert.equal(parseAgentConfig(base).clusterCIDR, '10.42.0.0/16');
  });

  it('takes another IPv4 CIDR', () => {
    assert.equal(parseAgentConfig([...base, '--cluster-cidr', '10.100.0.0/16']).clusterCIDR, '10.100.0.0/16');
  });

  it('refuses what is not an IPv4 CIDR', () => {
    assert.throws(() => parseAgentConfig([...base, '--cluster-cidr', '10.42.0.0/16; reboot']), /--cluster-cidr .* is not an IPv4 CIDR/);
  });

  it('fences after 6 s by default and takes --fencing-period of at least 1 s', () => {
    assert.equal(parseAgentConfig(base).fencingPeriodMs, 6000);
    assert.equal(parseAgentConfig([...base, '--fencing-period', '10s']).fencingPeriodMs, 10_000);
    assert.throws(() => parseAgentConfig([...base, '--fencing-period', '500ms']), /--fencing-period "500ms" must be a duration of at least 1s/);
  });

  it('attaches sandboxes itself by default (veth), through Docker\'s network with --sandbox-network docker, and refuses anything else', () => {
    assert.equal(parseAgentConfig(base).sandboxNetwork, 'veth');
    assert.equal(parseAgentConfig([...base, '--sandbox-network', 'docker']).sandboxNetwork, 'docker');
    assert.throws(() => parseAgentConfig([...base, '--sandbox-network', 'cni']), /--sandbox-network "cni" must be docker or veth/);
  });

  it('evicts at the kubelet\'s default hard thresholds, takes --eviction-hard and --eviction-pressure-transition-period, and refuses bad ones', () => {
    assert.deepEqual(parseAgentConfig(base).evictionHard.map((t) => t.signal), ['memory.available', 'nodefs.available', 'imagefs.available']);
    assert.equal(parseAgentConfig(base).evictionPressureTransitionPeriodMs, 300_000);
    const set = parseAgentConfig([...base, '--eviction-hard', 'memory.available<300Mi', '--eviction-pressure-transition-period', '30s']);
    assert.deepEqual(set.evictionHard, [{ signal: 'memory.available', value: { bytes: 300 * 1024 * 1024 } }]);
    assert.equal(set.evictionPressureTransitionPeriodMs, 30_000);
    assert.throws(() => parseAgentConfig([...base, '--eviction-hard', 'memory.available=1Gi']), /--eviction-hard "memory.available=1Gi"/);
    assert.throws(() => parseAgentConfig([...base, '--eviction-pressure-transition-period', 'soon']), /--eviction-pressure-transition-period: invalid duration "soon"/);
  });
});
