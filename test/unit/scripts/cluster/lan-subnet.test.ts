import assert from 'node:assert/strict';
import { overlaps, parsePrefix } from '../../../../scripts/cluster/lan-subnet';

function prefix(text: string) {
  const p = parsePrefix(text);
  assert.ok(p, `parses ${text}`);
  return p;
}

describe('LAN subnet choice', () => {
  const cases: [string, string, boolean][] = [
    ['10.210.1.0/24', '10.210.1.0/24', true],
    ['10.210.1.0/24', '10.210.2.0/24', false],
    ['10.0.0.0/8', '10.210.1.0/24', true],
    ['10.210.1.0/24', '10.210.1.77', true],
    ['192.168.1.0/24', '10.210.1.0/24', false],
    ['10.210.0.0/23', '10.210.1.0/24', true],
    ['10.210.2.0/23', '10.210.1.0/24', false],
    ['0.0.0.0/0', '10.210.1.0/24', true],
  ];
  for (const [a, b, expected] of cases) {
    it(`${expected ? 'sees' : 'does not see'} ${a} overlapping ${b}`, () => {
      assert.equal(overlaps(prefix(a), prefix(b)), expected);
      assert.equal(overlaps(prefix(b), prefix(a)), expected);
    });
  }

  it('rejects what is not an IPv4 prefix', () => {
    for (const text of ['default', '10.210.1', '10.210.1.256/24', '10.1.2.3/33', 'fe80::1/64', '']) assert.equal(parsePrefix(text), undefined, text);
  });
});
