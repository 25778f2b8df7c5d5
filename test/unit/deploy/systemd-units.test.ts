/**
 * The units install.sh installs: `systemd-analyze verify` must accept each with nothing to say
 * (it exits 0 on unknown keys, so any output fails the test), and the properties that keep pods
 * alive and the Pi safe must be there.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const UNITS = path.join(__dirname, '../../../../deploy/systemd');
const DEBIAN_ETCD_UNIT = '/lib/systemd/system/etcd.service';

function systemdVersion(): number | undefined {
  const r = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? Number(/systemd (\d+)/.exec(r.stdout)?.[1]) : undefined;
}

/** Runs verify on `unit` copied into a scratch unit directory with its drop-ins; returns everything it printed. */
function verify(unitSource: string, dropIns: string[] = []): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pikube-units-'));
  try {
    const unit = path.join(dir, path.basename(unitSource));
    copyFileSync(unitSource, unit);
    if (dropIns.length > 0) mkdirSync(`${unit}.d`);
    for (const d of dropIns) copyFileSync(d, path.join(`${unit}.d`, path.basename(d)));
    const r = spawnSync('systemd-analyze', ['verify', unit], { encoding: 'utf8', env: { ...process.env, SYSTEMD_UNIT_PATH: `${dir}:` } });
    return `${r.status === 0 ? '' : `exit ${r.status}\n`}${r.stdout}${r.stderr}`.trim();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const unitText = (name: string): string => readFileSync(path.join(UNITS, name), 'utf8');

describe('systemd units', function () {
  const version = systemdVersion();

  describe('systemd-analyze verify', function () {
    before(function () {
      if (version === undefined) this.skip(); // systemd-analyze is absent: nothing can verify the units here
    });

    for (const unit of ['pikube-server.service', 'pikube-agent.service']) {
      it(`accepts ${unit} without a word`, () => assert.equal(verify(path.join(UNITS, unit)), ''));
    }

    it("accepts Debian's etcd.service with the SD-card drop-in", function () {
      if (!existsSync(DEBIAN_ETCD_UNIT)) this.skip(); // etcd-server is not installed: no unit to drop into
      assert.equal(verify(DEBIAN_ETCD_UNIT, [path.join(UNITS, 'etcd.service.d/pikube-sd-card.conf')]), '');
    });

    it('accepts the restart back-off drop-in on systemd 254 and later', function () {
      if ((version ?? 0) < 254) this.skip(); // RestartSteps is new in 254; install.sh does not install the drop-in before
      assert.equal(verify(path.join(UNITS, 'pikube-agent.service'), [path.join(UNITS, 'restart-backoff.conf')]), '');
    });

    it('notices a unit that is wrong (the check can fail)', () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'pikube-units-'));
      try {
        const bad = path.join(dir, 'bad.service');
        writeFileSync(bad, '[Service]\nExecStart=/usr/bin/node x\nKillMode=gently\n');
        assert.match(verify(bad), /kill mode/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  it('never lets stopping the agent stop the pods (KillMode=process)', () => {
    assert.match(unitText('pikube-agent.service'), /^KillMode=process$/m);
  });

  for (const unit of ['pikube-server.service', 'pikube-agent.service']) {
    it(`orders ${unit} after network-online and time-sync, restarts it forever, caps its memory and its heap`, () => {
      const text = unitText(unit);
      for (const line of [/^After=network-online\.target time-sync\.target/m, /^Wants=network-online\.target time-sync\.target/m, /^Restart=always$/m,
        /^StartLimitIntervalSec=0$/m, /^MemoryHigh=\d+M$/m, /^MemoryMax=\d+M$/m, /--max-old-space-size=\d+/, /^StandardOutput=journal$/m, /--config \/etc\/pikube\//]) {
        assert.match(text, line);
      }
    });
  }
});
