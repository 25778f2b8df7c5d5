import assert from 'node:assert/strict';
import { ApiError } from '../../../../api/errors';
import { podLogOptionsFrom } from '../../../../control-plane/apiserver/pod-log-options';

const parse = (query: string): ReturnType<typeof podLogOptionsFrom> => podLogOptionsFrom(new URLSearchParams(query), 'web');

function rejects(query: string, code: string, message: RegExp): void {
  assert.throws(() => parse(query), (err: unknown) => err instanceof ApiError && err.code === code && message.test(err.message));
}

describe('PodLogOptions from the query', () => {
  it('reads what kubectl logs sends', () => {
    assert.deepEqual(parse('container=main&follow=true&previous=true&timestamps=true&tailLines=2&sinceSeconds=60&limitBytes=100'), {
      container: 'main', follow: true, previous: true, timestamps: true, tailLines: 2, sinceSeconds: 60, sinceUnixMs: undefined, limitBytes: 100,
    });
  });

  it('defaults to the whole current log of the only container', () => {
    assert.deepEqual(parse(''), {
      container: '', follow: false, previous: false, timestamps: false, tailLines: undefined, sinceSeconds: undefined, sinceUnixMs: undefined, limitBytes: undefined,
    });
  });

  it('reads sinceTime as RFC 3339', () => {
    assert.equal(parse('sinceTime=2024-05-01T10:00:00Z').sinceUnixMs, Date.UTC(2024, 4, 1, 10));
    assert.equal(parse('sinceTime=2024-05-01T12:00:00%2B02:00').sinceUnixMs, Date.UTC(2024, 4, 1, 10));
  });

  it('keeps tailLines=0 (no lines) apart from no tailLines (every line)', () => {
    assert.equal(parse('tailLines=0').tailLines, 0);
  });

  const cases: [string, string, RegExp][] = [
    ['tailLines=abc', 'BadRequest', /invalid tailLines parameter/],
    ['sinceTime=yesterday', 'BadRequest', /invalid sinceTime parameter/],
    ['tailLines=-1', 'Invalid', /^PodLogOptions "web" is invalid: tailLines: Invalid value: -1: must be greater than or equal to 0$/],
    ['limitBytes=0', 'Invalid', /limitBytes: Invalid value: 0: must be greater than 0/],
    ['sinceSeconds=0', 'Invalid', /sinceSeconds: Invalid value: 0: must be greater than 0/],
    ['sinceSeconds=5&sinceTime=2024-05-01T10:00:00Z', 'Invalid', /at most one of `sinceTime` or `sinceSeconds` may be specified/],
  ];
  for (const [query, code, message] of cases) {
    it(`refuses ${query} (${code})`, () => rejects(query, code, message));
  }
});
