import assert from 'node:assert/strict';
import { chooseAccel, kvmUnusable } from '../../../../scripts/vm/vm-accel';

const modules = (...loaded: string[]) => (p: string): boolean => loaded.some((m) => p === `/sys/module/${m}`);

describe('VM accelerator choice', () => {
  it('uses KVM only behind hardware virtualization', () => {
    assert.equal(kvmUnusable(modules('kvm', 'kvm_intel'), () => true), undefined);
    assert.equal(kvmUnusable(modules('kvm', 'kvm_amd'), () => true), undefined);
    assert.match(kvmUnusable(modules('kvm', 'kvm_pvm'), () => true) ?? '', /kvm_pvm/);
    assert.match(kvmUnusable(modules('kvm_amd'), () => false) ?? '', /cannot be opened/);
  });

  it('falls back to TCG with the reason, unless told otherwise', () => {
    assert.deepEqual(chooseAccel('auto', () => 'no kvm'), { kind: 'tcg', accelArg: 'tcg,thread=multi', cpu: 'max', reason: 'no kvm' });
    assert.equal(chooseAccel('auto', () => undefined).kind, 'kvm');
    assert.equal(chooseAccel('kvm', () => 'no kvm').kind, 'kvm');
    assert.equal(chooseAccel('tcg', () => undefined).kind, 'tcg');
  });
});
