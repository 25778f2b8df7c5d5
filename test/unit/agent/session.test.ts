import assert from 'node:assert/strict';
import type { Node, Pod } from '../../../api/core-v1';
import { AgentSession, type SessionClock } from '../../../agent/session';
import { createCertificateAuthority, issueCertificate } from '../../../control-plane/auth/pki';
import { until } from '../../../scripts/cluster/wait-until';

const WELCOME_TIMEOUT_MS = 7777;

/** Backoff sleeps return at once (and are recorded); the Welcome timer waits for its attempt to end. */
function fakeClock(): SessionClock & { sleeps: number[] } {
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => 0,
    sleep(ms, signal) {
      if (ms !== WELCOME_TIMEOUT_MS) {
        sleeps.push(ms);
        return Promise.resolve();
      }
      return new Promise((resolve) => (!signal || signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
    },
  };
}

describe('AgentSession without a reachable control plane', function () {
  this.timeout(10_000);
  const ca = createCertificateAuthority();
  const cert = issueCertificate(ca, { commonName: 'system:node:pi-1', organizations: ['system:nodes'], usages: ['clientAuth'] });
  const node: Node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'pi-1' }, spec: {} };

  it('tries each address in turn with growing delays, and never touches the desired set', async () => {
    const clock = fakeClock();
    const logs: string[] = [];
    const sets: Pod[][] = [];
    const session = new AgentSession({
      nodeName: 'pi-1',
      // Nothing listens on these loopback ports: each dial is refused at once.
      servers: ['127.0.0.1:1', '127.0.0.1:2'],
      tls: { caCertPem: ca.certPem, certPem: cert.certPem, keyPem: cert.keyPem },
      nodeStatus: () => node,
      runningPodUids: () => [],
      sink: { setDesired: (pods) => void sets.push(pods) },
      backoff: { initialDelayMs: 100, maxDelayMs: 400, jitter: 0 },
      welcomeTimeoutMs: WELCOME_TIMEOUT_MS,
      clock,
      log: (m) => void logs.push(m),
    });
    session.start();
    try {
      await until(() => clock.sleeps.length >= 4, { timeoutMs: 8000, describe: () => logs.join('\n') });
    } finally {
      await session.dispose();
    }
    assert.deepEqual(clock.sleeps.slice(0, 4), [100, 200, 400, 400]);
    assert.match(logs[0], /^session with 127\.0\.0\.1:1 ended \(UNAVAILABLE: .*attempt 1 failed\); dialing 127\.0\.0\.1:2 in 100 ms$/);
    assert.match(logs[1], /^session with 127\.0\.0\.1:2 ended .*; dialing 127\.0\.0\.1:1 in 200 ms$/);
    assert.equal(session.connected, false);
    assert.deepEqual(sets, []);
  });

  it('stops at once when its signal aborts', async () => {
    const stop = new AbortController();
    const session = new AgentSession({
      nodeName: 'pi-1', servers: ['127.0.0.1:1'], tls: { caCertPem: ca.certPem, certPem: cert.certPem, keyPem: cert.keyPem },
      nodeStatus: () => node, runningPodUids: () => [], sink: { setDesired: () => undefined }, signal: stop.signal,
    });
    session.start();
    stop.abort();
    await session.dispose();
    assert.equal(session.connected, false);
  });
});
