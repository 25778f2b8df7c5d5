import assert from 'node:assert/strict';
import { logText } from '../../../control-plane/log-text';

describe('logText', () => {
  const cases: [string, unknown, string][] = [
    ['leaves printable text alone', 'pod "web-1" (ü, 日本)', 'pod "web-1" (ü, 日本)'],
    ['escapes NUL and newlines, so no line can be forged', 'a\u0000b\nINFO forged\r', 'a\\u0000b\\u000aINFO forged\\u000d'],
    ['escapes terminal escapes and C1 controls', '\u001b[31mred\u009b', '\\u001b[31mred\\u009b'],
    ['escapes Unicode line separators', 'x\u2028y', 'x\\u2028y'],
    ['takes an Error\'s message', new Error('bad\nthing'), 'bad\\u000athing'],
    ['prints anything else', 42, '42'],
  ];
  for (const [title, input, expected] of cases) {
    it(title, () => assert.equal(logText(input), expected));
  }

  it('cuts long text and says how much was left out', () => {
    assert.equal(logText('abcdef', 3), 'abc… (3 more characters)');
  });
});
