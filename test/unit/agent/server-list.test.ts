import assert from 'node:assert/strict';
import { ServerList, isServerAddress } from '../../../agent/server-list';

describe('ServerList', () => {
  it('dials the configured servers first, then those a Welcome named, wrapping around', () => {
    const list = new ServerList(['10.0.0.1:6444']);
    list.learn(['10.0.0.1:6444', '10.0.0.2:6444', '10.0.0.3:6444']);
    assert.deepEqual([0, 1, 2, 3].map((i) => list.at(i)), ['10.0.0.1:6444', '10.0.0.2:6444', '10.0.0.3:6444', '10.0.0.1:6444']);
    assert.equal(list.size, 3);
  });

  it('replaces what it learned with the latest Welcome, and keeps it when a Welcome names none', () => {
    const list = new ServerList(['a:1']);
    list.learn(['b:1', 'c:1']);
    list.learn(['c:1']);
    assert.deepEqual(list.all(), ['a:1', 'c:1']);
    list.learn([]);
    assert.deepEqual(list.all(), ['a:1', 'c:1']);
  });

  it('refuses malformed addresses and bounds what it learns', () => {
    const list = new ServerList(['a:1']);
    const refused = list.learn(['b:1', 'x y:1', 'c:99999', '--flag:1x', ...Array.from({ length: 40 }, (_, i) => `n${i}:1`)]);
    assert.deepEqual(refused, ['x y:1', 'c:99999', '--flag:1x']);
    assert.equal(list.size, 17);
  });

  const cases: [string, boolean][] = [['10.0.0.1:6444', true], ['pi1.local:6444', true], ['[fe80::1]:6444', true], ['10.0.0.1', false], ['a:70000', false], ['a b:1', false]];
  for (const [address, ok] of cases) it(`${ok ? 'accepts' : 'refuses'} "${address}"`, () => assert.equal(isServerAddress(address), ok));

  it('needs at least one configured address', () => {
    assert.throws(() => new ServerList([]), /at least one/);
  });
});
