import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type YearShare, contractsOf, savingsOf, sharesWithTax } from '../../src/domain/contracts.ts';
import { Fraction } from '../../src/domain/fraction.ts';

const tenPercent = Fraction.decimal('0.1');

const shares: YearShare[] = [
  { memberId: 'm1', memberName: '甲市', amount: 123_457, options: { consult: true } },
  { memberId: 'm2', memberName: '乙町', amount: 200_000, options: {} },
  { memberId: 'm3', memberName: '丙村', amount: 76_543, options: { seats: 3 } },
];

const common = { caseId: 'case1', vendorId: 'vendor1', fiscalYear: 2026, taxRate: tenPercent, shares };

describe('contractsOf: one contract for all (一括契約)', () => {
  it('is one contract for the sum of the shares, taxed once and rounded down', () => {
    const contracts = contractsOf({ ...common, mode: 'bulk', party: { memberId: 'm1', name: '甲市' } });
    expect(contracts).toHaveLength(1);
    expect(contracts[0]).toMatchObject({
      id: 'case1-2026-bulk',
      kind: 'bulk',
      partyMemberId: 'm1',
      partyName: '甲市',
      vendorId: 'vendor1',
      fiscalYear: 2026,
      // 123,457 + 200,000 + 76,543
      amount: 400_000,
      amountWithTax: 440_000,
    });
  });

  it('lists each member\'s 負担金 with tax, adding up exactly to the contract\'s', () => {
    const [bulk] = contractsOf({ ...common, mode: 'bulk', party: { memberId: null, name: '共同調達協議会' } });
    // exact: 135,802.7 + 220,000 + 84,197.3; the floors leave one yen, which goes to the larger remainder (甲市)
    expect(bulk!.charges).toEqual([
      { memberId: 'm1', memberName: '甲市', amount: 123_457, amountWithTax: 135_803 },
      { memberId: 'm2', memberName: '乙町', amount: 200_000, amountWithTax: 220_000 },
      { memberId: 'm3', memberName: '丙村', amount: 76_543, amountWithTax: 84_197 },
    ]);
    expect(bulk!.charges!.reduce((a, ch) => a + ch.amountWithTax, 0)).toBe(bulk!.amountWithTax);
    // the consortium itself signs when no member is named
    expect(bulk).toMatchObject({ partyMemberId: null, partyName: '共同調達協議会' });
    expect(bulk!.options).toBeUndefined();
  });

  it('rounds the contract\'s tax down: 100,001 yen is 110,001 yen with tax', () => {
    const [bulk] = contractsOf({ ...common, mode: 'bulk', party: { memberId: null, name: '協議会' }, shares: [
      { memberId: 'm1', memberName: '甲市', amount: 50_001, options: {} },
      { memberId: 'm2', memberName: '乙町', amount: 50_000, options: {} },
    ] });
    // 100,001 × 1.1 = 110,001.1 → 110,001; the shares 55,001.1 and 55,000 → 55,001 and 55,000
    expect(bulk).toMatchObject({ amount: 100_001, amountWithTax: 110_001 });
    expect(bulk!.charges!.map((ch) => ch.amountWithTax)).toEqual([55_001, 55_000]);
  });

  it('makes no contract for a year without shares', () => {
    expect(contractsOf({ ...common, mode: 'bulk', party: { memberId: null, name: '協議会' }, shares: [] })).toEqual([]);
  });

  it('for any shares: amount = Σ shares, amountWithTax = ⌊amount × 1.1⌋, and the charges add up to it', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 100_000_000 }), { minLength: 1, maxLength: 50 }), (amounts) => {
        const ys = amounts.map((amount, i) => ({ memberId: `m${i}`, memberName: `団体${i}`, amount, options: {} }));
        const [bulk] = contractsOf({ ...common, mode: 'bulk', party: { memberId: null, name: '協議会' }, shares: ys });
        const amount = amounts.reduce((a, b) => a + b, 0);
        expect(bulk!.amount).toBe(amount);
        expect(bulk!.amountWithTax).toBe(Math.floor((amount * 11) / 10));
        expect(bulk!.charges!.map((ch) => ch.amount)).toEqual(amounts);
        expect(bulk!.charges!.reduce((a, ch) => a + ch.amountWithTax, 0)).toBe(bulk!.amountWithTax);
        // each charge lies within a yen of its own exact taxed amount
        for (const ch of bulk!.charges!) expect(Math.abs(ch.amountWithTax - (ch.amount * bulk!.amountWithTax) / Math.max(amount, 1))).toBeLessThan(1);
      }),
    );
  });
});

describe('contractsOf: one contract per member (個別契約)', () => {
  it('is one contract per share, each taxed and rounded down on its own', () => {
    const contracts = contractsOf({ ...common, mode: 'individual', party: { memberId: 'm2', name: '乙町' } });
    expect(contracts).toEqual([
      // 123,457 × 1.1 = 135,802.7 → 135,802 (not the 135,803 it is charged in a bulk contract)
      { id: 'case1-2026-m1', kind: 'individual', partyMemberId: 'm1', partyName: '甲市', vendorId: 'vendor1', fiscalYear: 2026, amount: 123_457, amountWithTax: 135_802, options: { consult: true } },
      { id: 'case1-2026-m2', kind: 'individual', partyMemberId: 'm2', partyName: '乙町', vendorId: 'vendor1', fiscalYear: 2026, amount: 200_000, amountWithTax: 220_000, options: {} },
      // 76,543 × 1.1 = 84,197.3 → 84,197
      { id: 'case1-2026-m3', kind: 'individual', partyMemberId: 'm3', partyName: '丙村', vendorId: 'vendor1', fiscalYear: 2026, amount: 76_543, amountWithTax: 84_197, options: { seats: 3 } },
    ]);
    // rounding each contract down makes a yen less than the bulk contract's 440,000
    expect(contracts.reduce((a, k) => a + k.amountWithTax, 0)).toBe(439_999);
  });

  it('taxes each contract as ⌊amount × 1.1⌋, for any amount', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1_000_000_000 }), { maxLength: 20 }), (amounts) => {
        const ys = amounts.map((amount, i) => ({ memberId: `m${i}`, memberName: `団体${i}`, amount, options: {} }));
        const contracts = contractsOf({ ...common, mode: 'individual', party: { memberId: null, name: '協議会' }, shares: ys });
        expect(contracts.map((k) => k.amount)).toEqual(amounts);
        expect(contracts.map((k) => k.amountWithTax)).toEqual(amounts.map((x) => Math.floor((x * 11) / 10)));
        expect(contracts.every((k) => k.charges === undefined)).toBe(true);
      }),
    );
  });

  it('uses the tax rate given: 8% of 1,234,567 yen is 1,333,332 yen with tax', () => {
    const [k] = contractsOf({ ...common, taxRate: Fraction.decimal('0.08'), mode: 'individual', party: { memberId: null, name: '協議会' }, shares: [{ memberId: 'm1', memberName: '甲市', amount: 1_234_567, options: {} }] });
    // 1,234,567 × 1.08 = 1,333,332.36
    expect(k!.amountWithTax).toBe(1_333_332);
  });
});

describe('sharesWithTax', () => {
  it('splits the taxed total in proportion to the amounts, the odd yen to the largest remainder', () => {
    // 110 × (1, 2, 7)/10 = 11, 22, 77 exactly
    expect(sharesWithTax([1, 2, 7], 110)).toEqual([11, 22, 77]);
    // 4 × (1, 1, 1)/3: 1.33 each, one yen left over goes to the first
    expect(sharesWithTax([1, 1, 1], 4)).toEqual([2, 1, 1]);
    expect(sharesWithTax([123_457, 200_000, 76_543], 440_000)).toEqual([135_803, 220_000, 84_197]);
  });

  it('gives nothing when every amount is zero', () => {
    expect(sharesWithTax([0, 0], 0)).toEqual([0, 0]);
    expect(sharesWithTax([], 0)).toEqual([]);
  });

  it('adds up exactly to the taxed total, for any amounts', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1_000_000_000 }), { minLength: 1, maxLength: 60 }), (amounts) => {
        fc.pre(amounts.some((x) => x > 0));
        const total = amounts.reduce((a, b) => a + b, 0);
        const taxedTotal = Math.floor((total * 11) / 10);
        const taxed = sharesWithTax(amounts, taxedTotal);
        expect(taxed.reduce((a, b) => a + b, 0)).toBe(taxedTotal);
        expect(taxed.every((x) => Number.isInteger(x) && x >= 0)).toBe(true);
      }),
    );
  });
});

describe('savingsOf: against each member\'s standard price', () => {
  it('leaves out members without a standard price and totals the rest', () => {
    const report = savingsOf([
      { memberId: 'm1', memberName: '甲市', standardPrice: 500_000, amount: 400_000 },
      { memberId: 'm2', memberName: '乙町', standardPrice: null, amount: 250_000 },
      { memberId: 'm3', memberName: '丙村', standardPrice: 0, amount: 90_000 },
      { memberId: 'm4', memberName: '丁町', standardPrice: 300_000, amount: 330_000 },
    ]);
    expect(report.members).toEqual([
      // 100,000 ÷ 500,000
      { memberId: 'm1', memberName: '甲市', standardPrice: 500_000, amount: 400_000, saving: 100_000, rate: 0.2 },
      // dearer jointly: −30,000 ÷ 300,000
      { memberId: 'm4', memberName: '丁町', standardPrice: 300_000, amount: 330_000, saving: -30_000, rate: -0.1 },
    ]);
    // 70,000 ÷ 800,000; 乙町's 250,000 and 丙村's 90,000 are in neither side
    expect(report.total).toEqual({ standardPrice: 800_000, amount: 730_000, saving: 70_000, rate: 0.0875 });
  });

  it('totals zero, at a rate of zero, when no member has a standard price', () => {
    expect(savingsOf([{ memberId: 'm1', memberName: '甲市', standardPrice: null, amount: 1 }])).toEqual({
      members: [],
      total: { standardPrice: 0, amount: 0, saving: 0, rate: 0 },
    });
    expect(savingsOf([]).total).toEqual({ standardPrice: 0, amount: 0, saving: 0, rate: 0 });
  });

  it('is the saving ÷ the standard price, for each member and in total', () => {
    const row = fc.record({ standardPrice: fc.option(fc.integer({ min: 0, max: 1_000_000_000 })), amount: fc.integer({ min: 0, max: 1_000_000_000 }) });
    fc.assert(
      fc.property(fc.array(row, { maxLength: 30 }), (data) => {
        const rows = data.map((r, i) => ({ memberId: `m${i}`, memberName: `団体${i}`, ...r }));
        const report = savingsOf(rows);
        const kept = rows.filter((r) => r.standardPrice !== null && r.standardPrice > 0);
        expect(report.members.map((m) => m.memberId)).toEqual(kept.map((r) => r.memberId));
        for (const m of report.members) {
          expect(m.saving).toBe(m.standardPrice - m.amount);
          expect(m.rate).toBe(m.saving / m.standardPrice);
        }
        const standard = kept.reduce((a, r) => a + r.standardPrice!, 0);
        const amount = kept.reduce((a, r) => a + r.amount, 0);
        expect(report.total).toEqual({ standardPrice: standard, amount, saving: standard - amount, rate: standard === 0 ? 0 : (standard - amount) / standard });
      }),
    );
  });
});
