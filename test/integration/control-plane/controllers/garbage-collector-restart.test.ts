/**
 * The garbage collector is level-triggered across a SIGKILL of the control plane: deletions
 * made while no control plane runs (foreground and background, through the registry's DELETE
 * on the same etcd) are finished by the next leader from what is stored, and once nothing is
 * left to collect, the cluster writes nothing to etcd.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Pod } from '../../../../api/core-v1';
import type { KubeObject } from '../../../../api/meta';
import { Registry } from '../../../../control-plane/registry/registry';
import type { KeySpace } from '../../../../control-plane/store/keys';
import { until } from '../../../../scripts/cluster/wait-until';
import { startControlPlaneProcess, type ControlPlaneProcess } from '../../../support/control-plane-process';
import { freePort, withEtcd } from '../../../support/etcd-fixture';

function aPod(name: string, owner?: KubeObject): Pod {
  const ownerReferences = owner ? [{ apiVersion: 'v1', kind: owner.kind ?? '', name: owner.metadata.name ?? '', uid: owner.metadata.uid ?? '', blockOwnerDeletion: true }] : undefined;
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', ownerReferences }, spec: { containers: [{ name: 'c', image: 'busybox:1.36' }] } };
}

describe('garbage collector across a SIGKILL of the control plane (real etcd, real process)', function () {
  this.timeout(90_000);
  const etcd = withEtcd();
  let dir: string;
  let keySpace: KeySpace;
  let registry: Registry;
  const processes: ControlPlaneProcess[] = [];

  async function startControlPlane(): Promise<ControlPlaneProcess> {
    const process = await startControlPlaneProcess({
      'data-dir': dir, 'etcd-endpoints': etcd.get().endpoint, 'etcd-prefix': keySpace.prefix, 'bind-address': '127.0.0.1',
      'secure-port': String(await freePort()), 'node-port': String(await freePort()), 'advertise-address': '127.0.0.1',
    });
    processes.push(process);
    await process.waitForLog(/is now the leader/, 30_000);
    return process;
  }

  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'pikube-gc-restart-'));
    keySpace = etcd.get().keySpace();
    registry = new Registry({ store: etcd.get().store(), keySpace });
  });

  after(async function () {
    this.timeout(30_000);
    await Promise.all(processes.map((p) => p.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  const find = (name: string): Promise<Pod | undefined> => registry.get<Pod>('pods', 'default', name).catch(() => undefined);
  const names = async (): Promise<string[]> => (await registry.list<Pod>('pods', { namespace: 'default' })).items.map((p) => p.metadata.name ?? '').sort();

  it('finishes, after a restart, the deletions made while it was down; then writes nothing', async () => {
    const first = await startControlPlane();
    const fg = await registry.create<Pod>('pods', 'default', aPod('fg-owner'));
    const bg = await registry.create<Pod>('pods', 'default', aPod('bg-owner'));
    for (const [name, owner] of [['fg-1', fg], ['fg-2', fg], ['bg-1', bg]] as const) await registry.create('pods', 'default', aPod(name, owner));
    await registry.create('pods', 'default', aPod('unrelated'));
    await first.kill('SIGKILL');

    const marked = await registry.delete('pods', 'default', 'fg-owner', { propagationPolicy: 'Foreground' });
    assert.deepEqual(marked.object.metadata.finalizers, ['foregroundDeletion']);
    await registry.delete('pods', 'default', 'bg-owner', { propagationPolicy: 'Background' });
    await sleep(200);
    assert.deepEqual(await names(), ['bg-1', 'fg-1', 'fg-2', 'fg-owner', 'unrelated'], 'nothing collects while no control plane runs');

    const second = await startControlPlane();
    await until(async () => (await names()).join() === 'unrelated' && (await names()), { timeoutMs: 30_000, describe: async () => `${(await names()).join()}; ${second.logs.slice(-8).join(' | ')}` });

    await sleep(1_000);
    const store = etcd.get().store();
    const before = await store.currentRevision();
    await sleep(3_000);
    assert.equal(await store.currentRevision(), before, 'an idle cluster writes nothing to etcd');
    assert.ok(await find('unrelated'));
  });
});
