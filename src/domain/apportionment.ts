/**
 * Cost apportionment (費用按分): how a total is shared among the participating member bodies.
 * All arithmetic is exact (BigInt): base shares are whole yen, sum exactly to the total (largest
 * remainder), and each lies within one yen of its exact proportion.
 */

import { type KindedOption, optionsCost } from './options.ts';

export const memberKinds = ['prefecture', 'city', 'town', 'village', 'union', 'other'] as const;
export type MemberKind = (typeof memberKinds)[number];

/** The largest population or birth count a member may record (more than any Japanese body has). */
export const MAX_MEMBER_COUNT = 100_000_000;
/** A fiscal year as a member's birth counts are keyed: four digits, 1900–2199. */
export const FISCAL_YEAR_PATTERN = /^(19|20|21)\d{2}$/;

export const memberKindLabels: Record<MemberKind, string> = {
  prefecture: '都道府県',
  city: '市',
  town: '町',
  village: '村',
  union: '一部事務組合',
  other: 'その他',
};

export const apportionmentMethods = ['equal', 'tier', 'population', 'births', 'mixed', 'none'] as const;
export type ApportionmentMethod = (typeof apportionmentMethods)[number];

export const apportionmentMethodLabels: Record<ApportionmentMethod, string> = {
  equal: '均等割',
  tier: '区分別定額（都道府県・市・町・村）',
  population: '人口割',
  births: '出生数割（前々年度）',
  mixed: '組合せ（均等割・人口割・出生数割）',
  none: '按分なし（各団体が直接契約）',
};

/** Ratios of a mixed rule, in millionths so that they add up exactly. */
export const RATIO_SCALE = 1_000_000;

/**
 * A total that follows the participants' summed births (of the year before last) or population: a unit
 * price per head, or the amount of the first tier whose upper bound holds the sum (null: no bound).
 */
export interface VolumePricing {
  basis: 'births' | 'population';
  unitPrice?: number | undefined;
  tiers?: { upTo: number | null; amount: number }[] | undefined;
}

export type ApportionmentRule =
  | { method: 'equal'; total: number; volumePricing?: VolumePricing | undefined }
  | { method: 'tier'; tierPrices: Partial<Record<MemberKind, number>> }
  | { method: 'population'; total: number; volumePricing?: VolumePricing | undefined }
  | { method: 'births'; total: number; volumePricing?: VolumePricing | undefined }
  | { method: 'mixed'; total: number; ratios: { equal: number; population: number; births: number }; volumePricing?: VolumePricing | undefined }
  | { method: 'none' };

/** Whether the year's total comes from the rule itself (prices per kind of body or per volume) rather than from a fixed sum. */
export const isPricedRule = (rule: ApportionmentRule): boolean => rule.method === 'tier' || ('volumePricing' in rule && rule.volumePricing !== undefined);

export interface ApportionedMember {
  id: string;
  name: string;
  kind: MemberKind;
  /** 地方公共団体コード: orders the members and breaks ties between equal remainders */
  code: string | null;
  population: number | null;
  births: Record<string, number>;
  /** chosen options: true/false or a quantity */
  options: Record<string, boolean | number>;
}

export type PricedOption = KindedOption;

export interface Share {
  memberId: string;
  memberName: string;
  base: number;
  optionCharges: number;
  amount: number;
}

export type Apportionment =
  | { ok: true; method: ApportionmentMethod; total: number; sum: number; optionTotal: number; shares: Share[]; volume?: { basis: 'births' | 'population'; sum: number } }
  | { ok: false; reason: string; members?: string[] };

type VolumeTotal = { ok: true; total: number; sum: number } | { ok: false; reason: string; members?: string[] };

/** The year's total under a volume price: unitPrice × Σ basis, or the first tier with upTo ≥ Σ basis. */
export function volumeTotal(pricing: VolumePricing, participants: readonly ApportionedMember[], fiscalYear: number): VolumeTotal {
  const birthsYear = String(birthsFiscalYear(fiscalYear));
  const missing = participants.filter((m) => (pricing.basis === 'births' ? m.births[birthsYear] === undefined : m.population === null));
  if (missing.length > 0) {
    const what = pricing.basis === 'births' ? `${birthsYear}年度の出生数` : '人口';
    return { ok: false, reason: `${what}が登録されていない団体があるため、数量に応じた金額を計算できません。`, members: missing.map((m) => m.name) };
  }
  const sum = participants.reduce((a, m) => a + (pricing.basis === 'births' ? m.births[birthsYear]! : m.population!), 0);
  if (pricing.unitPrice !== undefined) return { ok: true, total: pricing.unitPrice * sum, sum };
  const tier = (pricing.tiers ?? []).find((t) => t.upTo === null || sum <= t.upTo);
  if (!tier) return { ok: false, reason: `数量の合計（${sum.toLocaleString('ja-JP')}）が価格表のどの区分にも入りません。上限のない区分を設けてください。` };
  return { ok: true, total: tier.amount, sum };
}

/** Whether a participant takes part in fiscal year `year`: from its first year to its last (if it left). */
export function takesPartIn(p: { fromFiscalYear: number | null; untilFiscalYear: number | null }, caseFiscalYear: number, year: number): boolean {
  return (p.fromFiscalYear ?? caseFiscalYear) <= year && (p.untilFiscalYear === null || year <= p.untilFiscalYear);
}

/** The fiscal year whose births count for a case of `caseFiscalYear` (前々年度). */
export const birthsFiscalYear = (caseFiscalYear: number): number => caseFiscalYear - 2;

/** Quantity of an option choice: true is one, false or absent is none. */
export const optionQuantity = (value: boolean | number | undefined): number =>
  value === true ? 1 : typeof value === 'number' && value > 0 ? value : 0;

/** How a member's option choice is shown on pages and in documents: the quantity where one was given, ○ for yes, — for none. */
export function optionMark(value: boolean | number | undefined): string {
  if (typeof value === 'number') return value > 0 ? value.toLocaleString('ja-JP') : '—';
  return value === true ? '○' : '—';
}

/** What a body's chosen options cost (see optionsCost: a yes/no option is charged once, a quantity per unit). */
export const optionCharges = (options: readonly PricedOption[], chosen: Record<string, boolean | number>): number => optionsCost(options, chosen);

/**
 * Splits `total` in proportion to `weights` by the largest-remainder method: each share is the floor of
 * its exact proportion, and the yen left over go one each to the largest remainders (ties: larger
 * weight first, then the order given). The weights must not all be zero.
 */
export function largestRemainder(total: bigint, weights: readonly bigint[]): bigint[] {
  const sumWeights = weights.reduce((a, b) => a + b, 0n);
  if (sumWeights <= 0n) throw new RangeError('weights must have a positive sum');
  const floors = weights.map((w) => (total * w) / sumWeights);
  const remainders = weights.map((w) => (total * w) % sumWeights);
  let left = total - floors.reduce((a, b) => a + b, 0n);
  const order = weights
    .map((_, i) => i)
    .sort((a, b) => {
      const byRemainder = remainders[b]! - remainders[a]!;
      if (byRemainder !== 0n) return byRemainder > 0n ? 1 : -1;
      const byWeight = weights[b]! - weights[a]!;
      if (byWeight !== 0n) return byWeight > 0n ? 1 : -1;
      return a - b;
    });
  for (const i of order) {
    if (left === 0n) break;
    floors[i] = floors[i]! + 1n;
    left -= 1n;
  }
  return floors;
}

const byCode = (a: ApportionedMember, b: ApportionedMember) =>
  (a.code ?? '~').localeCompare(b.code ?? '~') || a.name.localeCompare(b.name, 'ja') || a.id.localeCompare(b.id);

/**
 * Apportions the rule over the participating members (already filtered). `fiscalYear` is the case's;
 * births count from two years earlier. Missing data for the chosen method is an answer, not a guess.
 */
export function apportion(
  rule: ApportionmentRule,
  participants: readonly ApportionedMember[],
  options: readonly PricedOption[],
  fiscalYear: number,
  /** the base total to share instead of the rule's own (the awarded amount less the option charges) */
  baseTotal?: number,
): Apportionment {
  const members = [...participants].sort(byCode);
  if (rule.method === 'none') {
    return { ok: true, method: 'none', total: 0, sum: 0, optionTotal: 0, shares: [] };
  }

  let bases: bigint[];
  let total: number;
  let volume: { basis: 'births' | 'population'; sum: number } | undefined;
  if (rule.method === 'tier') {
    const missing = members.filter((m) => rule.tierPrices[m.kind] === undefined);
    if (missing.length > 0) {
      return { ok: false, reason: '区分別の金額が設定されていない区分の団体があります。', members: missing.map((m) => m.name) };
    }
    bases = members.map((m) => BigInt(rule.tierPrices[m.kind]!));
    total = Number(bases.reduce((a, b) => a + b, 0n));
  } else {
    total = baseTotal ?? rule.total;
    if (rule.volumePricing && baseTotal === undefined) {
      const priced = volumeTotal(rule.volumePricing, members, fiscalYear);
      if (!priced.ok) return priced;
      total = priced.total;
      volume = { basis: rule.volumePricing.basis, sum: priced.sum };
    }
    if (members.length === 0 || total === 0) {
      bases = members.map(() => 0n);
    } else {
      const weights = weightsFor(rule, members, fiscalYear);
      if (!weights.ok) return weights;
      bases = largestRemainder(BigInt(total), weights.weights);
    }
  }

  const shares = members.map((m, i) => {
    const base = Number(bases[i]!);
    const charges = optionCharges(options, m.options);
    return { memberId: m.id, memberName: m.name, base, optionCharges: charges, amount: base + charges };
  });
  const optionTotal = shares.reduce((a, s) => a + s.optionCharges, 0);
  return { ok: true, method: rule.method, total, sum: total + optionTotal, optionTotal, shares, ...(volume ? { volume } : {}) };
}

type Weights = { ok: true; weights: bigint[] } | { ok: false; reason: string; members?: string[] };

function weightsFor(
  rule: Extract<ApportionmentRule, { total: number }>,
  members: readonly ApportionedMember[],
  fiscalYear: number,
): Weights {
  const n = BigInt(members.length);
  const birthsYear = String(birthsFiscalYear(fiscalYear));
  const usesPopulation = rule.method === 'population' || (rule.method === 'mixed' && rule.ratios.population > 0);
  const usesBirths = rule.method === 'births' || (rule.method === 'mixed' && rule.ratios.births > 0);

  if (usesPopulation) {
    const missing = members.filter((m) => m.population === null);
    if (missing.length > 0) return { ok: false, reason: '人口が登録されていない団体があります。', members: missing.map((m) => m.name) };
  }
  if (usesBirths) {
    const missing = members.filter((m) => m.births[birthsYear] === undefined);
    if (missing.length > 0) {
      return { ok: false, reason: `${birthsYear}年度の出生数が登録されていない団体があります。`, members: missing.map((m) => m.name) };
    }
  }
  const population = members.map((m) => BigInt(m.population ?? 0));
  const births = members.map((m) => BigInt(m.births[birthsYear] ?? 0));
  const totalPopulation = population.reduce((a, b) => a + b, 0n);
  const totalBirths = births.reduce((a, b) => a + b, 0n);
  if (usesPopulation && totalPopulation === 0n) return { ok: false, reason: '参加団体の人口の合計が0のため、人口割で按分できません。' };
  if (usesBirths && totalBirths === 0n) {
    return { ok: false, reason: `参加団体の${birthsYear}年度の出生数の合計が0のため、出生数割で按分できません。` };
  }

  switch (rule.method) {
    case 'equal':
      return { ok: true, weights: members.map(() => 1n) };
    case 'population':
      return { ok: true, weights: population };
    case 'births':
      return { ok: true, weights: births };
    case 'mixed': {
      // over the common denominator n · ΣP · ΣB (a component with ratio 0 contributes a factor of 1)
      const e = BigInt(rule.ratios.equal);
      const p = BigInt(rule.ratios.population);
      const b = BigInt(rule.ratios.births);
      const dp = p > 0n ? totalPopulation : 1n;
      const db = b > 0n ? totalBirths : 1n;
      return { ok: true, weights: members.map((_, i) => e * dp * db + p * population[i]! * n * db + b * births[i]! * n * dp) };
    }
  }
}
