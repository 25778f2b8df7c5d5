/**
 * The earliest instant the clock can truly show, and why: no pikube release runs before
 * EARLIEST_PLAUSIBLE_TIME_MS, and no certificate this machine holds (the cluster CA, its own
 * node certificate) was issued in the future. A Pi without a clock battery boots in 1970, or at
 * the date fake-hwclock saved at its last shutdown — which may be after 2025 yet before the CA
 * was made: only the certificates' notBefore catches that, before TLS fails with "certificate
 * is not yet valid".
 */
import { X509Certificate } from 'node:crypto';
import { EARLIEST_PLAUSIBLE_TIME_MS } from './clock-check';

export interface ClockFloor {
  ms: number;
  /** What sets it: `no pikube release runs before it`, `the notBefore of /var/lib/pikube/pki/ca.crt`. */
  reason: string;
}

export const RELEASE_FLOOR: ClockFloor = { ms: EARLIEST_PLAUSIBLE_TIME_MS, reason: 'no pikube release runs before it' };

/** The latest of the release floor and each certificate's notBefore; unreadable certificates are passed over (TLS will say why). */
export function clockFloor(certificates: readonly { name: string; pem: string }[]): ClockFloor {
  let floor = RELEASE_FLOOR;
  for (const { name, pem } of certificates) {
    const notBefore = notBeforeOf(pem);
    if (notBefore !== undefined && notBefore > floor.ms) floor = { ms: notBefore, reason: `the notBefore of ${name}` };
  }
  return floor;
}

function notBeforeOf(pem: string): number | undefined {
  try {
    const ms = Date.parse(new X509Certificate(pem).validFrom);
    return Number.isFinite(ms) ? ms : undefined;
  } catch {
    return undefined;
  }
}
