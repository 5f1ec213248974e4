import { describe, expect, it } from 'vitest';
import { ACCOUNT_RULE, waitMinutes, waitMs } from '../../src/domain/login-throttle.ts';

const MIN = 60_000;
const rule = { limit: 3, windowMs: 10 * MIN };

describe('login throttling', () => {
  it('lets attempts through below the limit', () => {
    expect(waitMs([], 0, rule)).toBe(0);
    expect(waitMs([1 * MIN, 2 * MIN], 3 * MIN, rule)).toBe(0);
  });

  it('holds attempts at the limit until the oldest counted failure leaves the window', () => {
    expect(waitMs([1 * MIN, 2 * MIN, 3 * MIN], 4 * MIN, rule)).toBe(7 * MIN);
    expect(waitMs([1 * MIN, 2 * MIN, 3 * MIN], 11 * MIN, rule)).toBe(0);
  });

  it('counts only failures inside the window, in any order', () => {
    expect(waitMs([0, 9 * MIN, 8 * MIN, 7 * MIN], 12 * MIN, rule)).toBe(5 * MIN);
    expect(waitMs([0, 1 * MIN, 2 * MIN, 15 * MIN], 16 * MIN, rule)).toBe(0);
  });

  it('uses five failures in fifteen minutes for an account', () => {
    const five = [0, 1, 2, 3, 4].map((m) => m * MIN);
    expect(waitMs(five.slice(0, 4), 5 * MIN, ACCOUNT_RULE)).toBe(0);
    expect(waitMs(five, 5 * MIN, ACCOUNT_RULE)).toBe(10 * MIN);
  });

  it('states the wait in whole minutes, at least one', () => {
    expect(waitMinutes(1)).toBe(1);
    expect(waitMinutes(10 * MIN)).toBe(10);
    expect(waitMinutes(10 * MIN + 1)).toBe(11);
  });
});
