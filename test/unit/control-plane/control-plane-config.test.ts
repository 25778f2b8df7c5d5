import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { withConfigFile } from '../../../base/config/config-file';
import { parseFlags, parseServeConfig, SERVER_FLAGS } from '../../../control-plane/control-plane-config';

const serve = (...argv: string[]): ReturnType<typeof parseServeConfig> => parseServeConfig(parseFlags(['--advertise-address', '192.168.1.10', ...argv]));

describe('control-plane serve flags', () => {
  it('defaults the failover timing: a 5 s node grace, 1.2 s once the host answers nothing, 2 s for not-ready and 0 s for unreachable', () => {
    const config = serve();
    assert.equal(config.nodeMonitorGracePeriodMs, 5000);
    assert.equal(config.nodeHostProbeAfterMs, 1200);
    assert.deepEqual(config.defaultTolerationSeconds, { notReady: 2, unreachable: 0 });
  });

  it('takes --node-host-probe-after shorter than the grace period, or 0 (off), and refuses a longer one', () => {
    assert.equal(serve('--node-host-probe-after', '800ms').nodeHostProbeAfterMs, 800);
    assert.equal(serve('--node-host-probe-after', '0s').nodeHostProbeAfterMs, 0);
    assert.throws(() => serve('--node-host-probe-after', '5s'), /--node-host-probe-after \(5000 ms\) must be shorter than --node-monitor-grace-period \(5000 ms\), or 0/);
  });

  it('defaults the disruption guard to Kubernetes\' thresholds and a 1 node/s eviction rate, and takes the four flags', () => {
    assert.deepEqual(serve().disruption, { nodeEvictionRate: 1, secondaryNodeEvictionRate: 0.01, unhealthyZoneThreshold: 0.55, largeClusterSizeThreshold: 50 });
    const given = serve('--node-eviction-rate', '0.1', '--secondary-node-eviction-rate', '0', '--unhealthy-zone-threshold', '0.7', '--large-cluster-size-threshold', '3');
    assert.deepEqual(given.disruption, { nodeEvictionRate: 0.1, secondaryNodeEvictionRate: 0, unhealthyZoneThreshold: 0.7, largeClusterSizeThreshold: 3 });
  });

  for (const [flag, bad] of [['node-eviction-rate', '-1'], ['unhealthy-zone-threshold', '1.5'], ['large-cluster-size-threshold', '2.5'], ['secondary-node-eviction-rate', 'fast'], ['node-eviction-rate', '']]) {
    it(`refuses --${flag} "${bad}"`, () => {
      assert.throws(() => serve(`--${flag}=${bad}`), new RegExp(`--${flag} must be a (whole )?number from`));
    });
  }

  it('takes kube-apiserver\'s --default-*-toleration-seconds and --node-monitor-grace-period', () => {
    const config = serve('--node-monitor-grace-period', '2s', '--default-not-ready-toleration-seconds', '300', '--default-unreachable-toleration-seconds', '0');
    assert.equal(config.nodeMonitorGracePeriodMs, 2000);
    assert.deepEqual(config.defaultTolerationSeconds, { notReady: 300, unreachable: 0 });
  });

  for (const bad of ['-1', '1.5', '2s', '']) {
    it(`refuses --default-unreachable-toleration-seconds "${bad}"`, () => {
      assert.throws(() => serve(`--default-unreachable-toleration-seconds=${bad}`), /--default-unreachable-toleration-seconds must be a whole number of seconds/);
    });
  }

  it('defaults the fencing of pods that must not run twice to 6 s plus a 5 s margin, and takes both flags', () => {
    assert.deepEqual(serve().fencing, { periodMs: 6000, marginMs: 5000 });
    assert.deepEqual(serve('--pod-fencing-period', '10s', '--pod-fencing-margin', '8s').fencing, { periodMs: 10_000, marginMs: 8000 });
  });

  it('refuses a fencing period shorter than the grace (pods stopped before the node could be declared lost)', () => {
    assert.throws(() => serve('--node-monitor-grace-period', '8s', '--pod-fencing-period', '6s'), /--pod-fencing-period \(6000 ms\) must not be shorter than --node-monitor-grace-period \(8000 ms\)/);
    assert.equal(serve('--node-monitor-grace-period', '40s').fencing?.periodMs, 41_000, 'unset, it follows a longer grace');
    assert.equal(serve('--node-monitor-grace-period', '8s', '--pod-fencing-period', '8s').fencing?.periodMs, 8000);
  });

  it('refuses a margin too small to cover the agent\'s stop and a heartbeat', () => {
    assert.throws(() => serve('--pod-fencing-margin', '1s'), /--pod-fencing-margin must be at least 4000 ms/);
  });

  it('takes --allowed-image-registries, also as a list in server.yaml; unset, no image policy', () => {
    assert.equal(serve().imagePolicy, undefined);
    assert.deepEqual(serve('--allowed-image-registries', 'registry.home.lan/*,docker.io/library').imagePolicy?.allowed.map((p) => p.text), ['registry.home.lan/*', 'docker.io/library']);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pikube-config-'));
    try {
      const file = path.join(dir, 'server.yaml');
      writeFileSync(file, 'advertise-address: 192.168.1.10\nallowed-image-registries:\n  - registry.home.lan/*\n  - localhost:5000\n');
      const config = parseServeConfig(parseFlags(withConfigFile(['--config', file], '/nonexistent', SERVER_FLAGS)));
      assert.deepEqual(config.imagePolicy?.allowed.map((p) => [p.host, p.path]), [['registry.home.lan', ''], ['localhost:5000', '']]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses an invalid image registry pattern at start, naming it', () => {
    assert.throws(() => serve('--allowed-image-registries', 'registry.home.lan/*,*.lan'), /--allowed-image-registries: "\*\.lan" has a "\*" that is not a whole last component/);
    assert.throws(() => serve('--allowed-image-registries='), /must list at least one registry pattern/);
  });
});
