import assert from 'node:assert/strict';
import { parseFlags, parseServeConfig } from '../../../control-plane/control-plane-config';

const serve = (...argv: string[]): ReturnType<typeof parseServeConfig> => parseServeConfig(parseFlags(['--advertise-address', '192.168.1.10', ...argv]));

describe('control-plane serve flags', () => {
  it('defaults the failover timing: a 5 s node grace and 2 s default tolerations', () => {
    const config = serve();
    assert.equal(config.nodeMonitorGracePeriodMs, 5000);
    assert.deepEqual(config.defaultTolerationSeconds, { notReady: 2, unreachable: 2 });
  });

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
});
