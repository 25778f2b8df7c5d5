/**
 * A Pi has no clock battery: until NTP answers after boot its clock says 1970 (or the last
 * time fake-hwclock saved). TLS against such a clock fails in ways that look like a broken CA,
 * so an obviously unset clock is a `fail` (the processes wait for it instead of connecting),
 * and a clock not known to be synchronised is a `warn`.
 */
import type { CheckResult } from './check-result';
import type { HostFiles } from './host-files';

/** No pikube release can run before this instant: an earlier clock is unset. */
export const EARLIEST_PLAUSIBLE_TIME_MS = Date.UTC(2025, 0, 1);

/** Markers a time daemon leaves once synchronised: systemd-timesyncd's. */
export const SYNC_MARKERS = ['/run/systemd/timesync/synchronized'];

export function isClockPlausible(nowMs: number): boolean {
  return nowMs >= EARLIEST_PLAUSIBLE_TIME_MS;
}

export function checkClock(files: HostFiles, nowMs: number): CheckResult {
  const now = new Date(nowMs).toISOString();
  if (!isClockPlausible(nowMs)) {
    return {
      name: 'clock', status: 'fail',
      message: `the clock says ${now}, before ${new Date(EARLIEST_PLAUSIBLE_TIME_MS).toISOString()}: it was never set; no TLS until it is`,
      fix: 'let systemd-timesyncd reach an NTP server (sudo timedatectl set-ntp true; check: timedatectl status), or set it by hand: sudo date -s "YYYY-MM-DD HH:MM:SS"',
    };
  }
  if (SYNC_MARKERS.some((m) => files.exists(m))) return { name: 'clock', status: 'pass', message: `the clock is synchronised (${now})` };
  return {
    name: 'clock', status: 'warn',
    message: `the clock (${now}) is not known to be synchronised (no ${SYNC_MARKERS.join(' or ')}); certificates and leases depend on it`,
    fix: 'sudo timedatectl set-ntp true (systemd-timesyncd); check with: timedatectl status',
  };
}
