import assert from 'node:assert/strict';
import { ATTACH_SCRIPT, hostInterfaceOf, hostSideBatch, macOf, sandboxSideBatch, showsAddress, VethSandboxes } from '../../../../agent/network/veth-sandboxes';
import { parseCidr } from '../../../../agent/network/ipv4-cidr';
import type { CommandOutput } from '../../../../agent/network/command-runner';
import { FakeCommandRunner } from './fake-command-runner';

const ID = '0123456789abcdef0123456789abcdef';

describe('veth sandboxes', () => {
  it('names the host end after the sandbox, within the 15 characters Linux allows', () => {
    assert.equal(hostInterfaceOf(ID), 'pk0123456789ab');
    assert.ok(hostInterfaceOf(ID).length <= 15);
  });

  it('refuses a container id that is not a Docker id (it reaches an ip command)', () => {
    assert.throws(() => hostInterfaceOf('abc; reboot'), /not a Docker id/);
  });

  it('puts the host end on the bridge with hairpin on, and the pod end in the sandbox as eth0', () => {
    assert.equal(hostSideBatch('pikube0', 'pk0123', 4242), [
      'link add pk0123 type veth peer name eth0 netns 4242', 'link set pk0123 master pikube0',
      'link set pk0123 type bridge_slave hairpin on', 'link set pk0123 up'].join('\n'));
    assert.equal(sandboxSideBatch('10.42.1.7', 24, '10.42.1.1'),
      ['link set lo up', 'link set eth0 address 02:42:0a:2a:01:07', 'addr add 10.42.1.7/24 dev eth0', 'link set eth0 up', 'route add default via 10.42.1.1'].join('\n'));
  });

  it('derives the pod\'s MAC from its address, so a reused address keeps its MAC in the neighbours\' caches', () => {
    assert.equal(macOf('10.42.1.7'), '02:42:0a:2a:01:07');
    assert.equal(macOf('10.42.255.254'), '02:42:0a:2a:ff:fe');
  });

  it('runs the host side in the node, then the sandbox side in the sandbox\'s network namespace', async () => {
    const runner = new FakeCommandRunner();
    const cidr = parseCidr('10.42.1.0/24');
    const veth = new VethSandboxes(runner.run, () => cidr && { bridge: 'pikube0', cidr, gateway: '10.42.1.1' });
    await veth.attach(ID, 4242, '10.42.1.7');
    assert.equal(runner.calls.length, 1);
    const [call] = runner.calls;
    assert.deepEqual([call.cmd, ...call.args.slice(0, 3)], ['sh', '-c', ATTACH_SCRIPT, 'sh']);
    const [hostBatch, sandboxBatch, netns] = call.args.slice(3);
    assert.match(hostBatch ?? '', /^link add pk0123456789ab type veth peer name eth0 netns 4242\n/);
    assert.match(sandboxBatch ?? '', /addr add 10\.42\.1\.7\/24 dev eth0/);
    assert.equal(netns, '/proc/4242/ns/net');
  });

  it('attaches nothing while the pod network is not ready, or without a process', async () => {
    const runner = new FakeCommandRunner();
    await assert.rejects(new VethSandboxes(runner.run, () => undefined).attach(ID, 4242, '10.42.1.7'), /pod network not ready/);
    const cidr = parseCidr('10.42.1.0/24');
    await assert.rejects(new VethSandboxes(runner.run, () => cidr && { bridge: 'pikube0', cidr, gateway: '10.42.1.1' }).attach(ID, 0, '10.42.1.7'), /has no process/);
    assert.equal(runner.calls.length, 0);
  });

  it('finds the pod\'s address on eth0 in `ip -o -4 addr` output, and only that address', () => {
    const out = '2: eth0    inet 10.42.1.7/24 scope global eth0\\       valid_lft forever preferred_lft forever\n';
    assert.equal(showsAddress(out, '10.42.1.7'), true);
    assert.equal(showsAddress(out, '10.42.1.70'), false);
    assert.equal(showsAddress('', '10.42.1.7'), false);
  });

  it('tells an attached sandbox from one without eth0, and fails when the namespace cannot be read', async () => {
    const answering = (answer: CommandOutput) => new VethSandboxes(async () => answer, () => undefined);
    assert.equal(await answering({ stdout: '2: eth0    inet 10.42.1.7/24 scope global eth0\n', stderr: '', code: 0 }).isAttached(4242, '10.42.1.7'), true);
    assert.equal(await answering({ stdout: '', stderr: '', code: 0 }).isAttached(4242, '10.42.1.7'), false, 'eth0 there but not up or without the address');
    assert.equal(await answering({ stdout: '', stderr: 'Device "eth0" does not exist.', code: 1 }).isAttached(4242, '10.42.1.7'), false);
    await assert.rejects(answering({ stdout: '', stderr: 'nsenter: cannot open /proc/4242/ns/net: No such file or directory', code: 1 }).isAttached(4242, '10.42.1.7'), /reading the sandbox's interfaces \(pid 4242\)/);
  });
});
