import assert from 'node:assert/strict';
import { HostPorts } from '../../../../agent/network/host-ports';
import type { HostPortMapping } from '../../../../agent/network/host-port-model';
import { HostPortsHook } from '../../../../agent/pods/host-ports-hook';
import { aPod } from '../pods/pod-builder';

const mapping = (podIP: string): HostPortMapping => ({ pod: 'default/web', podIP, hostPort: 8080, containerPort: 80, protocol: 'TCP', hostIP: '' });

describe('the node\'s host ports', () => {
  it('tells of a change only when the set really changed', () => {
    let changes = 0;
    const ports = new HostPorts(() => changes++);
    ports.set('u1', [mapping('10.42.1.5')]);
    ports.set('u1', [mapping('10.42.1.5')]);
    ports.set('u2', []);
    assert.equal(changes, 1);
    ports.set('u1', [mapping('10.42.1.6')]);
    assert.deepEqual(ports.mappings(), [mapping('10.42.1.6')]);
    ports.forget('u1');
    ports.forget('u1');
    assert.equal(changes, 3);
    assert.deepEqual(ports.mappings(), []);
  });

  it('is seeded once, from the first desired set\'s reported addresses', () => {
    let changes = 0;
    const ports = new HostPorts(() => changes++);
    const pod = aPod('web', 'u1').withContainer({ name: 'a', ports: [{ containerPort: 80, hostPort: 8080, protocol: 'TCP' }] }).build();
    const unplaced = aPod('new', 'u2').withContainer({ name: 'a', ports: [{ containerPort: 80, hostPort: 8081, protocol: 'TCP' }] }).build();
    assert.equal(ports.seeded, false);
    ports.seed([{ ...pod, status: { podIP: '10.42.1.5' } }, unplaced]);
    assert.equal(ports.seeded, true);
    assert.deepEqual(ports.mappings(), [mapping('10.42.1.5')]);
    ports.seed([{ ...pod, status: { podIP: '10.42.1.9' } }]);
    assert.deepEqual(ports.mappings(), [mapping('10.42.1.5')], 'later sets are the workers\' to follow');
    assert.equal(changes, 1);
  });

  it('follows a pod through its hook: published once it has an address, removed at tear-down', async () => {
    const ports = new HostPorts(() => undefined);
    const hook = new HostPortsHook(ports);
    const pod = aPod('web', 'u1').withContainer({ name: 'a', ports: [{ containerPort: 80, hostPort: 8080, protocol: 'TCP' }] }).build();
    hook.synced(pod, [], undefined);
    assert.deepEqual(ports.mappings(), []);
    hook.synced(pod, [], '10.42.1.5');
    assert.deepEqual(ports.mappings(), [mapping('10.42.1.5')]);
    await hook.tearDown('u1');
    assert.deepEqual(ports.mappings(), []);
  });
});
