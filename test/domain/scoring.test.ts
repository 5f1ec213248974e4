import { describe, expect, it } from 'vitest';
import type { Criterion, SheetScore } from '../../schema/index.ts';
import { Fraction } from '../../src/domain/fraction.ts';
import { type Proposal, type ScoringRules, type Sheet, rankProposals, sheetProblems, sheetTotal } from '../../src/domain/scoring.ts';

const grades = { A: Fraction.decimal(1), B: Fraction.decimal(0.75), C: Fraction.decimal(0.5), D: Fraction.decimal(0.25), E: Fraction.decimal(0) };

const criteria: Criterion[] = [
  { code: 'func', group: '技術提案', name: '機能要件の充足度', maxPoints: 40, mode: 'points' },
  { code: 'ops', group: '技術提案', name: '運用・保守体制', maxPoints: 30, mode: 'grade' },
  { code: 'lgwan', group: '必須要件', name: 'LGWAN環境での利用', maxPoints: 0, mode: 'pass_fail' },
  { code: 'price', group: '価格', name: '価格点', maxPoints: 30, mode: 'price' },
];

const rules = (over: Partial<ScoringRules> = {}): ScoringRules => ({ criteria, aggregation: 'average', passRatio: Fraction.decimal(0.6), grades, ...over });

function sheets(vendorId: string, rows: [string, number, SheetScore, boolean][]): Sheet[] {
  return rows.map(([evaluatorId, func, ops, lgwan]) => ({ evaluatorId, vendorId, scores: { func, ops, lgwan } }));
}

const X: Proposal = { vendorId: 'x', vendorName: '提案者X', price: 8_000_000 };
const Y: Proposal = { vendorId: 'y', vendorName: '提案者Y', price: 10_000_000 };
const Z: Proposal = { vendorId: 'z', vendorName: '提案者Z', price: 9_000_000 };
const three = ['e1', 'e2', 'e3'];

describe('sheets', () => {
  it('total points and grades (A–E × maxPoints), leaving pass/fail and price out', () => {
    expect(sheetTotal(rules(), { func: 28, ops: 'B', lgwan: true }).toNumber()).toBe(50.5);
    expect(sheetTotal(rules(), { func: 12.25 }).toNumber()).toBe(12.25);
  });

  it('refuse out-of-range points, unknown grades, a typed price, and an incomplete submission', () => {
    const problems = sheetProblems(rules(), { func: 41, ops: 'F' as never, price: 10 as never, nope: 1 }, true).map((p) => p.code);
    expect(problems).toEqual(['func', 'ops', 'price', 'nope', 'lgwan']);
    expect(sheetProblems(rules(), { func: 1.234 }, false)[0]!.message).toContain('小数第2位まで');
    // decimals that binary floating point cannot hold exactly are still two places
    for (const func of [8.2, 16.4, 0.07, 1.13, 39.99]) expect(sheetProblems(rules(), { func }, false)).toEqual([]);
    expect(sheetProblems(rules(), { func: 40, ops: 'E', lgwan: false }, true)).toEqual([]);
  });
});

describe('ranking, worked by hand', () => {
  // X: e1 30+A(30)=60, e2 28+B(22.5)=50.5, e3 32+B(22.5)=54.5 → mean 165/3 = 55; price 30×8/8 = 30 → 85
  // Y: e1 36+A=66, e2 35+A=65, e3 34+B=56.5 → mean 187.5/3 = 62.5; price 30×8/10 = 24 → 86.5
  // Z: e1 20+D(7.5)=27.5, e2 22+C(15)=37, e3 25+C=40 → mean 104.5/3 = 34.83 < pass line 0.6×70 = 42
  const allSheets = [
    ...sheets('x', [['e1', 30, 'A', true], ['e2', 28, 'B', true], ['e3', 32, 'B', true]]),
    ...sheets('y', [['e1', 36, 'A', true], ['e2', 35, 'A', true], ['e3', 34, 'B', true]]),
    ...sheets('z', [['e1', 20, 'D', true], ['e2', 22, 'C', true], ['e3', 25, 'C', true]]),
  ];

  it('ranks by total with the price formula, and puts a vendor under the pass line last', () => {
    const result = rankProposals(rules(), [X, Y, Z], allSheets, three);
    expect(result.technicalMax).toBe(70);
    expect(result.passLine).toBe(42);
    expect(result.ranking.slice(0, 2).map((r) => [r.vendorId, r.rank, r.technical, r.price, r.total, r.passed])).toEqual([
      ['y', 1, 62.5, 24, 86.5, true],
      ['x', 2, 55, 30, 85, true],
    ]);
    const z = result.ranking[2]!;
    expect([z.vendorId, z.rank, z.passed]).toEqual(['z', 3, false]);
    expect(z.technical).toBeCloseTo(34.8333, 4);
    expect(z.price).toBeCloseTo(26.6667, 4);
    expect(result.ranking[2]!.belowPassLine).toBe(true);
    expect(result).toMatchObject({ preferred: 'y', runnerUp: 'x' });
  });

  it('fails a vendor when more than half the evaluators fail a mandatory item, whatever its score', () => {
    const failing = [
      ...sheets('y', [['e1', 40, 'A', false], ['e2', 40, 'A', false], ['e3', 40, 'A', true]]),
      ...sheets('x', [['e1', 30, 'A', true], ['e2', 28, 'B', false], ['e3', 32, 'B', true]]),
    ];
    const result = rankProposals(rules(), [X, Y], failing, three);
    expect(result.ranking.map((r) => [r.vendorId, r.passed, r.failedItems])).toEqual([
      ['x', true, []],
      ['y', false, ['lgwan']],
    ]);
    expect(result).toMatchObject({ preferred: 'x', runnerUp: null });
  });

  it('with two evaluators, one "不適" of two is not more than half', () => {
    const two = sheets('x', [['e1', 30, 'A', false], ['e2', 30, 'A', true]]);
    expect(rankProposals(rules(), [X], two, ['e1', 'e2']).ranking[0]!.passed).toBe(true);
  });

  it('breaks an equal total by the technical score, then by the lower price, and flags what remains', () => {
    const noPriceRules = rules({ criteria: criteria.filter((c) => c.mode !== 'price') });
    const P: Proposal = { vendorId: 'p', vendorName: 'P', price: 5_000_000 };
    const Q: Proposal = { vendorId: 'q', vendorName: 'Q', price: 4_000_000 };
    const R: Proposal = { vendorId: 'r', vendorName: 'R', price: 4_000_000 };
    const same = (v: string) => sheets(v, [['e1', 30, 'B', true]]);
    // all three 52.5 technical; Q and R share the lower price → a true tie between them
    const result = rankProposals(noPriceRules, [P, Q, R], [...same('p'), ...same('q'), ...same('r')], ['e1']);
    expect(result.ranking.map((r) => [r.vendorId, r.rank, r.tie])).toEqual([
      ['q', 1, true],
      ['r', 1, true],
      ['p', 3, false],
    ]);
    // equal totals, different technical: the higher technical ranks first (30+24=54 vs 31+23=54)
    const techVsPrice = rankProposals(rules(), [
      { vendorId: 'a', vendorName: 'A', price: 10_000_000 },
      { vendorId: 'b', vendorName: 'B', price: 8_000_000 },
    ], [
      { evaluatorId: 'e1', vendorId: 'a', scores: { func: 40, ops: 'A', lgwan: true } },
      { evaluatorId: 'e1', vendorId: 'b', scores: { func: 34, ops: 'A', lgwan: true } },
    ], ['e1']);
    // a: 70 + 24 = 94; b: 64 + 30 = 94 → a first on technical
    expect(techVsPrice.ranking.map((r) => [r.vendorId, r.total, r.tie])).toEqual([['a', 94, false], ['b', 94, false]]);
  });

  it('drops one highest and one lowest under trimmed_mean with 3 evaluators', () => {
    const s = sheets('x', [['e1', 20, 'A', true], ['e2', 40, 'A', true], ['e3', 30, 'E', true]]);
    // totals 50, 70, 30 → only 50 counts
    expect(rankProposals(rules({ aggregation: 'trimmed_mean' }), [X], s, three).ranking[0]!.technical).toBe(50);
  });

  it('drops one highest and one lowest under trimmed_mean with 5 evaluators', () => {
    const five = ['e1', 'e2', 'e3', 'e4', 'e5'];
    // totals 40, 60, 65, 70, 70 (func + A's 30) → drop 40 and one 70 → (60 + 65 + 70) / 3 = 65
    const s = sheets('x', [['e1', 10, 'A', true], ['e2', 30, 'A', true], ['e3', 35, 'A', true], ['e4', 40, 'A', true], ['e5', 40, 'A', true]]);
    expect(rankProposals(rules({ aggregation: 'trimmed_mean' }), [X], s, five).ranking[0]!.technical).toBe(65);
    // with 2 evaluators nothing is dropped: plain mean
    expect(rankProposals(rules({ aggregation: 'trimmed_mean' }), [X], s.slice(0, 2), ['e1', 'e2']).ranking[0]!.technical).toBe(50);
  });

  it('sums over evaluators under sum, the price points once per evaluator and the pass line on the summed maximum', () => {
    const result = rankProposals(rules({ aggregation: 'sum' }), [X, Y], allSheets, three);
    expect(result.technicalMax).toBe(210);
    expect(result.passLine).toBe(126);
    expect(result.ranking.map((r) => [r.vendorId, r.technical, r.price, r.total])).toEqual([
      ['y', 187.5, 72, 259.5],
      ['x', 165, 90, 255],
    ]);
  });

  it('gives a vendor without a price no price points, and averages per criterion for the results page', () => {
    const noPrice: Proposal = { vendorId: 'x', vendorName: 'X', price: null };
    const result = rankProposals(rules(), [noPrice, Y], allSheets, three);
    expect(result.ranking.find((r) => r.vendorId === 'x')!.price).toBe(0);
    expect(result.ranking.find((r) => r.vendorId === 'y')!.price).toBe(30);
    expect(result.criterionAverages.find((c) => c.code === 'func')!.byVendor).toEqual({ x: 30, y: 35 });
    expect(result.criterionAverages.find((c) => c.code === 'lgwan')!.byVendor).toEqual({ x: 1, y: 1 });
    expect(result.evaluatorTotals[0]).toEqual({ evaluatorId: 'e1', byVendor: { x: 60, y: 66 } });
  });
});

describe('Fraction', () => {
  it('is exact where floating point is not', () => {
    expect(Fraction.decimal(0.1).add(Fraction.decimal(0.2)).equals(Fraction.decimal('0.3'))).toBe(true);
    expect(Fraction.of(1, 3).mul(Fraction.of(3)).equals(Fraction.ONE)).toBe(true);
    expect(Fraction.decimal(1e-7).toNumber()).toBe(1e-7);
  });
});
