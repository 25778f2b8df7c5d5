/**
 * Swap on a Pi: a container's memory limit then also lets it swap (Docker's default
 * --memory-swap is twice the limit), so an over-budget pod thrashes the SD card instead of
 * being OOM-killed, and the kubelet refuses to start with swap on for the same reason.
 */
import type { CheckResult } from './check-result';
import type { HostFiles } from './host-files';

/** Active swap areas of /proc/swaps: `[name, sizeKiB]`. */
export function activeSwaps(procSwaps: string): Array<[string, number]> {
  return procSwaps.split('\n').slice(1).map((l) => l.trim().split(/\s+/)).filter((c) => c.length >= 3).map((c) => [c[0], Number(c[2])]);
}

export function checkSwap(files: HostFiles): CheckResult {
  const swaps = activeSwaps(files.read('/proc/swaps') ?? '');
  if (swaps.length === 0) return { name: 'swap', status: 'pass', message: 'swap is off' };
  const list = swaps.map(([name, kib]) => `${name} (${Math.round(kib / 1024)} MiB)`).join(', ');
  return {
    name: 'swap', status: 'warn',
    message: `swap is on: ${list}; pods over their memory limit swap to the SD card instead of being OOM-killed`,
    fix: 'sudo swapoff -a, then disable what enables it at boot: sudo systemctl disable --now dphys-swapfile (Raspberry Pi OS bookworm) or rpi-zram / the swap line of /etc/fstab',
  };
}
