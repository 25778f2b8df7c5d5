import assert from 'node:assert/strict';
import { checkClock, isClockPlausible } from '../../../host/clock-check';
import { waitForPlausibleClock } from '../../../host/clock-wait';
import { clockFloor, RELEASE_FLOOR } from '../../../host/clock-floor';
import { createCertificateAuthority, type KeyPair } from '../../../control-plane/auth/pki';
import type { Clock } from '../../../base/clock';
import { fakeHostTree, type FakeHostTree } from '../../support/fake-host-tree';

const NOW = Date.UTC(2026, 11, 7, 12, 0, 0);
const BOOTED_WITHOUT_NTP = Date.UTC(1970, 0, 1, 0, 0, 42);

/**
 * A wall clock NTP sets: it reads `at` until `setAfterSleeps` sleeps have passed, then `setTo`
 * (setting the clock is a jump, not the passage of time). Counts its sleeps.
 */
function clockSetByNtp(at: number, setTo: number, setAfterSleeps: number): Pick<Clock, 'now' | 'sleep'> & { sleeps: number } {
  let now = at;
  const clock = {
    sleeps: 0,
    now: () => now,
    sleep: async (): Promise<void> => {
      clock.sleeps++;
      if (clock.sleeps === setAfterSleeps) now = setTo;
    },
  };
  return clock;
}

describe('clock preflight', () => {
  let tree: FakeHostTree;
  let ca: KeyPair;
  before(function () {
    this.timeout(60_000);
    ca = createCertificateAuthority();
  });
  beforeEach(() => { tree = fakeHostTree(); });
  afterEach(() => tree.remove());

  it('passes once systemd-timesyncd has marked the clock synchronised', () => {
    tree.write({ '/run/systemd/timesync/synchronized': '' });
    assert.equal(checkClock(tree.files, NOW).status, 'pass');
  });

  it('warns when no time daemon has said the clock is synchronised', () => {
    const r = checkClock(tree.files, NOW);
    assert.equal(r.status, 'warn');
    assert.match(r.fix ?? '', /timedatectl set-ntp true/);
  });

  it('fails on a Pi that booted without network time (1970), even with a stale marker', () => {
    tree.write({ '/run/systemd/timesync/synchronized': '' });
    const r = checkClock(tree.files, BOOTED_WITHOUT_NTP);
    assert.equal(r.status, 'fail');
    assert.match(r.message, /1970-01-01T00:00:42.000Z.*no TLS until it is/);
  });

  it('waits for the clock to be set before going on, logging once each way', async () => {
    const clock = clockSetByNtp(BOOTED_WITHOUT_NTP, NOW, 5);
    const logs: string[] = [];
    await waitForPlausibleClock({ clock, signal: new AbortController().signal, log: (m) => logs.push(m) });
    assert.equal(clock.sleeps, 5, 'no TLS while it said 1970');
    assert.deepEqual(logs, [
      'clock not synchronised: it says 1970-01-01T00:00:42.000Z, before 2025-01-01T00:00:00.000Z (no pikube release runs before it); waiting for time sync before any TLS',
      'clock synchronised (2026-12-07T12:00:00.000Z): going on',
    ]);
  });

  it('waits when a fake-hwclock date is past 2025 but before the CA certificate was issued', async () => {
    // The CA (notBefore: an hour before the real now) is made once, in before(): RSA in pure JS is slow on a loaded machine.
    const floor = clockFloor([{ name: '/var/lib/pikube-agent/pki/ca.crt', pem: ca.certPem }]);
    assert.equal(floor.reason, 'the notBefore of /var/lib/pikube-agent/pki/ca.crt');
    const savedAtShutdown = floor.ms - 30 * 24 * 3600_000;
    assert.ok(isClockPlausible(savedAtShutdown), 'the release floor alone would let it through');
    const clock = clockSetByNtp(savedAtShutdown, floor.ms + 3600_000, 3);
    const logs: string[] = [];
    await waitForPlausibleClock({ clock, floor, signal: new AbortController().signal, log: (m) => logs.push(m) });
    assert.equal(clock.sleeps, 3);
    assert.match(logs[0], /^clock not synchronised: it says .*, before .* \(the notBefore of \/var\/lib\/pikube-agent\/pki\/ca\.crt\); waiting for time sync before any TLS$/);
    assert.equal(logs.length, 2);
  });

  it('takes the latest notBefore of the certificates held, and passes over unreadable ones', () => {
    const older = ca;
    assert.deepEqual(clockFloor([]), RELEASE_FLOOR);
    assert.deepEqual(clockFloor([{ name: 'junk', pem: 'not a certificate' }]), RELEASE_FLOOR);
    assert.ok(clockFloor([{ name: 'ca', pem: older.certPem }]).ms > RELEASE_FLOOR.ms);
  });

  it('goes on at once, silently, when the clock is already set', async () => {
    const logs: string[] = [];
    await waitForPlausibleClock({ clock: clockSetByNtp(NOW, NOW, 0), signal: new AbortController().signal, log: (m) => logs.push(m) });
    assert.deepEqual(logs, []);
  });

  it('stops waiting when aborted', async () => {
    const ac = new AbortController();
    const waiting = waitForPlausibleClock({ clock: clockSetByNtp(BOOTED_WITHOUT_NTP, NOW, 1_000_000), signal: ac.signal, log: () => undefined, pollMs: 5 });
    ac.abort();
    await assert.rejects(waiting);
  });
});
