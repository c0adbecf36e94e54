import { describe, expect, it } from 'vitest';

import {
  compareQuantities,
  isWholeNumber,
  parseQuantity,
  type Quantity,
} from '../../src/domain/quantity.js';

function parseValid(text: string): Quantity {
  const result = parseQuantity(text);
  if (!result.ok) {
    throw new Error(`expected "${text}" to parse, but it was rejected as ${result.reason}`);
  }
  return result.quantity;
}

function quantity(sign: 1 | -1, digits: bigint, pow10: number, pow2: number): Quantity {
  return { sign, digits, pow10, pow2 };
}

describe('parseQuantity', () => {
  it.each([
    ['500m', 500n, -3, 0],
    ['1', 1n, 0, 0],
    ['2Gi', 2n, 0, 30],
    ['1.5', 15n, -1, 0],
    ['1.5Gi', 15n, -1, 30],
    ['1.50', 150n, -2, 0],
    ['1e3', 1n, 3, 0],
    ['1E3', 1n, 3, 0],
    ['1e+3', 1n, 3, 0],
    ['1e-3', 1n, -3, 0],
    ['1e0', 1n, 0, 0],
    ['1e-0', 1n, 0, 0],
    ['2.5e-3', 25n, -4, 0],
    ['.5e2', 5n, 1, 0],
    ['1E', 1n, 18, 0],
    ['.5', 5n, -1, 0],
    ['5.', 5n, 0, 0],
    ['1.G', 1n, 9, 0],
    ['+1', 1n, 0, 0],
    ['+.5m', 5n, -4, 0],
    ['0', 0n, 0, 0],
    ['-0', 0n, 0, 0],
    ['-0.0', 0n, -1, 0],
    ['-0Gi', 0n, 0, 30],
    ['007', 7n, 0, 0],
    ['100Mi', 100n, 0, 20],
    ['1Ki', 1n, 0, 10],
    ['1Ti', 1n, 0, 40],
    ['1Pi', 1n, 0, 50],
    ['1Ei', 1n, 0, 60],
    ['1n', 1n, -9, 0],
    ['1u', 1n, -6, 0],
    ['1k', 1n, 3, 0],
    ['1M', 1n, 6, 0],
    ['1G', 1n, 9, 0],
    ['1T', 1n, 12, 0],
    ['1P', 1n, 15, 0],
    ['1e1000', 1n, 1000, 0],
    ['1e-1000', 1n, -1000, 0],
    ['0.5e-999', 5n, -1000, 0],
    ['1'.repeat(64), BigInt('1'.repeat(64)), 0, 0],
  ])('accepts "%s"', (text, digits, pow10, pow2) => {
    expect(parseQuantity(text)).toEqual({
      ok: true,
      quantity: { sign: 1, digits, pow10, pow2 },
    });
  });

  it.each([
    [''],
    [' 1'],
    ['1 '],
    ['1 Gi'],
    ['1\n'],
    ['1.2.3'],
    ['1gi'],
    ['1ki'],
    ['1mi'],
    ['1K'],
    ['1KB'],
    ['1Kim'],
    ['1i'],
    ['Gi'],
    ['m'],
    ['.'],
    ['-'],
    ['+'],
    ['++1'],
    ['+-1'],
    ['1e'],
    ['1e+'],
    ['1E-'],
    ['e3'],
    ['1e3.5'],
    ['1e3m'],
    ['1ee3'],
    ['0x10'],
    ['1_000'],
    ['1,5'],
    ['Infinity'],
    ['NaN'],
    ['１'],
    ['1Ki1'],
    ['-1gi'],
    ['1'.repeat(65)],
    ['1e' + '1'.repeat(63)],
  ])('rejects "%s" as syntax', (text) => {
    expect(parseQuantity(text)).toEqual({ ok: false, reason: 'syntax' });
  });

  it.each([['-1'], ['-1m'], ['-0.001'], ['-.5'], ['-1Gi'], ['-1e-3'], ['-1E'], ['-1e1001']])(
    'rejects "%s" as negative',
    (text) => {
      expect(parseQuantity(text)).toEqual({ ok: false, reason: 'negative' });
    },
  );

  it.each([
    ['1e1001'],
    ['1e-1001'],
    ['1E1001'],
    ['0.01e-999'],
    ['1e99999999999999999999'],
    ['1e-99999999999999999999'],
    ['0e1001'],
    ['-0e1001'],
  ])('rejects "%s" as out_of_range', (text) => {
    expect(parseQuantity(text)).toEqual({ ok: false, reason: 'out_of_range' });
  });

  it('returns sign 1 for "-0"', () => {
    expect(parseValid('-0').sign).toBe(1);
  });
});

describe('compareQuantities', () => {
  it.each([
    ['1Gi', '1G', 1],
    ['1G', '1Gi', -1],
    ['1000m', '1', 0],
    ['0.5', '500m', 0],
    ['1e3', '1k', 0],
    ['1E3', '1e3', 0],
    ['1Ki', '1024', 0],
    ['1Mi', '1024Ki', 0],
    ['1.5Gi', '1536Mi', 0],
    ['0.5Ki', '512', 0],
    ['100m', '0.1', 0],
    ['1.50', '1.5', 0],
    ['1E', '1e18', 0],
    ['1n', '0.001u', 0],
    ['0', '-0', 0],
    ['0', '0Ei', 0],
    ['0', '0e-1000', 0],
    ['999m', '1', -1],
    ['1001m', '1', 1],
    ['1023', '1Ki', -1],
    ['1Ei', '1E', 1],
    ['1e1000', '1Ei', 1],
    ['1e-1000', '0', 1],
    ['0', '1n', -1],
  ])('compares "%s" with "%s" as %i', (left, right, expected) => {
    expect(compareQuantities(parseValid(left), parseValid(right))).toBe(expected);
  });

  it.each([
    ['1Gi', '1G', 1, -1],
    ['1000m', '1', 0, 0],
    ['999m', '1', -1, 1],
    ['1e-1000', '1e1000', -1, 1],
  ])('orders "%s" and "%s" antisymmetrically', (left, right, forward, backward) => {
    const a = parseValid(left);
    const b = parseValid(right);
    expect(compareQuantities(a, b)).toBe(forward);
    expect(compareQuantities(b, a)).toBe(backward);
  });

  it.each([
    ['negative below zero', quantity(-1, 1n, 0, 0), quantity(1, 0n, 0, 0), -1],
    ['zero above negative', quantity(1, 0n, 0, 0), quantity(-1, 1n, 0, 0), 1],
    ['negative below positive', quantity(-1, 1n, 0, 0), quantity(1, 1n, 0, 0), -1],
    ['larger negative lower', quantity(-1, 2n, 0, 0), quantity(-1, 1n, 0, 0), -1],
    ['smaller negative higher', quantity(-1, 1n, 0, 0), quantity(-1, 2n, 0, 0), 1],
    ['equal negatives across units', quantity(-1, 1000n, -3, 0), quantity(-1, 1n, 0, 0), 0],
    ['negative zero equals zero', quantity(-1, 0n, 0, 0), quantity(1, 0n, 5, 10), 0],
    ['negative binary below decimal', quantity(-1, 1n, 0, 10), quantity(-1, 1n, 3, 0), -1],
    ['negative pow2 halves', quantity(1, 3n, 0, -1), quantity(1, 15n, -1, 0), 0],
    ['negative digits below zero', quantity(1, -1n, 0, 0), quantity(1, 0n, 0, 0), -1],
    ['negative digits times sign', quantity(-1, -2n, 0, 0), quantity(1, 2000n, -3, 0), 0],
  ] as const)('compares %s', (_name, left, right, expected) => {
    expect(compareQuantities(left, right)).toBe(expected);
  });

  it('throws on differing fractional powers', () => {
    expect(() => compareQuantities(quantity(1, 1n, 0.5, 0), quantity(1, 1n, 0, 0))).toThrow(
      RangeError,
    );
  });
});

describe('isWholeNumber', () => {
  it.each([
    ['1', true],
    ['2', true],
    ['0', true],
    ['-0', true],
    ['1000m', true],
    ['1e1', true],
    ['10e-1', true],
    ['1k', true],
    ['1Ki', true],
    ['0.5Ki', true],
    ['1.5Gi', true],
    ['1e1000', true],
    ['0e-1000', true],
    ['0.5', false],
    ['1500m', false],
    ['1e-1', false],
    ['0.1Ki', false],
    ['1n', false],
    ['1e-1000', false],
  ])('classifies "%s" as %s', (text, expected) => {
    expect(isWholeNumber(parseValid(text))).toBe(expected);
  });

  it.each([
    ['even digits over pow2', quantity(1, 4n, 0, -2), true],
    ['odd digits over pow2', quantity(1, 3n, 0, -1), false],
    ['negative integer', quantity(-1, 2n, 0, 0), true],
    ['negative fraction', quantity(-1, 5n, -1, 0), false],
    ['negative digits fraction', quantity(1, -5n, -1, 0), false],
  ] as const)('classifies %s', (_name, value, expected) => {
    expect(isWholeNumber(value)).toBe(expected);
  });

  it('throws on fractional power', () => {
    expect(() => isWholeNumber(quantity(1, 1n, 0.5, 0))).toThrow(RangeError);
  });
});
