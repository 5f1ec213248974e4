import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ApportionedMember,
  type ApportionmentRule,
  type MemberKind,
  type VolumePricing,
  apportion,
  isPricedRule,
  takesPartIn,
  volumeTotal,
} from '../../src/domain/apportionment.ts';

let seq = 0;
function member(name: string, kind: MemberKind, extra: Partial<ApportionedMember> = {}): ApportionedMember {
  seq += 1;
  return { id: `v${seq}`, name, kind, code: `20${String(seq).padStart(4, '0')}`, population: null, births: {}, options: {}, ...extra };
}

function ok<T extends { ok: boolean }>(result: T): Extract<T, { ok: true }> {
  if (!result.ok) throw new Error(`not computed: ${(result as unknown as { reason: string }).reason}`);
  return result as Extract<T, { ok: true }>;
}

// FY2024 counts the births of FY2022 (前々年度); FY2023's are there to be ignored
const a = member('A市', 'city', { births: { '2022': 100, '2023': 9_000 }, population: 40_000 });
const b = member('B町', 'town', { births: { '2022': 250, '2023': 9_000 }, population: 12_000 });
const c = member('C村', 'village', { births: { '2022': 50, '2023': 9_000 }, population: 3_000 });

describe('volumeTotal: a price per head or a price table', () => {
  it('is the unit price × the births of the year before last, summed over the participants', () => {
    // (100 + 250 + 50) × 1,500 = 600,000
    expect(volumeTotal({ basis: 'births', unitPrice: 1_500 }, [a, b, c], 2024)).toEqual({ ok: true, total: 600_000, sum: 400 });
    // FY2025 counts FY2023's births: 27,000 × 1,500
    expect(volumeTotal({ basis: 'births', unitPrice: 1_500 }, [a, b, c], 2025)).toEqual({ ok: true, total: 40_500_000, sum: 27_000 });
  });

  it('is the unit price × the population on the population basis', () => {
    // (40,000 + 12,000 + 3,000) × 20 = 1,100,000
    expect(volumeTotal({ basis: 'population', unitPrice: 20 }, [a, b, c], 2024)).toEqual({ ok: true, total: 1_100_000, sum: 55_000 });
  });

  const table: VolumePricing = {
    basis: 'births',
    tiers: [
      { upTo: 300, amount: 1_000_000 },
      { upTo: 1_000, amount: 2_000_000 },
      { upTo: null, amount: 3_000_000 },
    ],
  };

  it('takes the amount of the first tier whose upper bound holds the sum', () => {
    // 400 births: over 300, within 1,000
    expect(volumeTotal(table, [a, b, c], 2024)).toEqual({ ok: true, total: 2_000_000, sum: 400 });
    // 350 births: still the second tier
    expect(volumeTotal(table, [a, b], 2024)).toEqual({ ok: true, total: 2_000_000, sum: 350 });
    // exactly 300 births is within the first tier (upTo ≥ sum)
    const three = member('D町', 'town', { births: { '2022': 300 } });
    expect(volumeTotal(table, [three], 2024)).toEqual({ ok: true, total: 1_000_000, sum: 300 });
    // 301 is not
    const over = member('E町', 'town', { births: { '2022': 301 } });
    expect(volumeTotal(table, [over], 2024)).toEqual({ ok: true, total: 2_000_000, sum: 301 });
  });

  it('has no upper bound in a null tier', () => {
    const many = member('F市', 'city', { births: { '2022': 1_001 } });
    expect(volumeTotal(table, [many], 2024)).toEqual({ ok: true, total: 3_000_000, sum: 1_001 });
    expect(volumeTotal(table, [member('G市', 'city', { births: { '2022': 5_000_000 } })], 2024)).toEqual({ ok: true, total: 3_000_000, sum: 5_000_000 });
  });

  it('answers, in Japanese, when the sum lies above every bounded tier and none is unbounded', () => {
    const bounded: VolumePricing = { basis: 'births', tiers: table.tiers!.slice(0, 2) };
    const many = member('H市', 'city', { births: { '2022': 1_001 } });
    const result = volumeTotal(bounded, [many], 2024);
    expect(result).toEqual({ ok: false, reason: '数量の合計（1,001）が価格表のどの区分にも入りません。上限のない区分を設けてください。' });
    // and no members are blamed: every one has its data
    expect('members' in result).toBe(false);
    // 1,000 exactly still fits the last bounded tier
    expect(volumeTotal(bounded, [member('I市', 'city', { births: { '2022': 1_000 } })], 2024)).toEqual({ ok: true, total: 2_000_000, sum: 1_000 });
  });

  it('names the members without births for the year before last (those of another year do not count)', () => {
    const onlyLastYear = member('J村', 'village', { births: { '2023': 12 } });
    const none = member('K村', 'village');
    const result = volumeTotal({ basis: 'births', unitPrice: 1_000 }, [a, onlyLastYear, b, none], 2024);
    expect(result).toEqual({
      ok: false,
      reason: '2022年度の出生数が登録されていない団体があるため、数量に応じた金額を計算できません。',
      members: ['J村', 'K村'],
    });
  });

  it('names the members without a population on the population basis', () => {
    const unknown = member('L町', 'town', { population: null, births: { '2022': 1 } });
    expect(volumeTotal({ basis: 'population', tiers: [{ upTo: null, amount: 1 }] }, [a, unknown], 2024)).toEqual({
      ok: false,
      reason: '人口が登録されていない団体があるため、数量に応じた金額を計算できません。',
      members: ['L町'],
    });
  });

  it('counts a recorded zero as data: zero births price at zero', () => {
    const zero = member('M村', 'village', { births: { '2022': 0 } });
    expect(volumeTotal({ basis: 'births', unitPrice: 1_000 }, [zero], 2024)).toEqual({ ok: true, total: 0, sum: 0 });
  });
});

describe('takesPartIn: the fiscal years a participant takes part in', () => {
  it('runs from the first year to the last, both included', () => {
    const p = { fromFiscalYear: 2025, untilFiscalYear: 2027 };
    expect([2024, 2025, 2026, 2027, 2028].map((y) => takesPartIn(p, 2024, y))).toEqual([false, true, true, true, false]);
  });

  it('starts in the case year when no first year is given, and never ends without a last year', () => {
    const p = { fromFiscalYear: null, untilFiscalYear: null };
    expect([2025, 2026, 2027, 2040].map((y) => takesPartIn(p, 2026, y))).toEqual([false, true, true, true]);
    const leaves = { fromFiscalYear: null, untilFiscalYear: 2026 };
    expect([2025, 2026, 2027].map((y) => takesPartIn(leaves, 2026, y))).toEqual([false, true, false]);
  });

  it('is the interval [from ?? case year, until ?? ∞] for any years', () => {
    const year = fc.integer({ min: 2000, max: 2100 });
    fc.assert(
      fc.property(fc.option(year), fc.option(year), year, year, (from, until, caseYear, y) => {
        const first = from ?? caseYear;
        const inside = first <= y && (until === null || y <= until);
        expect(takesPartIn({ fromFiscalYear: from, untilFiscalYear: until }, caseYear, y)).toBe(inside);
      }),
    );
  });
});

describe('isPricedRule', () => {
  it('is true for tier prices and for any rule with a volume price, false otherwise', () => {
    expect(isPricedRule({ method: 'tier', tierPrices: { city: 1 } })).toBe(true);
    expect(isPricedRule({ method: 'equal', total: 100, volumePricing: { basis: 'births', unitPrice: 10 } })).toBe(true);
    expect(isPricedRule({ method: 'mixed', total: 0, ratios: { equal: 1, population: 0, births: 0 }, volumePricing: { basis: 'population', tiers: [{ upTo: null, amount: 1 }] } })).toBe(true);
    expect(isPricedRule({ method: 'equal', total: 100 })).toBe(false);
    expect(isPricedRule({ method: 'births', total: 100, volumePricing: undefined })).toBe(false);
    expect(isPricedRule({ method: 'none' })).toBe(false);
  });
});

describe('apportion with a volume price', () => {
  it('shares the volume total rather than the rule\'s own total, and reports the volume', () => {
    // births 100 : 250 : 50 of 400; total 400 × 1,500 = 600,000 → 150,000, 375,000, 75,000
    const rule: ApportionmentRule = { method: 'births', total: 9_999_999, volumePricing: { basis: 'births', unitPrice: 1_500 } };
    const result = ok(apportion(rule, [c, b, a], [], 2024));
    expect(result.total).toBe(600_000);
    expect(result.sum).toBe(600_000);
    expect(result.volume).toEqual({ basis: 'births', sum: 400 });
    expect(result.shares.map((s) => [s.memberName, s.base])).toEqual([
      ['A市', 150_000],
      ['B町', 375_000],
      ['C村', 75_000],
    ]);
  });

  it('shares a tier amount equally, the odd yen by largest remainder', () => {
    // 400 births → 2,000,000 over three: 666,666.67 each → 666,667, 666,667, 666,666
    const rule: ApportionmentRule = { method: 'equal', total: 0, volumePricing: { basis: 'births', tiers: [{ upTo: 300, amount: 1_000_000 }, { upTo: null, amount: 2_000_000 }] } };
    const result = ok(apportion(rule, [a, b, c], [], 2024));
    expect(result.shares.map((s) => s.base)).toEqual([666_667, 666_667, 666_666]);
    expect(result.total).toBe(2_000_000);
  });

  it('adds option charges on top of the volume total', () => {
    const withOption = member('N市', 'city', { births: { '2022': 10 }, options: { seats: 3 } });
    const rule: ApportionmentRule = { method: 'equal', total: 0, volumePricing: { basis: 'births', unitPrice: 100 } };
    const result = ok(apportion(rule, [withOption], [{ code: 'seats', name: '追加ID', price: 1_200 }], 2024));
    expect(result).toMatchObject({ total: 1_000, optionTotal: 3_600, sum: 4_600 });
    expect(result.shares[0]).toMatchObject({ base: 1_000, optionCharges: 3_600, amount: 4_600 });
  });

  it('passes on the answer of volumeTotal when the data is missing', () => {
    const rule: ApportionmentRule = { method: 'equal', total: 0, volumePricing: { basis: 'births', unitPrice: 100 } };
    expect(apportion(rule, [a, member('O村', 'village')], [], 2024)).toEqual({
      ok: false,
      reason: '2022年度の出生数が登録されていない団体があるため、数量に応じた金額を計算できません。',
      members: ['O村'],
    });
  });

  it('sums the bases exactly to the volume total, each within one yen of its proportion, for any members', () => {
    const dataArb = fc.array(fc.record({ births: fc.integer({ min: 0, max: 40_000 }), population: fc.integer({ min: 1, max: 4_000_000 }) }), { minLength: 1, maxLength: 40 });
    fc.assert(
      fc.property(dataArb, fc.integer({ min: 0, max: 100_000 }), fc.constantFrom('births' as const, 'population' as const), (data, unitPrice, weighting) => {
        fc.pre(data.some((d) => d.births > 0));
        const ms = data.map((d, i) => member(`団体${i}`, 'town', { births: { '2024': d.births }, population: d.population }));
        const rule: ApportionmentRule = { method: weighting, total: 1, volumePricing: { basis: 'births', unitPrice } };
        const result = ok(apportion(rule, ms, [], 2026));
        const totalBirths = data.reduce((s, d) => s + d.births, 0);
        const expected = unitPrice * totalBirths;
        expect(result.total).toBe(expected);
        expect(result.volume).toEqual({ basis: 'births', sum: totalBirths });
        expect(result.shares.reduce((s, x) => s + x.base, 0)).toBe(expected);
        const weightOf = new Map(ms.map((m, i) => [m.id, BigInt(weighting === 'births' ? data[i]!.births : data[i]!.population)]));
        const sumW = [...weightOf.values()].reduce((x, y) => x + y, 0n);
        for (const share of result.shares) {
          // |base − total·w/W| < 1  ⇔  |base·W − total·w| < W
          const diff = BigInt(share.base) * sumW - BigInt(expected) * weightOf.get(share.memberId)!;
          expect(diff < sumW && -diff < sumW).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('apportion with a base total', () => {
  it('shares the base total given instead of the rule\'s own', () => {
    // 1,000 over three: 333.33 each → 334, 333, 333
    const result = ok(apportion({ method: 'equal', total: 900 }, [a, b, c], [], 2024, 1_000));
    expect(result.total).toBe(1_000);
    expect(result.sum).toBe(1_000);
    expect(result.shares.map((s) => s.base)).toEqual([334, 333, 333]);
  });

  it('keeps the weights of the rule: births of the year before last', () => {
    // 800,000 × (100, 250, 50)/400 = 200,000, 500,000, 100,000
    const result = ok(apportion({ method: 'births', total: 1 }, [a, b, c], [], 2024, 800_000));
    expect(result.shares.map((s) => s.base)).toEqual([200_000, 500_000, 100_000]);
  });

  it('adds option charges on top of the base total', () => {
    const withOption = member('P市', 'city', { options: { consult: true } });
    const result = ok(apportion({ method: 'equal', total: 0 }, [withOption, member('Q町', 'town')], [{ code: 'consult', name: '導入支援', price: 39_000 }], 2026, 101));
    expect(result.shares.map((s) => [s.base, s.optionCharges, s.amount])).toEqual([
      [51, 39_000, 39_051],
      [50, 0, 50],
    ]);
    expect(result).toMatchObject({ total: 101, optionTotal: 39_000, sum: 39_101 });
  });

  it('takes the place of a volume price: the volume is neither computed nor needed', () => {
    const unknown = member('R村', 'village');
    const rule: ApportionmentRule = { method: 'equal', total: 0, volumePricing: { basis: 'births', unitPrice: 100 } };
    const result = ok(apportion(rule, [a, unknown], [], 2024, 10));
    expect(result.total).toBe(10);
    expect(result.volume).toBeUndefined();
    expect(result.shares.map((s) => s.base)).toEqual([5, 5]);
  });

  it('sums exactly to any base total', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 1_000_000 }), { minLength: 1, maxLength: 30 }), fc.integer({ min: 0, max: 10_000_000_000 }), (pops, baseTotal) => {
        const ms = pops.map((p, i) => member(`人口${i}`, 'town', { population: p }));
        const result = ok(apportion({ method: 'population', total: 7 }, ms, [], 2026, baseTotal));
        expect(result.shares.reduce((s, x) => s + x.base, 0)).toBe(baseTotal);
      }),
    );
  });
});
