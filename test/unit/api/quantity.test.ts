import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseQuantity, Quantity, QuantityFormatError, QUANTITY_FORMAT_MESSAGE, tryParseQuantity } from '../../../api/quantity';

describe('parseQuantity', () => {
  // [input, value in nanos, format, canonical form, serialized form] — canonical forms from apimachinery.
  const cases: [string, bigint, string, string, string][] = [
    ['0', 0n, 'DecimalSI', '0', '0'],
    ['0Mi', 0n, 'BinarySI', '0', '0'],
    ['1', 10n ** 9n, 'DecimalSI', '1', '1'],
    ['0.5', 5n * 10n ** 8n, 'DecimalSI', '500m', '500m'],
    ['100m', 10n ** 8n, 'DecimalSI', '100m', '100m'],
    ['1000m', 10n ** 9n, 'DecimalSI', '1', '1'],
    ['1.5', 15n * 10n ** 8n, 'DecimalSI', '1500m', '1500m'],
    ['5n', 5n, 'DecimalSI', '5n', '5n'],
    ['4u', 4000n, 'DecimalSI', '4u', '4u'],
    ['50k', 5n * 10n ** 13n, 'DecimalSI', '50k', '50k'],
    ['8.1k', 81n * 10n ** 11n, 'DecimalSI', '8100', '8100'],
    ['7M', 7n * 10n ** 15n, 'DecimalSI', '7M', '7M'],
    ['6G', 6n * 10n ** 18n, 'DecimalSI', '6G', '6G'],
    ['5T', 5n * 10n ** 21n, 'DecimalSI', '5T', '5T'],
    ['2P', 2n * 10n ** 24n, 'DecimalSI', '2P', '2P'],
    ['1E', 10n ** 27n, 'DecimalSI', '1E', '1E'],
    ['1Ki', 1024n * 10n ** 9n, 'BinarySI', '1Ki', '1Ki'],
    ['1024Mi', 2n ** 30n * 10n ** 9n, 'BinarySI', '1Gi', '1Gi'],
    ['1.5Gi', 1536n * 2n ** 20n * 10n ** 9n, 'BinarySI', '1536Mi', '1536Mi'],
    ['0.5Mi', 512n * 1024n * 10n ** 9n, 'BinarySI', '512Ki', '512Ki'],
    ['3Ei', 3n * 2n ** 60n * 10n ** 9n, 'BinarySI', '3Ei', '3Ei'],
    ['100.035Ki', 102435840n * 10n ** 6n, 'BinarySI', '102435840m', '102435840m'],
    ['1e3', 10n ** 12n, 'DecimalExponent', '1e3', '1e3'],
    ['1E3', 10n ** 12n, 'DecimalExponent', '1e3', '1E3'],
    ['1e4', 10n ** 13n, 'DecimalExponent', '10e3', '10e3'],
    ['1.3E+6', 13n * 10n ** 14n, 'DecimalExponent', '1300e3', '1300e3'],
    ['1E-3', 10n ** 6n, 'DecimalExponent', '1e-3', '1E-3'],
    ['0.5e-9', 1n, 'DecimalExponent', '1e-9', '1e-9'],
    ['-1.5', -15n * 10n ** 8n, 'DecimalSI', '-1500m', '-1500m'],
    ['+1', 10n ** 9n, 'DecimalSI', '1', '+1'],
    ['01', 10n ** 9n, 'DecimalSI', '1', '01'],
    ['.001', 10n ** 6n, 'DecimalSI', '1m', '1m'],
    ['1.', 10n ** 9n, 'DecimalSI', '1', '1.'],
    ['0.1n', 1n, 'DecimalSI', '1n', '1n'],
    ['3.001n', 4n, 'DecimalSI', '4n', '4n'],
    ['0.000000000001Ki', 2n, 'DecimalSI', '2n', '2n'],
    ['9Ei', (2n ** 63n - 1n) * 10n ** 9n, 'BinarySI', '9223372036854775807', '9223372036854775807'],
  ];
  for (const [input, nanos, format, canonical, serialized] of cases) {
    it(`reads "${input}" as ${canonical} (${format})`, () => {
      const q = parseQuantity(input);
      assert.equal(q.nanos, nanos);
      assert.equal(q.format, format);
      assert.equal(q.canonical(), canonical);
      assert.equal(q.toString(), serialized);
    });
  }

  const invalid: [string, string][] = [
    ['', QUANTITY_FORMAT_MESSAGE],
    ['12XB', QUANTITY_FORMAT_MESSAGE],
    ['1.2.3', QUANTITY_FORMAT_MESSAGE],
    ['Mi', QUANTITY_FORMAT_MESSAGE],
    ['1.1.M', QUANTITY_FORMAT_MESSAGE],
    ['1+1.0M', QUANTITY_FORMAT_MESSAGE],
    ['0.1am', QUANTITY_FORMAT_MESSAGE],
    ['aoeu', QUANTITY_FORMAT_MESSAGE],
    [' 1', QUANTITY_FORMAT_MESSAGE],
    ['1 ', QUANTITY_FORMAT_MESSAGE],
    ['0.1mi', "unable to parse quantity's suffix"],
    ['.5i', "unable to parse quantity's suffix"],
    ['1i', "unable to parse quantity's suffix"],
    ['-3.01e-', "unable to parse quantity's suffix"],
    ['1e', "unable to parse quantity's suffix"],
    ['.', 'unable to parse numeric part of quantity'],
  ];
  for (const [input, message] of invalid) {
    it(`rejects "${input}": ${message}`, () => {
      assert.throws(() => parseQuantity(input), (err: unknown) => err instanceof QuantityFormatError && err.message === message);
    });
  }

  it('returns the error instead of throwing from tryParseQuantity', () => {
    assert.ok(tryParseQuantity('12XB') instanceof QuantityFormatError);
  });
});

describe('Quantity arithmetic', () => {
  it('rounds value() and milliValue() up, away from zero', () => {
    assert.equal(parseQuantity('1500m').value(), 2n);
    assert.equal(parseQuantity('-1500m').value(), -2n);
    assert.equal(parseQuantity('1n').milliValue(), 1n);
    assert.equal(parseQuantity('2Gi').value(), 2147483648n);
    assert.equal(parseQuantity('250m').milliValue(), 250n);
  });

  it('compares exactly across formats', () => {
    assert.equal(parseQuantity('1Gi').cmp(parseQuantity('1073741824')), 0);
    assert.equal(parseQuantity('10000T').cmp(parseQuantity('100Gi')), 1);
    assert.equal(parseQuantity('50m').cmp(parseQuantity('100m')), -1);
  });

  it('adds without float drift and keeps the left format unless it is zero', () => {
    const sum = parseQuantity('0.1').add(parseQuantity('0.2'));
    assert.equal(sum.toString(), '300m');
    assert.equal(parseQuantity('1Gi').add(parseQuantity('512Mi')).toString(), '1536Mi');
    assert.equal(Quantity.fromValue(0).add(parseQuantity('1Ki')).format, 'BinarySI');
    assert.equal(parseQuantity('1').sub(parseQuantity('250m')).toString(), '750m');
  });

  it('rounds up to milli precision the way pod defaulting does', () => {
    assert.equal(parseQuantity('0.5m').roundUp(-3).toString(), '1m');
    assert.equal(parseQuantity('100m').roundUp(-3).toString(), '100m');
    assert.equal(parseQuantity('1.0001').roundUp(-3).toString(), '1001m');
  });

  it('builds milli and whole quantities', () => {
    assert.equal(Quantity.fromMilli(1500).toString(), '1500m');
    assert.equal(Quantity.fromValue(4 * 1024 ** 3, 'BinarySI').toString(), '4Gi');
    assert.equal(JSON.stringify({ cpu: Quantity.fromMilli(250) }), '{"cpu":"250m"}');
  });
});

describe('Quantity properties', () => {
  const format = fc.constantFrom<'DecimalSI' | 'BinarySI' | 'DecimalExponent'>('DecimalSI', 'BinarySI', 'DecimalExponent');
  // Values below Kubernetes' 2^63-1 cap for BinarySI, at nano precision.
  const nanos = fc.bigInt({ min: -(2n ** 62n) * 10n ** 9n, max: 2n ** 62n * 10n ** 9n });
  const quantity = fc.tuple(nanos, format).map(([n, f]) => Quantity.fromNanos(n, f));

  it('parses its own canonical form back to the same value', () => {
    fc.assert(fc.property(quantity, (q) => parseQuantity(q.canonical()).nanos === q.nanos));
  });

  it('prints a canonical form that is a fixed point', () => {
    fc.assert(fc.property(quantity, (q) => parseQuantity(q.canonical()).canonical() === q.canonical()));
  });

  it('orders like the numbers it holds and addition preserves the order', () => {
    fc.assert(fc.property(quantity, quantity, quantity, (a, b, c) => {
      const expected = a.nanos === b.nanos ? 0 : a.nanos < b.nanos ? -1 : 1;
      return a.cmp(b) === expected && a.add(c).cmp(b.add(c)) === expected;
    }));
  });

  it('parses generated decimal strings exactly', () => {
    const text = fc.tuple(fc.bigInt({ min: 0n, max: 10n ** 15n }), fc.integer({ min: 0, max: 9 }), fc.constantFrom('', 'm', 'k', 'M', 'G'));
    fc.assert(fc.property(text, ([digits, decimals, suffix]) => {
      const s = digits.toString().padStart(decimals + 1, '0');
      const input = decimals ? `${s.slice(0, -decimals)}.${s.slice(-decimals)}${suffix}` : `${s}${suffix}`;
      const exp = ({ '': 0, m: -3, k: 3, M: 6, G: 9 } as Record<string, number>)[suffix] - decimals + 9;
      const divisor = 10n ** BigInt(Math.max(0, -exp));
      const expected = exp >= 0 ? digits * 10n ** BigInt(exp) : (digits + divisor - 1n) / divisor;
      return parseQuantity(input).nanos === expected;
    }));
  });
});
