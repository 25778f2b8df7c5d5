/**
 * The kubelet's client certificate rotation (k8s.io/client-go/util/certificate, manager.go):
 * at a random moment between 70 % and 90 % of the node certificate's life, a new key and
 * certificate are requested with the current one (auto-approved through selfnodeclient),
 * stored under the state dir, and handed to the session; a failed attempt is retried a minute
 * later while the old certificate still serves. Only for nodes that joined (an API server known).
 */
import { X509Certificate } from 'node:crypto';
import type { Clock } from '../../base/clock';
import { storeCredentials } from './node-credentials';
import { renewNodeCertificate, type NodeCredentials } from './node-join';

const RETRY_MS = 60_000;
/** Timers overflow beyond 2^31 ms (24.8 days): a year is waited for a day at a time. */
const LONGEST_SLEEP_MS = 86400_000;

/** When to renew: notBefore + (0.7 + 0.2 × random) of the validity, as nextRotationDeadline. */
export function rotationDeadlineMs(certPem: string, random: number): number {
  const cert = new X509Certificate(certPem);
  const from = Date.parse(cert.validFrom);
  const to = Date.parse(cert.validTo);
  return from + (to - from) * (0.7 + 0.2 * random);
}

export interface RotationOptions {
  server: string;
  stateDir: string;
  nodeName: string;
  current: NodeCredentials;
  clock: Pick<Clock, 'now' | 'sleep'>;
  random: () => number;
  signal: AbortSignal;
  log(message: string): void;
  onRenewed(creds: NodeCredentials): void;
}

/** Runs until the signal aborts. */
export async function rotateNodeCertificate(options: RotationOptions): Promise<void> {
  let current = options.current;
  while (!options.signal.aborted) {
    const deadline = rotationDeadlineMs(current.certPem, options.random());
    options.log(`node certificate expires ${new X509Certificate(current.certPem).validTo}; renewing at ${new Date(deadline).toISOString()}`);
    while (!options.signal.aborted && options.clock.now() < deadline) {
      await options.clock.sleep(Math.min(LONGEST_SLEEP_MS, deadline - options.clock.now()), options.signal);
    }
    while (!options.signal.aborted) {
      try {
        current = await renewNodeCertificate({ server: options.server, nodeName: options.nodeName, current, signal: options.signal, log: options.log });
        storeCredentials(options.stateDir, current);
        options.onRenewed(current);
        options.log(`node certificate renewed, valid until ${new X509Certificate(current.certPem).validTo}`);
        break;
      } catch (err: unknown) {
        if (!options.signal.aborted) options.log(`node certificate not renewed: ${(err as Error).message}; trying again in ${RETRY_MS / 1000} s`);
        await options.clock.sleep(RETRY_MS, options.signal);
      }
    }
  }
}
