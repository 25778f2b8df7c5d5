/**
 * How qemu runs the guest: KVM when this machine has hardware virtualization behind /dev/kvm,
 * else TCG (emulation, several times slower but always there). `/dev/kvm` alone is not enough:
 * a KVM served by kvm_pvm (the shadow-paging backend some cloud sandboxes nest with) opens and
 * creates VMs, but runs a stock Debian kernel so slowly that it is still decompressing itself
 * minutes later; only kvm_intel or kvm_amd count as hardware.
 */
import { closeSync, constants, existsSync, openSync } from 'node:fs';
import type { AccelChoice } from './vm-options';

export interface Accel {
  kind: 'kvm' | 'tcg';
  /** qemu's -accel and -cpu values. */
  accelArg: string;
  cpu: string;
  /** Why this one, for the run's log. */
  reason: string;
}

const KVM: Omit<Accel, 'reason'> = { kind: 'kvm', accelArg: 'kvm', cpu: 'host' };
const TCG: Omit<Accel, 'reason'> = { kind: 'tcg', accelArg: 'tcg,thread=multi', cpu: 'max' };

function kvmOpens(): boolean {
  try {
    closeSync(openSync('/dev/kvm', constants.O_RDWR));
    return true;
  } catch {
    return false;
  }
}

/** Why KVM cannot be used here, or undefined when it can. */
export function kvmUnusable(exists: (p: string) => boolean = existsSync, opens: () => boolean = kvmOpens): string | undefined {
  if (!opens()) return '/dev/kvm cannot be opened read-write';
  if (exists('/sys/module/kvm_intel') || exists('/sys/module/kvm_amd')) return undefined;
  if (exists('/sys/module/kvm_pvm')) return '/dev/kvm is served by kvm_pvm, not by hardware virtualization: a stock kernel crawls there';
  return 'neither kvm_intel nor kvm_amd is loaded';
}

export function chooseAccel(choice: AccelChoice, unusable: () => string | undefined = kvmUnusable): Accel {
  if (choice === 'tcg') return { ...TCG, reason: 'asked for with --accel tcg' };
  if (choice === 'kvm') return { ...KVM, reason: 'asked for with --accel kvm' };
  const why = unusable();
  return why === undefined ? { ...KVM, reason: 'hardware virtualization available' } : { ...TCG, reason: why };
}
