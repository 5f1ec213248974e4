import { describe, expect, it } from 'vitest';
import { Fraction, hasAtMostDecimals } from '../../src/domain/fraction.ts';

describe('decimal places', () => {
  it('counts the places a number was typed with, not its binary expansion', () => {
    expect(hasAtMostDecimals(8.2, 2)).toBe(true);
    expect(hasAtMostDecimals(0.07, 2)).toBe(true);
    expect(hasAtMostDecimals(0.035, 4)).toBe(true);
    expect(hasAtMostDecimals(12, 0)).toBe(true);
    expect(hasAtMostDecimals(-1.25, 2)).toBe(true);
    expect(hasAtMostDecimals(1.234, 2)).toBe(false);
    expect(hasAtMostDecimals(0.00001, 4)).toBe(false);
    expect(hasAtMostDecimals(1e-7, 6)).toBe(false);
    expect(hasAtMostDecimals(Number.NaN, 2)).toBe(false);
    expect(hasAtMostDecimals(Number.POSITIVE_INFINITY, 2)).toBe(false);
  });

  it('reads a decimal exactly', () => {
    expect(Fraction.decimal(8.2).equals(Fraction.of(41, 5))).toBe(true);
    expect(Fraction.decimal('-0.75').equals(Fraction.of(-3, 4))).toBe(true);
    expect(() => Fraction.decimal('1/3')).toThrow(RangeError);
  });
});
