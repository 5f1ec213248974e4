import type { Criterion, Grade, SheetScore } from '../../schema/index.ts';
import { Fraction, hasAtMostDecimals } from './fraction.ts';

/**
 * Proposal evaluation (プロポーザル評価), as published before the evaluation:
 * - a grade scores maxPoints × its coefficient; an evaluator's technical score for a vendor is the sum
 *   of the points and grade criteria;
 * - technical = the mean over evaluators (average), their sum (sum), or the mean after dropping one
 *   highest and one lowest (trimmed_mean, with 3 or more evaluators);
 * - the price criterion scores maxPoints × lowest price ÷ this price, once (times the number of
 *   evaluators under sum);
 * - a pass/fail item fails the vendor when more than half the evaluators say false; passing also
 *   needs technical ≥ passRatio × the technical maximum (最低基準点);
 * - ranking by total, then technical, then lower price; a remaining tie is flagged on both; failed
 *   vendors rank after passed ones; the first two passed are the preferred negotiator and runner-up.
 * All arithmetic is exact.
 */

export const gradeLetters: readonly Grade[] = ['A', 'B', 'C', 'D', 'E'];

export type Aggregation = 'average' | 'sum' | 'trimmed_mean';

/** How the committee's sheets are combined, as documents and exports name it. */
export const aggregationLabels: Record<Aggregation, string> = {
  average: '評価委員の平均',
  sum: '評価委員の合計',
  trimmed_mean: '最高点と最低点を除いた評価委員の平均',
};

export interface ScoringRules {
  criteria: readonly Criterion[];
  aggregation: Aggregation;
  passRatio: Fraction;
  grades: Record<Grade, Fraction>;
}

export interface Proposal {
  vendorId: string;
  vendorName: string;
  /** yen, tax excluded; null when the vendor gave none */
  price: number | null;
}

export interface Sheet {
  evaluatorId: string;
  vendorId: string;
  scores: Record<string, SheetScore>;
}

const scored = (c: Criterion) => c.mode === 'points' || c.mode === 'grade';

// Every sheet value is an exact multiple of 10⁻⁸ point (points have at most 2 decimals; a grade is
// maxPoints with 2 decimals × a coefficient with at most 6), so sheets add up in integer units —
// exact, and far cheaper than fractions; fractions take over where evaluators are averaged.
const UNITS = 100_000_000;
const gradeUnitCache = new WeakMap<ScoringRules, Map<string, number>>();

function gradeUnits(rules: ScoringRules, criterion: Criterion, grade: Grade): number {
  let cache = gradeUnitCache.get(rules);
  if (!cache) gradeUnitCache.set(rules, (cache = new Map()));
  const key = `${criterion.maxPoints}\u0000${grade}`;
  let units = cache.get(key);
  if (units === undefined) {
    const exact = Fraction.decimal(criterion.maxPoints).mul(rules.grades[grade]).mul(Fraction.of(UNITS));
    if (exact.d !== 1n) throw new RangeError('a grade coefficient has more than six decimal places');
    units = Number(exact.n);
    cache.set(key, units);
  }
  return units;
}

/** A criterion's answer in units of 10⁻⁸ point (pass/fail and price are not points on a sheet). */
function criterionUnits(rules: ScoringRules, criterion: Criterion, value: SheetScore | undefined): number {
  if (criterion.mode === 'points' && typeof value === 'number') return Math.round(value * UNITS);
  if (criterion.mode === 'grade' && typeof value === 'string') return gradeUnits(rules, criterion, value as Grade);
  return 0;
}

function sheetUnits(rules: ScoringRules, scores: Record<string, SheetScore>): number {
  let total = 0;
  for (const c of rules.criteria) if (scored(c)) total += criterionUnits(rules, c, scores[c.code]);
  return total;
}

/** An evaluator's technical score on one sheet: the running total the sheet shows. */
export function sheetTotal(rules: ScoringRules, scores: Record<string, SheetScore>): Fraction {
  return Fraction.of(sheetUnits(rules, scores), UNITS);
}

/** The maximum an evaluator can give on a sheet. */
export function sheetMaximum(rules: ScoringRules): Fraction {
  return Fraction.sum(rules.criteria.filter(scored).map((c) => Fraction.decimal(c.maxPoints)));
}

/** What is wrong with a sheet's scores; `complete` also requires every criterion but price answered. */
export function sheetProblems(rules: ScoringRules, scores: Record<string, SheetScore>, complete: boolean): { code: string; message: string }[] {
  const byCode = new Map(rules.criteria.map((c) => [c.code, c]));
  const problems: { code: string; message: string }[] = [];
  for (const [code, value] of Object.entries(scores)) {
    const c = byCode.get(code);
    if (!c) {
      problems.push({ code, message: `評価項目にないコード「${code}」です` });
      continue;
    }
    if (c.mode === 'price') problems.push({ code, message: `「${c.name}」は価格から自動で計算されるため、入力できません` });
    else if (c.mode === 'points') {
      const ok = typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= c.maxPoints && hasAtMostDecimals(value, 2);
      if (!ok) problems.push({ code, message: `「${c.name}」は0〜${c.maxPoints}点（小数第2位まで）で入力してください` });
    } else if (c.mode === 'grade') {
      if (typeof value !== 'string' || !gradeLetters.includes(value as Grade)) problems.push({ code, message: `「${c.name}」は A〜E で評価してください` });
    } else if (typeof value !== 'boolean') problems.push({ code, message: `「${c.name}」は適・不適で評価してください` });
  }
  if (complete) {
    for (const c of rules.criteria) {
      if (c.mode !== 'price' && scores[c.code] === undefined) problems.push({ code: c.code, message: `「${c.name}」が未評価です` });
    }
  }
  return problems;
}

export interface RankedProposal {
  vendorId: string;
  vendorName: string;
  rank: number;
  technical: number;
  price: number;
  total: number;
  passed: boolean;
  tie: boolean;
  /** pass/fail items failed by a majority of the evaluators */
  failedItems: string[];
  belowPassLine: boolean;
  bidPrice: number | null;
}

export interface Ranking {
  ranking: RankedProposal[];
  preferred: string | null;
  runnerUp: string | null;
  evaluatorCount: number;
  technicalMax: number;
  passLine: number;
  /** per criterion, per vendor: the mean score over the evaluators (pass/fail: the share saying 適) */
  criterionAverages: { code: string; name: string; mode: Criterion['mode']; byVendor: Record<string, number> }[];
  /** per evaluator, per vendor: that evaluator's technical total */
  evaluatorTotals: { evaluatorId: string; byVendor: Record<string, number> }[];
}

function aggregate(rules: ScoringRules, values: Fraction[]): Fraction {
  if (values.length === 0) return Fraction.ZERO;
  if (rules.aggregation === 'sum') return Fraction.sum(values);
  let counted = values;
  if (rules.aggregation === 'trimmed_mean' && values.length >= 3) {
    counted = [...values].sort((a, b) => a.cmp(b)).slice(1, -1);
  }
  return Fraction.sum(counted).div(Fraction.of(counted.length));
}

/** Ranks the proposals from the submitted sheets of the counted evaluators. */
export function rankProposals(rules: ScoringRules, proposals: readonly Proposal[], sheets: readonly Sheet[], evaluatorIds: readonly string[]): Ranking {
  const n = evaluatorIds.length;
  const counted = new Set(evaluatorIds);
  const sheetOf = new Map(sheets.filter((s) => counted.has(s.evaluatorId)).map((s) => [`${s.evaluatorId}\u0000${s.vendorId}`, s.scores]));
  const scoresOf = (evaluatorId: string, vendorId: string) => sheetOf.get(`${evaluatorId}\u0000${vendorId}`) ?? {};

  const priceCriteria = rules.criteria.filter((c) => c.mode === 'price');
  const prices = proposals.map((p) => p.price).filter((p): p is number => p !== null && p >= 0);
  const lowest = prices.length > 0 ? Math.min(...prices) : null;
  const evaluatorFactor = rules.aggregation === 'sum' ? Fraction.of(Math.max(n, 1)) : Fraction.ONE;
  const technicalMax = sheetMaximum(rules).mul(evaluatorFactor);
  const passLine = rules.passRatio.mul(technicalMax);

  const units = new Map<string, number>();
  for (const e of evaluatorIds) for (const p of proposals) units.set(`${e}\u0000${p.vendorId}`, sheetUnits(rules, scoresOf(e, p.vendorId)));
  const unitsOf = (evaluatorId: string, vendorId: string) => units.get(`${evaluatorId}\u0000${vendorId}`) ?? 0;

  const rows = proposals.map((p, order) => {
    const perEvaluator = evaluatorIds.map((e) => Fraction.of(unitsOf(e, p.vendorId), UNITS));
    const technical = aggregate(rules, perEvaluator);
    let price = Fraction.ZERO;
    if (p.price !== null && lowest !== null) {
      for (const c of priceCriteria) {
        const share = p.price === 0 ? Fraction.ONE : Fraction.of(lowest, p.price);
        price = price.add(Fraction.decimal(c.maxPoints).mul(share).mul(evaluatorFactor));
      }
    }
    const failedItems = rules.criteria
      .filter((c) => c.mode === 'pass_fail')
      .filter((c) => evaluatorIds.filter((e) => scoresOf(e, p.vendorId)[c.code] === false).length * 2 > n)
      .map((c) => c.code);
    const belowPassLine = technical.cmp(passLine) < 0;
    return { p, order, technical, price, total: technical.add(price), passed: failedItems.length === 0 && !belowPassLine, failedItems, belowPassLine };
  });

  const compare = (a: (typeof rows)[number], b: (typeof rows)[number]) =>
    Number(b.passed) - Number(a.passed) || b.total.cmp(a.total) || b.technical.cmp(a.technical) || comparePrice(a.p.price, b.p.price);
  const sorted = [...rows].sort((a, b) => compare(a, b) || a.order - b.order);

  const ranking: RankedProposal[] = [];
  sorted.forEach((row, i) => {
    const previous = sorted[i - 1];
    const next = sorted[i + 1];
    const tiedWithPrevious = previous !== undefined && compare(previous, row) === 0;
    const tiedWithNext = next !== undefined && compare(row, next) === 0;
    ranking.push({
      vendorId: row.p.vendorId,
      vendorName: row.p.vendorName,
      rank: tiedWithPrevious ? ranking[i - 1]!.rank : i + 1,
      technical: row.technical.toNumber(),
      price: row.price.toNumber(),
      total: row.total.toNumber(),
      passed: row.passed,
      tie: tiedWithPrevious || tiedWithNext,
      failedItems: row.failedItems,
      belowPassLine: row.belowPassLine,
      bidPrice: row.p.price,
    });
  });
  const passed = ranking.filter((r) => r.passed);

  const criterionAverages = rules.criteria
    .filter((c) => c.mode !== 'price')
    .map((c) => ({
      code: c.code,
      name: c.name,
      mode: c.mode,
      byVendor: Object.fromEntries(
        proposals.map((p) => {
          if (n === 0) return [p.vendorId, 0];
          let sum = 0;
          for (const e of evaluatorIds) {
            const v = scoresOf(e, p.vendorId)[c.code];
            sum += c.mode === 'pass_fail' ? (v === true ? UNITS : 0) : criterionUnits(rules, c, v);
          }
          // for display only
          return [p.vendorId, sum / UNITS / n];
        }),
      ),
    }));
  const evaluatorTotals = evaluatorIds.map((e) => ({
    evaluatorId: e,
    byVendor: Object.fromEntries(proposals.map((p) => [p.vendorId, unitsOf(e, p.vendorId) / UNITS])),
  }));

  return {
    ranking,
    preferred: passed[0]?.vendorId ?? null,
    runnerUp: passed[1]?.vendorId ?? null,
    evaluatorCount: n,
    technicalMax: technicalMax.toNumber(),
    passLine: passLine.toNumber(),
    criterionAverages,
    evaluatorTotals,
  };
}

function comparePrice(a: number | null, b: number | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a - b;
}
