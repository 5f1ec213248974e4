import { describe, expect, it } from 'vitest';
import { type BiddingRules, MIN_QUOTES, evaluateRound, quotationShortfall } from '../../src/domain/bidding.ts';
import { Fraction } from '../../src/domain/fraction.ts';

const rules: BiddingRules = {
  ceilingPrice: 1_000_000,
  floorPrice: null,
  investigationPrice: null,
  taxRate: Fraction.decimal(0.1),
  lotSource: 'receipt_ms',
  comprehensive: null,
  quotation: true,
};
const quote = (vendorId: string, amount: number | null, ms = 0) => ({ vendorId, amount, lotNumber: 0, receivedAt: new Date(Date.UTC(2026, 6, 10, 1) + ms) });

describe('見積合わせ (quotation)', () => {
  it('needs quotes from two vendors, not counting those who declined (辞退)', () => {
    expect(MIN_QUOTES).toBe(2);
    expect(quotationShortfall([])).toMatch(/0者.*不成立/);
    expect(quotationShortfall([quote('a', 900_000)])).toMatch(/1者.*不成立/);
    expect(quotationShortfall([quote('a', 900_000), quote('b', null), quote('c', null)])).toMatch(/辞退を除く.*1者/);
    expect(quotationShortfall([quote('a', 900_000), quote('b', 950_000)])).toBeNull();
    // a quote over the ceiling is still a quote: the opening then decides by the prices as usual
    expect(quotationShortfall([quote('a', 900_000), quote('b', 2_000_000)])).toBeNull();
  });

  it('fails an opening with fewer quotes at once, with the reason and no winner, even with rounds left', () => {
    const result = evaluateRound(rules, [quote('a', 800_000), quote('b', null)], { lastRound: false });
    expect(result.outcome).toBe('failed');
    expect(result.winner).toBeUndefined();
    expect(result.reason).toMatch(/見積合わせは不成立/);
    expect(result.bids.map((b) => [b.vendorId, b.status])).toEqual([
      ['a', 'valid'],
      ['b', 'declined'],
    ]);
  });

  it('with two quotes or more, the lowest within the ceiling wins like a bid', () => {
    const result = evaluateRound(rules, [quote('a', 900_000), quote('b', 850_000), quote('c', null)], { lastRound: true });
    expect(result.outcome).toBe('awarded');
    expect(result.reason).toBeUndefined();
    expect(result.winner).toEqual({ vendorId: 'b', amount: 850_000, amountWithTax: 935_000 });
  });

  it('leaves a tender with one bid as it was: the rule is the quotation\'s alone', () => {
    const result = evaluateRound({ ...rules, quotation: false }, [quote('a', 800_000)], { lastRound: true });
    expect(result.outcome).toBe('awarded');
  });
});
