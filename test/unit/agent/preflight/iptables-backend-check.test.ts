import assert from 'node:assert/strict';
import type { CommandRunner } from '../../../../agent/network/command-runner';
import { alternativeOf, checkIptablesBackend, gatherBackendFacts } from '../../../../agent/preflight/iptables-backend-check';

const DOCKER_SAVE = '*filter\n:INPUT ACCEPT [0:0]\n:DOCKER - [0:0]\n:DOCKER-USER - [0:0]\nCOMMIT\n';
const EMPTY_SAVE = '*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n';

/** A host whose `iptables` alternative prints `version` and whose backends hold the given saves. */
function host(version: string, nft: string, legacy: string): CommandRunner {
  const out: Record<string, string> = { iptables: version, 'iptables-nft-save': nft, 'iptables-legacy-save': legacy };
  return async (cmd) => ({ stdout: out[cmd] ?? '', stderr: '', code: cmd in out ? 0 : 127 });
}

describe('iptables backend preflight', () => {
  it('reads the alternative from iptables --version', () => {
    assert.equal(alternativeOf('iptables v1.8.9 (nf_tables)\n'), 'nft');
    assert.equal(alternativeOf('iptables v1.8.9 (legacy)\n'), 'legacy');
    assert.equal(alternativeOf('iptables v1.4.21\n'), undefined);
  });

  it('passes when Docker and the system iptables both use nf_tables (Raspberry Pi OS bookworm)', async () => {
    const r = checkIptablesBackend(await gatherBackendFacts(host('iptables v1.8.9 (nf_tables)', DOCKER_SAVE, EMPTY_SAVE)));
    assert.equal(r.status, 'pass');
    assert.match(r.message, /iptables nft/);
  });

  it("warns when Docker's chains are in legacy but the alternative was switched to nft, with the command that agrees them", async () => {
    const r = checkIptablesBackend(await gatherBackendFacts(host('iptables v1.8.9 (nf_tables)', EMPTY_SAVE, DOCKER_SAVE)));
    assert.equal(r.status, 'warn');
    assert.match(r.message, /Docker's chains are in legacy iptables but the system's iptables is nft/);
    assert.equal(r.fix, 'sudo update-alternatives --set iptables /usr/sbin/iptables-legacy && sudo systemctl restart docker');
  });

  it("warns when Docker's chains are in both backends", async () => {
    const r = checkIptablesBackend(await gatherBackendFacts(host('iptables v1.8.9 (legacy)', DOCKER_SAVE, DOCKER_SAVE)));
    assert.match(r.message, /in both legacy and nft/);
  });

  it('warns when no backend holds Docker chains, and treats a missing iptables-legacy as empty', async () => {
    const run: CommandRunner = async (cmd) => (cmd === 'iptables-legacy-save' ? Promise.reject(new Error('ENOENT')) : { stdout: cmd === 'iptables' ? 'iptables v1.8.9 (nf_tables)' : EMPTY_SAVE, stderr: '', code: 0 });
    const r = checkIptablesBackend(await gatherBackendFacts(run));
    assert.equal(r.status, 'warn');
    assert.match(r.message, /no Docker chains.*is Docker running/);
  });
});
