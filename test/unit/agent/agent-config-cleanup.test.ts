/** The agent's `--cleanup` flag (kube-proxy's): recognised alone or among the usual flags, which it then does not need. */
import assert from 'node:assert/strict';
import { parseAgentConfig, wantsCleanup } from '../../../agent/agent-config';

describe('agent command line: --cleanup', () => {
  it('asks for cleanup with --cleanup alone, without the flags a running agent needs', () => {
    assert.equal(wantsCleanup(['--cleanup']), true);
  });

  it('asks for cleanup when --cleanup comes among the flags of the systemd unit', () => {
    assert.equal(wantsCleanup(['--node-name', 'pi1', '--servers', '10.0.0.1:6443', '--cleanup', '--state-dir', '/var/lib/pikube-agent']), true);
  });

  it('runs the agent without --cleanup, or with a value that is not a flag', () => {
    assert.equal(wantsCleanup(['--node-name', 'pi1', '--servers', '10.0.0.1:6443']), false);
    assert.equal(wantsCleanup([]), false);
    assert.equal(wantsCleanup(['--cleanup=no']), false);
  });

  it('still requires the usual flags when the agent runs', () => {
    assert.throws(() => parseAgentConfig([]), /--node-name is required/);
  });
});
