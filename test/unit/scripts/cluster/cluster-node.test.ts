import assert from 'node:assert/strict';
import { agentArgs, nodeLayout, type AgentOptions } from '../../../../scripts/cluster/cluster-node';

const node = nodeLayout({ clusterId: 'abc123', subnet: '10.210.1', dataDir: '/tmp/d', registryDir: '/run/r', name: 'pi1', index: 1, cgroupDriver: 'cgroupfs' });
const opts: AgentOptions = { agentJs: '/dist/agent/main.js', servers: ['10.210.1.1:6444'], logDir: '/tmp/logs' };

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i < 0 ? undefined : args[i + 1];
}

describe('simulated node agent arguments', () => {
  it('checks rules for drift every 2 s unless told otherwise, so that tests see repairs quickly', () => {
    assert.equal(flag(agentArgs(node, opts), '--iptables-sync-period'), '2s');
  });

  it('passes the sync period it is given', () => {
    assert.equal(flag(agentArgs(node, { ...opts, iptablesSyncPeriod: '30s' }), '--iptables-sync-period'), '30s');
  });

  it('runs the agent in the node namespace with its name and address', () => {
    const args = agentArgs(node, opts);
    assert.equal(args[0], '--net=/var/run/netns/' + node.netns);
    assert.equal(flag(args, '--node-name'), 'pi1');
    assert.equal(flag(args, '--node-ip'), '10.210.1.11');
  });

  it('runs node with the flags it is given, before the agent script (as the systemd unit does)', () => {
    const args = agentArgs(node, { ...opts, nodeFlags: ['--max-old-space-size=48', '--max-semi-space-size=1'] });
    assert.deepEqual(args.slice(1, 5), [process.execPath, '--max-old-space-size=48', '--max-semi-space-size=1', opts.agentJs]);
    assert.deepEqual(agentArgs(node, opts).slice(1, 3), [process.execPath, opts.agentJs]);
  });
});
