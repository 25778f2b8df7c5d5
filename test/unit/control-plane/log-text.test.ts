import assert from 'node:assert/strict';
import { escapeForLog, logText } from '../../../control-plane/log-text';

describe('escapeForLog', () => {
  const cases: Array<[string, string, string]> = [
    ['plain text and UTF-8 stay as they are', 'GET /api/v1/namespaces/café/pods (日本)', 'GET /api/v1/namespaces/café/pods (日本)'],
    ['a NUL becomes \\u0000', 'a\u0000b', 'a\\u0000b'],
    ['a newline cannot start a forged line', 'x\napiserver: GET / 200', 'x\\napiserver: GET / 200'],
    ['carriage return, tab, escape and DEL are escaped', '\r\t\u001b[31m\u007f', '\\r\\t\\u001b[31m\\u007f'],
    ['C1 controls and Unicode line separators are escaped', '\u0085\u009b\u2028\u2029', '\\u0085\\u009b\\u2028\\u2029'],
    ['a backslash is doubled, so an escape in the input is not taken for one made here', 'a\\u0000', 'a\\\\u0000'],
  ];
  for (const [behaviour, input, expected] of cases) {
    it(behaviour, () => assert.equal(escapeForLog(input), expected));
  }

  it('leaves no control character in any string', () => {
    let all = '';
    for (let c = 0; c < 0x3000; c++) all += String.fromCharCode(c);
    assert.doesNotMatch(escapeForLog(all), /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
  });
});

describe('logText', () => {
  it('escapes an Error\'s message and prints anything else', () => {
    assert.equal(logText(new Error('bad\nthing')), 'bad\\nthing');
    assert.equal(logText(42), '42');
  });

  it('cuts long text and says how much was left out', () => {
    assert.equal(logText('abcdef', 3), 'abc… (3 more characters)');
  });
});
