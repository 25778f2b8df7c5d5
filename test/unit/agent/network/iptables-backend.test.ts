/** Picking the iptables backend that holds Docker's chains. */
import assert from 'node:assert/strict';
import { BACKENDS, detectBackend, holdsDockerChains } from '../../../../agent/network/iptables-backend';
import type { CommandRunner } from '../../../../agent/network/command-runner';

const DOCKER_SAVE = '*filter\n:INPUT ACCEPT [0:0]\n:DOCKER - [0:0]\n:DOCKER-USER - [0:0]\nCOMMIT\n';

function runnerWith(outputs: Record<string, string | Error>): CommandRunner {
  return async (cmd) => {
    const out = outputs[cmd] ?? '';
    if (out instanceof Error) throw out;
    return { stdout: out, stderr: '', code: 0 };
  };
}

describe('iptables backend detection', () => {
  it('recognises Docker\'s chains in save output, not a mention in a comment', () => {
    assert.equal(holdsDockerChains(DOCKER_SAVE), true);
    assert.equal(holdsDockerChains('*filter\n-A INPUT -m comment --comment "DOCKER" -j ACCEPT\n'), false);
  });

  it('picks legacy when only the legacy tables hold Docker\'s chains', async () => {
    assert.equal(await detectBackend(runnerWith({ 'iptables-legacy-save': DOCKER_SAVE, 'iptables-nft-save': '*filter\n:INPUT ACCEPT [0:0]\n' })), BACKENDS.legacy);
  });

  it('picks nft when nft holds them, and the system default when nobody does', async () => {
    assert.equal(await detectBackend(runnerWith({ 'iptables-nft-save': DOCKER_SAVE })), BACKENDS.nft);
    assert.equal(await detectBackend(runnerWith({ 'iptables-legacy-save': new Error('ENOENT') })), BACKENDS.default);
  });
});
