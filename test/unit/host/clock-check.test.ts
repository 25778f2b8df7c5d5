import assert from 'node:assert/strict';
import { checkClock, isClockPlausible } from '../../../host/clock-check';
import { waitForPlausibleClock } from '../../../host/clock-wait';
import { fakeHostTree, type FakeHostTree } from '../../support/fake-host-tree';

const NOW = Date.UTC(2026, 11, 7, 12, 0, 0);
const BOOTED_WITHOUT_NTP = Date.UTC(1970, 0, 1, 0, 0, 42);

describe('clock preflight', () => {
  let tree: FakeHostTree;
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
    let now = BOOTED_WITHOUT_NTP;
    const logs: string[] = [];
    let polls = 0;
    const waiting = waitForPlausibleClock({ now: () => { if (++polls === 4) now = NOW; return now; }, signal: new AbortController().signal, log: (m) => logs.push(m), pollMs: 1 });
    await waiting;
    assert.equal(isClockPlausible(now), true);
    assert.equal(logs.length, 2);
    assert.match(logs[0], /waiting for it to be set before any TLS/);
  });

  it('stops waiting when aborted', async () => {
    const ac = new AbortController();
    const waiting = waitForPlausibleClock({ now: () => BOOTED_WITHOUT_NTP, signal: ac.signal, log: () => undefined, pollMs: 5 });
    ac.abort();
    await assert.rejects(waiting);
  });
});
