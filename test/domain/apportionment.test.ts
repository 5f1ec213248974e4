import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ApportionedMember,
  type MemberKind,
  RATIO_SCALE,
  apportion,
  largestRemainder,
  optionMark,
  optionQuantity,
} from '../../src/domain/apportionment.ts';

let seq = 0;
function member(name: string, kind: MemberKind, extra: Partial<ApportionedMember> = {}): ApportionedMember {
  seq += 1;
  return { id: `m${seq}`, name, kind, code: `43${String(seq).padStart(4, '0')}`, population: null, births: {}, options: {}, ...extra };
}

function ok(result: ReturnType<typeof apportion>) {
  if (!result.ok) throw new Error(`not apportioned: ${result.reason}`);
  return result;
}

const bases = (r: ReturnType<typeof apportion>) => ok(r).shares.map((s) => s.base);

describe('熊本県: tier prices by 市・町・村 (bulk contract, 負担金)', () => {
  // The seed: 12 bodies in R5, system fee 7,020千円 a year for all of them, with a price fixed in advance
  // for each kind of body. The tier prices below are illustrative and reproduce that total.
  const tierPrices = { prefecture: 2_340_000, city: 540_000, town: 360_000, village: 180_000 };
  const r5 = [
    member('熊本県', 'prefecture'),
    ...['熊本市', '八代市', '人吉市', '荒尾市', '玉名市', '合志市'].map((n) => member(n, 'city')),
    ...['菊陽町', '大津町', '高森町'].map((n) => member(n, 'town')),
    ...['西原村', '産山村'].map((n) => member(n, 'village')),
  ];

  it('charges each body its tier price and totals the R5 figure of 7,020,000 yen for 12 bodies', () => {
    const result = ok(apportion({ method: 'tier', tierPrices }, r5, [], 2023));
    expect(result.shares).toHaveLength(12);
    expect(result.total).toBe(7_020_000);
    expect(result.sum).toBe(7_020_000);
    expect(result.shares.find((s) => s.memberName === '八代市')!.amount).toBe(540_000);
    expect(result.shares.find((s) => s.memberName === '産山村')!.amount).toBe(180_000);
  });

  it('grows by the joiners\' tier prices when two bodies join in R6 (14 bodies)', () => {
    const r6 = [...r5, member('芦北町', 'town'), member('五木村', 'village')];
    const result = ok(apportion({ method: 'tier', tierPrices }, r6, [], 2024));
    expect(result.shares).toHaveLength(14);
    expect(result.total).toBe(7_020_000 + 360_000 + 180_000);
  });

  it('names the bodies whose kind has no tier price', () => {
    const result = apportion({ method: 'tier', tierPrices }, [...r5, member('広域連合', 'union')], [], 2023);
    expect(result).toEqual({ ok: false, reason: expect.stringContaining('区分'), members: ['広域連合'] });
  });
});

describe('長野県: births two fiscal years earlier (前々年度の出生数)', () => {
  // The seed: the child-care app costs 9,461千円 a year, shared by births two fiscal years earlier.
  const members = [
    member('A市', 'city', { births: { '2022': 1234, '2023': 9999 } }),
    member('B町', 'town', { births: { '2022': 567, '2023': 1 } }),
    member('C村', 'village', { births: { '2022': 89, '2023': 1 } }),
  ];

  it('uses FY N−2 births and hands the odd yen to the largest remainder', () => {
    // 9,461,000 × 1234/1890 = 6,177,182.01; × 567/1890 = 2,838,300 exactly; × 89/1890 = 445,517.99
    const result = ok(apportion({ method: 'births', total: 9_461_000 }, members, [], 2024));
    expect(result.shares.map((s) => [s.memberName, s.base])).toEqual([
      ['A市', 6_177_182],
      ['B町', 2_838_300],
      ['C村', 445_518],
    ]);
    expect(result.sum).toBe(9_461_000);
  });

  it('says which body has no births recorded for that year', () => {
    const result = apportion({ method: 'births', total: 9_461_000 }, [...members, member('D村', 'village', { births: { '2023': 3 } })], [], 2024);
    expect(result).toEqual({ ok: false, reason: '2022年度の出生数が登録されていない団体があります。', members: ['D村'] });
  });

  it('gives a body with zero births a zero share, and refuses when all births are zero', () => {
    const withZero = [...members, member('E村', 'village', { births: { '2022': 0 } })];
    expect(bases(apportion({ method: 'births', total: 9_461_000 }, withZero, [], 2024)).at(-1)).toBe(0);
    const allZero = [member('F村', 'village', { births: { '2022': 0 } }), member('G村', 'village', { births: { '2022': 0 } })];
    const refused = apportion({ method: 'births', total: 1000, }, allZero, [], 2024);
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.reason).toContain('合計が0');
  });
});

describe('equal, population and mixed', () => {
  it('splits equally, the odd yen to the first body in code order', () => {
    const ms = [member('甲市', 'city'), member('乙町', 'town'), member('丙村', 'village')];
    expect(bases(apportion({ method: 'equal', total: 1_000_000 }, ms, [], 2026))).toEqual([333_334, 333_333, 333_333]);
  });

  it('splits by population', () => {
    const ms = [member('甲市', 'city', { population: 0 }), member('乙町', 'town', { population: 100 })];
    expect(bases(apportion({ method: 'population', total: 1000 }, ms, [], 2026))).toEqual([0, 1000]);
  });

  it('combines 均等割 30% and 人口割 70%', () => {
    // equal part 300,000 / 3 = 100,000 each; population part 700,000 × (0.1, 0.3, 0.6)
    const ms = [100, 300, 600].map((p, i) => member(`団体${i}`, 'town', { population: p }));
    const rule = { method: 'mixed' as const, total: 1_000_000, ratios: { equal: 300_000, population: 700_000, births: 0 } };
    expect(bases(apportion(rule, ms, [], 2026))).toEqual([170_000, 310_000, 520_000]);
  });

  it('needs the data of every component the mix uses', () => {
    const ms = [member('甲市', 'city', { population: 10 }), member('乙町', 'town', { population: null })];
    const rule = { method: 'mixed' as const, total: 1000, ratios: { equal: 500_000, population: 500_000, births: 0 } };
    expect(apportion(rule, ms, [], 2026)).toMatchObject({ ok: false, members: ['乙町'] });
    // births are not used at 0%, so missing births do not matter
    expect(apportion(rule, [member('丁市', 'city', { population: 1 })], [], 2026).ok).toBe(true);
  });
});

describe('edge cases give clear answers', () => {
  it('no participants: no shares, nothing to pay', () => {
    for (const rule of [
      { method: 'equal' as const, total: 5000 },
      { method: 'population' as const, total: 5000 },
      { method: 'births' as const, total: 5000 },
    ]) {
      expect(ok(apportion(rule, [], [], 2026)).shares).toEqual([]);
    }
  });

  it('a total of zero: every base share is zero', () => {
    const ms = [member('甲市', 'city', { population: 0 }), member('乙町', 'town', { population: 0 })];
    expect(bases(apportion({ method: 'population', total: 0 }, ms, [], 2026))).toEqual([0, 0]);
  });

  it('none: each body contracts directly (岐阜県・大阪府)', () => {
    expect(ok(apportion({ method: 'none' }, [member('甲市', 'city')], [], 2026))).toMatchObject({ total: 0, shares: [] });
  });
});

describe('option charges', () => {
  it('add price × quantity (true = 1) for chosen options with a price', () => {
    const options = [
      { code: 'consult', name: '導入支援コンサル', price: 39_000 },
      { code: 'seats', name: '追加ID', price: 1_200 },
      { code: 'sso', name: 'シングルサインオン' },
    ];
    const ms = [
      member('岐阜県', 'prefecture', { options: { consult: true, seats: 25, sso: true } }),
      member('甲市', 'city', { options: { consult: false, seats: 0 } }),
    ];
    const result = ok(apportion({ method: 'equal', total: 770_000 }, ms, options, 2026));
    expect(result.shares[0]).toMatchObject({ base: 385_000, optionCharges: 39_000 + 30_000, amount: 454_000 });
    expect(result.shares[1]).toMatchObject({ base: 385_000, optionCharges: 0, amount: 385_000 });
    expect(result.optionTotal).toBe(69_000);
    expect(result.sum).toBe(770_000 + 69_000);
  });

  it('count true as one and false, zero or absent as none', () => {
    expect([true, false, undefined, 0, 25].map(optionQuantity)).toEqual([1, 0, 0, 0, 25]);
  });

  it('show as the quantity, ○ for yes and — for none, on pages and in documents alike', () => {
    expect([true, false, undefined, 0, 2, 1200].map(optionMark)).toEqual(['○', '—', '—', '—', '2', '1,200']);
  });
});

describe('largest remainder, for any members and any total', () => {
  const weightsArb = fc.array(fc.bigInt({ min: 0n, max: 10_000_000n }), { minLength: 1, maxLength: 80 }).filter((ws) => ws.some((w) => w > 0n));
  const totalArb = fc.bigInt({ min: 0n, max: 1_000_000_000_000n });

  it('sums exactly to the total', () => {
    fc.assert(
      fc.property(weightsArb, totalArb, (weights, total) => {
        expect(largestRemainder(total, weights).reduce((a, b) => a + b, 0n)).toBe(total);
      }),
    );
  });

  it('keeps each share within one yen of its exact proportion', () => {
    fc.assert(
      fc.property(weightsArb, totalArb, (weights, total) => {
        const sumW = weights.reduce((a, b) => a + b, 0n);
        largestRemainder(total, weights).forEach((share, i) => {
          // |share − total·w/W| < 1  ⇔  |share·W − total·w| < W
          const diff = share * sumW - total * weights[i]!;
          expect(diff < sumW && -diff < sumW).toBe(true);
        });
      }),
    );
  });

  it('holds through apportion() for population, births and mixed rules', () => {
    const memberArb = fc.record({ population: fc.integer({ min: 0, max: 4_000_000 }), births: fc.integer({ min: 0, max: 40_000 }) });
    fc.assert(
      fc.property(
        fc.array(memberArb, { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 0, max: 10_000_000_000 }),
        fc.integer({ min: 0, max: RATIO_SCALE }),
        (data, total, equalPart) => {
          fc.pre(data.some((d) => d.population > 0) && data.some((d) => d.births > 0));
          const ms = data.map((d, i) => member(`団体${i}`, 'town', { population: d.population, births: { '2024': d.births } }));
          for (const rule of [
            { method: 'population' as const, total },
            { method: 'births' as const, total },
            { method: 'mixed' as const, total, ratios: { equal: equalPart, population: RATIO_SCALE - equalPart, births: 0 } },
          ]) {
            const result = ok(apportion(rule, ms, [], 2026));
            expect(result.shares.reduce((a, s) => a + s.base, 0)).toBe(total);
            expect(result.shares.every((s) => Number.isInteger(s.base) && s.base >= 0)).toBe(true);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('gives a tied remainder to the larger weight: 2 yen over weights 1:3 is 0 and 2, in either order', () => {
    // exact shares 0.5 and 1.5: both remainders are one half, the odd yen goes to the weight of 3
    expect(largestRemainder(2n, [1n, 3n])).toEqual([0n, 2n]);
    expect(largestRemainder(2n, [3n, 1n])).toEqual([2n, 0n]);
    // and through apportion(): population 1 and 3 sharing 2 yen, whatever the order of the codes
    const small = member('小村', 'village', { population: 1, code: '431001' });
    const large = member('大町', 'town', { population: 3, code: '432001' });
    for (const ms of [[small, large], [large, small]]) {
      const shares = ok(apportion({ method: 'population', total: 2 }, ms, [], 2026)).shares;
      expect(Object.fromEntries(shares.map((s) => [s.memberName, s.base]))).toEqual({ 小村: 0, 大町: 2 });
    }
  });

  it('is deterministic whatever order the members arrive in', () => {
    const ms = [3, 3, 3, 1].map((p, i) => member(`同数${i}`, 'town', { population: p }));
    const forward = ok(apportion({ method: 'population', total: 1001 }, ms, [], 2026)).shares;
    const backward = ok(apportion({ method: 'population', total: 1001 }, [...ms].reverse(), [], 2026)).shares;
    expect(backward).toEqual(forward);
  });
});
