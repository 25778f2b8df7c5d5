import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { nodeFlagsOfUnitText, shippedNodeFlags, unitNodeFlags } from '../../../../scripts/cluster/unit-node-flags';

describe('Node flags of the systemd units', () => {
  it('takes the flags between node and the script of ExecStart=', () => {
    const unit = '[Service]\nExecStart=/usr/bin/node --max-old-space-size=48 --max-semi-space-size=1 /opt/pikube/dist/agent/main.js --config /etc/pikube/agent.yaml\n';
    assert.deepEqual(nodeFlagsOfUnitText(unit), ['--max-old-space-size=48', '--max-semi-space-size=1']);
  });

  it('reads no flags when node runs the script with its defaults', () => {
    assert.deepEqual(nodeFlagsOfUnitText('ExecStart=/usr/bin/node /opt/pikube/dist/agent/main.js\n'), []);
  });

  for (const [what, text, error] of [
    ['no ExecStart=', '[Service]\nType=simple\n', /one ExecStart= line, found 0/],
    ['two ExecStart= lines', 'ExecStart=/usr/bin/node a.js\nExecStart=/usr/bin/node b.js\n', /found 2/],
    ['a command other than node', 'ExecStart=/bin/sh -c x.js\n', /runs \/bin\/sh, not node/],
    ['a flag whose value stands apart', 'ExecStart=/usr/bin/node --max-old-space-size 48 main.js\n', /--flag=value/],
  ] as const) {
    it(`refuses a unit with ${what}`, () => assert.throws(() => nodeFlagsOfUnitText(text), error));
  }

  it('names the unit file it could not read', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pikube-units-'));
    try {
      writeFileSync(path.join(dir, 'pikube-agent.service'), '[Service]\n');
      assert.throws(() => unitNodeFlags('pikube-agent', dir), /pikube-agent\.service: expected one ExecStart=/);
      assert.throws(() => unitNodeFlags('pikube-server', dir), /pikube-server\.service: ENOENT/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('finds heap flags in both shipped units', () => {
    const flags = shippedNodeFlags();
    for (const list of [flags.controlPlane, flags.agent]) assert.ok(list.some((f) => /^--max-old-space-size=\d+$/.test(f)), list.join(' '));
  });
});
