import { describe, expect, it } from 'vitest';
import { type BiddingRules, type TenderTerms, changedTerms, disclosedPrices, evaluateRound, evaluationValue, isConcluded, rebidEligible, statusOf, withTax } from '../../src/domain/bidding.ts';
import { Fraction } from '../../src/domain/fraction.ts';

const rules = (over: Partial<BiddingRules> = {}): BiddingRules => ({
  ceilingPrice: 10_000_000,
  floorPrice: 8_000_000,
  investigationPrice: 8_500_000,
  taxRate: Fraction.decimal(0.1),
  lotSource: 'receipt_ms',
  comprehensive: null,
  ...over,
});
const at = (ms: number) => new Date(Date.UTC(2026, 5, 10, 1, 0, 0) + ms);
const bid = (vendorId: string, amount: number | null, lotNumber = 0, ms = 0) => ({ vendorId, amount, lotNumber, receivedAt: at(ms) });

describe('evaluateRound (price)', () => {
  it('awards the lowest valid bid and classifies every bid against the ceiling and the floor', () => {
    const result = evaluateRound(rules(), [bid('a', 9_500_000), bid('b', 10_000_001), bid('c', 7_999_999), bid('d', 8_900_000), bid('e', null)], { lastRound: false });
    expect(result.outcome).toBe('awarded');
    expect(result.winner).toEqual({ vendorId: 'd', amount: 8_900_000, amountWithTax: 9_790_000 });
    expect(result.bids.map((b) => [b.vendorId, b.status])).toEqual([
      ['a', 'valid'],
      ['b', 'over_ceiling'],
      ['c', 'below_floor'],
      ['d', 'valid'],
      ['e', 'declined'],
    ]);
  });

  it('takes the ceiling and the floor themselves as valid', () => {
    expect(evaluateRound(rules(), [bid('a', 10_000_000)], { lastRound: true }).outcome).toBe('awarded');
    expect(evaluateRound(rules({ investigationPrice: null }), [bid('a', 8_000_000)], { lastRound: true }).winner?.vendorId).toBe('a');
  });

  it('holds the award for investigation when the winner is under the investigation threshold', () => {
    const result = evaluateRound(rules(), [bid('a', 8_400_000), bid('b', 9_000_000)], { lastRound: false });
    expect(result.outcome).toBe('investigation');
    expect(result.winner?.vendorId).toBe('a');
    expect(result.bids.find((b) => b.vendorId === 'a')!.status).toBe('investigation');
    // after the low bid is rejected, the next is awarded
    expect(evaluateRound(rules(), [bid('a', 8_400_000), bid('b', 9_000_000)], { lastRound: false, excluded: ['a'] })).toMatchObject({
      outcome: 'awarded',
      winner: { vendorId: 'b' },
    });
  });

  it('asks for a re-bid when nothing is within the ceiling, and fails after the last round', () => {
    const over = [bid('a', 10_500_000), bid('b', 11_000_000), bid('c', null)];
    const first = evaluateRound(rules(), over, { lastRound: false });
    expect(first.outcome).toBe('rebid');
    expect(rebidEligible(first)).toEqual(['a', 'b']);
    expect(evaluateRound(rules(), over, { lastRound: true }).outcome).toBe('failed');
  });

  it('breaks a tie of equal lowest bids by the lot, showing the arithmetic', () => {
    const result = evaluateRound(rules(), [bid('a', 9_000_000, 123, 250), bid('b', 9_000_000, 500, 900), bid('c', 9_200_000, 1, 0)], { lastRound: false });
    // a: (123 + 250) mod 1000 = 373, b: (500 + 900) mod 1000 = 400; sum 773 mod 2 = 1 → b
    expect(result.lot).toMatchObject({ sum: 773, remainder: 1, winnerVendorId: 'b' });
    expect(result.winner?.vendorId).toBe('b');
  });
});

describe('tax rounding', () => {
  it('adds consumption tax rounded down to the yen', () => {
    expect(withTax(9_999_999, Fraction.decimal(0.1))).toBe(10_999_998);
    expect(withTax(1_234_567, Fraction.decimal(0.08))).toBe(1_333_332);
    expect(withTax(1, Fraction.decimal(0.1))).toBe(1);
  });
});

describe('総合評価落札方式', () => {
  const technicalScores = { a: 50, b: 60, c: 55 };
  it('additive: technical + price points × (1 − bid ÷ ceiling), highest wins', () => {
    const r = rules({ floorPrice: null, investigationPrice: null, comprehensive: { mode: 'additive', pricePoints: 50, technicalScores } });
    // a: 50 + 50 × (1 − 8/10) = 60; b: 60 + 50 × (1 − 9.5/10) = 62.5; c: 55 + 50 × (1 − 9/10) = 60
    expect(evaluationValue(r, 'a', 8_000_000).toNumber()).toBe(60);
    const result = evaluateRound(r, [bid('a', 8_000_000), bid('b', 9_500_000), bid('c', 9_000_000)], { lastRound: true });
    expect(result.winner?.vendorId).toBe('b');
    expect(result.bids.map((x) => x.evaluationValue)).toEqual([60, 62.5, 60]);
  });

  it('division: technical ÷ bid, highest wins; an equal value goes to the lot', () => {
    const r = rules({ floorPrice: null, investigationPrice: null, comprehensive: { mode: 'division', pricePoints: 0, technicalScores: { a: 90, b: 100 } } });
    // a: 90 / 9,000,000 = 100 / 10,000,000 = b → tie
    const result = evaluateRound(r, [bid('a', 9_000_000, 1, 1), bid('b', 10_000_000, 2, 2)], { lastRound: true });
    expect(result.lot?.entries).toHaveLength(2);
    const c = evaluateRound(r, [bid('a', 8_000_000), bid('b', 10_000_000)], { lastRound: true });
    expect(c.winner?.vendorId).toBe('a');
  });
});

describe('the status of one bid', () => {
  it('is declined without an amount, over the ceiling above it, below the floor under it, investigated under the investigation price', () => {
    const r = rules();
    expect(statusOf(r, null)).toBe('declined');
    expect(statusOf(r, 10_000_001)).toBe('over_ceiling');
    expect(statusOf(r, 10_000_000)).toBe('valid');
    expect(statusOf(r, 8_500_000)).toBe('valid');
    expect(statusOf(r, 8_499_999)).toBe('investigation');
    expect(statusOf(r, 8_000_000)).toBe('investigation');
    expect(statusOf(r, 7_999_999)).toBe('below_floor');
  });

  it('has no floor or investigation band when none is set', () => {
    expect(statusOf(rules({ floorPrice: null, investigationPrice: null }), 1)).toBe('valid');
  });
});

describe('whether the bidding has concluded', () => {
  it('has when the latest opened round was awarded or failed (不落)', () => {
    expect(isConcluded('open', ['awarded'])).toBe(true);
    expect(isConcluded('open', ['rebid', 'failed'])).toBe(true);
    expect(isConcluded('open', ['rebid', 'rebid', 'awarded'])).toBe(true);
  });

  it('has not before any opening, during a re-bid or while a low bid is investigated', () => {
    expect(isConcluded('open', [])).toBe(false);
    expect(isConcluded('open', [null])).toBe(false);
    // round 1 opened with a re-bid; round 2 not yet set up, then set up and pending
    expect(isConcluded('open', ['rebid'])).toBe(false);
    expect(isConcluded('open', ['rebid', null])).toBe(false);
    expect(isConcluded('open', ['investigation'])).toBe(false);
    expect(isConcluded('evaluation', ['rebid', 'investigation'])).toBe(false);
  });

  it('has once the case is awarded or cancelled, whatever the rounds say', () => {
    expect(isConcluded('awarded', ['investigation'])).toBe(true);
    expect(isConcluded('cancelled', ['rebid', null])).toBe(true);
    expect(isConcluded('cancelled', [])).toBe(true);
  });
});

describe('which reserved prices a viewer sees (予定価格・最低制限価格・調査基準価格)', () => {
  const prices = { ceilingPrice: 10_000_000, ceilingPublic: false, floorPrice: 8_000_000, investigationPrice: 8_500_000 };

  it('shows the secretariat all of them at any time', () => {
    for (const concluded of [false, true]) {
      expect(disclosedPrices(prices, { secretariat: true, concluded })).toEqual({ ceilingPrice: 10_000_000, floorPrice: 8_000_000, investigationPrice: 8_500_000 });
    }
  });

  it('shows anyone else none of them before the conclusion: a null ceiling and no floor or threshold at all', () => {
    const seen = disclosedPrices(prices, { secretariat: false, concluded: false });
    expect(seen).toEqual({ ceilingPrice: null });
    expect(seen).not.toHaveProperty('floorPrice');
    expect(seen).not.toHaveProperty('investigationPrice');
  });

  it('shows a ceiling announced in advance (事前公表) at once, the floor and threshold still only after the conclusion', () => {
    expect(disclosedPrices({ ...prices, ceilingPublic: true }, { secretariat: false, concluded: false })).toEqual({ ceilingPrice: 10_000_000 });
  });

  it('publishes all of them with the result, unset ones as null', () => {
    expect(disclosedPrices(prices, { secretariat: false, concluded: true })).toEqual({ ceilingPrice: 10_000_000, floorPrice: 8_000_000, investigationPrice: 8_500_000 });
    expect(disclosedPrices({ ...prices, floorPrice: null, investigationPrice: null }, { secretariat: false, concluded: true })).toEqual({ ceilingPrice: 10_000_000, floorPrice: null, investigationPrice: null });
  });
});

describe('the terms fixed once the first bid has arrived', () => {
  const terms: TenderTerms = {
    ceilingPrice: 10_000_000,
    ceilingPublic: false,
    floorPrice: 8_000_000,
    investigationPrice: null,
    maxRounds: 3,
    lotSystemValue: 'receipt_ms',
    taxRate: '0.1',
    comprehensive: { mode: 'additive', pricePoints: 30 },
  };

  it('finds nothing changed in the same terms, a tax rate written as a number or as text alike', () => {
    expect(changedTerms(terms, { ...terms, taxRate: 0.1 })).toEqual([]);
    expect(changedTerms(terms, { ...terms, taxRate: '0.10' })).toEqual([]);
  });

  it('names every term that differs', () => {
    expect(changedTerms(terms, { ...terms, ceilingPrice: 10_000_001 })).toEqual(['ceilingPrice']);
    expect(changedTerms(terms, { ...terms, ceilingPublic: true, floorPrice: null, investigationPrice: 8_500_000 })).toEqual(['ceilingPublic', 'floorPrice', 'investigationPrice']);
    expect(changedTerms(terms, { ...terms, maxRounds: 2, lotSystemValue: 'random', taxRate: 0.08 })).toEqual(['maxRounds', 'lotSystemValue', 'taxRate']);
    expect(changedTerms(terms, { ...terms, comprehensive: { mode: 'division', pricePoints: 30 } })).toEqual(['comprehensive']);
    expect(changedTerms(terms, { ...terms, comprehensive: { mode: 'additive', pricePoints: 40 } })).toEqual(['comprehensive']);
    expect(changedTerms(terms, { ...terms, comprehensive: null })).toEqual(['comprehensive']);
  });
});
