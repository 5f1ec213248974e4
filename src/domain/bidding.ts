import { Fraction } from './fraction.ts';
import { type LotDraw, type SystemValueSource, drawLot } from './lot.ts';

/**
 * One round of a general competitive tender (一般競争入札) or a 総合評価 tender, opened:
 * - a bid above the ceiling (予定価格) is over_ceiling; below the floor (最低制限価格) below_floor
 *   (invalid); between the floor and the investigation threshold (低入札価格調査基準価格) it is valid
 *   but marked investigation;
 * - price mode: the lowest valid bid wins; 総合評価: the highest evaluation value (additive:
 *   technical + pricePoints × (1 − bid ÷ ceiling); division: technical ÷ bid);
 * - a tie is broken by the electronic lot;
 * - no valid bid: a re-bid while rounds remain, else failed (不落);
 * - a winner below the investigation threshold holds the award: outcome investigation;
 * - 見積合わせ (quotation) is opened the same way, but with fewer than two quotes that are not
 *   declined (辞退) it fails outright, with the reason.
 * Amounts exclude consumption tax; the award adds it, rounded down to the yen.
 */

export interface BiddingRules {
  ceilingPrice: number;
  floorPrice: number | null;
  investigationPrice: number | null;
  taxRate: Fraction;
  lotSource: SystemValueSource;
  comprehensive: { mode: 'additive' | 'division'; pricePoints: number; technicalScores: Record<string, number> } | null;
  /** 見積合わせ: the opening needs quotes from at least MIN_QUOTES vendors */
  quotation?: boolean;
}

export interface RoundBid {
  vendorId: string;
  /** yen, tax excluded; null for a declined bid (辞退) */
  amount: number | null;
  lotNumber: number;
  receivedAt: Date;
}

export type BidStatus = 'valid' | 'over_ceiling' | 'below_floor' | 'investigation' | 'declined' | 'rejected';

export interface OpenedBid {
  vendorId: string;
  amount: number | null;
  status: BidStatus;
  /** 総合評価 only: the evaluation value the ranking used */
  evaluationValue?: number;
}

export interface RoundResult {
  outcome: 'awarded' | 'rebid' | 'failed' | 'investigation';
  /** why the round failed, where a rule other than the prices decided it (見積合わせ with too few quotes) */
  reason?: string;
  winner?: { vendorId: string; amount: number; amountWithTax: number };
  bids: OpenedBid[];
  lot?: LotDraw;
}

/** The amount with consumption tax, rounded down to the yen (円未満切り捨て). */
export function withTax(amount: number, taxRate: Fraction): number {
  const exact = Fraction.of(amount).mul(Fraction.ONE.add(taxRate));
  return Number(exact.n / exact.d);
}

/** The 総合評価 evaluation value of a bid. */
export function evaluationValue(rules: BiddingRules, vendorId: string, amount: number): Fraction {
  const c = rules.comprehensive!;
  const technical = Fraction.decimal(c.technicalScores[vendorId] ?? 0);
  if (c.mode === 'division') return technical.div(Fraction.of(amount === 0 ? 1 : amount));
  return technical.add(Fraction.decimal(c.pricePoints).mul(Fraction.ONE.sub(Fraction.of(amount, rules.ceilingPrice))));
}

export function statusOf(rules: BiddingRules, amount: number | null): BidStatus {
  if (amount === null) return 'declined';
  if (amount > rules.ceilingPrice) return 'over_ceiling';
  if (rules.floorPrice !== null && amount < rules.floorPrice) return 'below_floor';
  if (rules.investigationPrice !== null && amount < rules.investigationPrice) return 'investigation';
  return 'valid';
}

/** 見積合わせ compares sealed quotes from two or more vendors. */
export const MIN_QUOTES = 2;

/** Why a 見積合わせ cannot be decided from these quotes (fewer than two that are not 辞退), or null when it can. */
export function quotationShortfall(bids: readonly Pick<RoundBid, 'amount'>[]): string | null {
  const quotes = bids.filter((b) => b.amount !== null).length;
  if (quotes >= MIN_QUOTES) return null;
  return `辞退を除く見積書の提出が${quotes}者のため、見積合わせは不成立です（${MIN_QUOTES}者以上の見積書が必要です）。`;
}

/**
 * Opens a round. `excluded` are bidders whose low bid was rejected after investigation; `random` gives
 * the system values of a random-value lot.
 */
export function evaluateRound(
  rules: BiddingRules,
  bids: readonly RoundBid[],
  options: { lastRound: boolean; excluded?: readonly string[]; random?: () => number },
): RoundResult {
  const excluded = new Set(options.excluded ?? []);
  const opened: OpenedBid[] = bids.map((b) => {
    const status = excluded.has(b.vendorId) ? 'rejected' : statusOf(rules, b.amount);
    const value = rules.comprehensive && b.amount !== null && (status === 'valid' || status === 'investigation') ? evaluationValue(rules, b.vendorId, b.amount).toNumber() : undefined;
    return { vendorId: b.vendorId, amount: b.amount, status, ...(value === undefined ? {} : { evaluationValue: value }) };
  });
  const eligible = bids.filter((b) => {
    const status = opened.find((o) => o.vendorId === b.vendorId)!.status;
    return status === 'valid' || status === 'investigation';
  });
  const shortfall = rules.quotation ? quotationShortfall(bids) : null;
  if (shortfall) return { outcome: 'failed', reason: shortfall, bids: opened };
  if (eligible.length === 0) return { outcome: options.lastRound ? 'failed' : 'rebid', bids: opened };

  // best first: lowest amount, or highest evaluation value under 総合評価
  const score = (b: RoundBid) => (rules.comprehensive ? evaluationValue(rules, b.vendorId, b.amount!) : Fraction.of(-b.amount!));
  let best = score(eligible[0]!);
  for (const b of eligible) if (score(b).cmp(best) > 0) best = score(b);
  const top = eligible.filter((b) => score(b).equals(best));

  const lot = top.length > 1 ? drawLot(top, rules.lotSource, options.random) : undefined;
  const winnerBid = lot ? top.find((b) => b.vendorId === lot.winnerVendorId)! : top[0]!;
  const winner = { vendorId: winnerBid.vendorId, amount: winnerBid.amount!, amountWithTax: withTax(winnerBid.amount!, rules.taxRate) };
  const outcome = statusOf(rules, winnerBid.amount) === 'investigation' ? 'investigation' : 'awarded';
  return { outcome, winner, bids: opened, ...(lot ? { lot } : {}) };
}

/** Bidders who may bid again after a re-bid: those whose bid was only above the ceiling. */
export function rebidEligible(result: RoundResult): string[] {
  return result.bids.filter((b) => b.status === 'over_ceiling').map((b) => b.vendorId);
}

/**
 * Whether the bidding has concluded: the latest opened round ended in an award or 不落, or the case
 * itself was awarded or cancelled. A re-bid (the next round pending) or an investigation hold is not
 * a conclusion. `outcomes` are the rounds' outcomes in order, null for a round not yet opened.
 */
export function isConcluded(caseState: string, outcomes: readonly (RoundResult['outcome'] | null)[]): boolean {
  if (caseState === 'awarded' || caseState === 'cancelled') return true;
  const latest = outcomes.filter((o) => o !== null).at(-1);
  return latest === 'awarded' || latest === 'failed';
}

/** The reserved prices of a tender: 予定価格, 最低制限価格, 低入札価格調査基準価格. */
export interface ReservedPrices {
  ceilingPrice: number;
  ceilingPublic: boolean;
  floorPrice: number | null;
  investigationPrice: number | null;
}

/** The reserved prices as one viewer may see them: a closed ceiling is null, a floor or threshold not yet public is absent. */
export interface DisclosedPrices {
  ceilingPrice: number | null;
  floorPrice?: number | null;
  investigationPrice?: number | null;
}

/**
 * Price secrecy (予定価格等の事後公表): the secretariat sees the reserved prices at all times; anyone
 * else sees the ceiling once it is announced in advance (事前公表) or the bidding has concluded, and
 * the floor and the investigation threshold only once it has concluded — never between the rounds
 * of a re-bid or during an investigation, when a bidder who knew them would simply bid at them.
 */
export function disclosedPrices(prices: ReservedPrices, viewer: { secretariat: boolean; concluded: boolean }): DisclosedPrices {
  const all = viewer.secretariat || viewer.concluded;
  return {
    ceilingPrice: all || prices.ceilingPublic ? prices.ceilingPrice : null,
    ...(all ? { floorPrice: prices.floorPrice, investigationPrice: prices.investigationPrice } : {}),
  };
}

/** The terms a tender is bid under, which no longer change once the first bid has arrived. */
export interface TenderTerms extends ReservedPrices {
  maxRounds: number;
  lotSystemValue: SystemValueSource;
  /** a decimal, e.g. "0.1" */
  taxRate: string | number;
  comprehensive: { mode: 'additive' | 'division'; pricePoints: number } | null;
}

/**
 * The terms that differ between the stored and the requested setup. The technical scores of a 総合評価
 * tender are not terms: they come from judging the technical proposals, which may end after the bids
 * arrive, and they are entered before the opening, while no amount can be read.
 */
export function changedTerms(before: TenderTerms, after: TenderTerms): (keyof TenderTerms)[] {
  const same: { [K in keyof TenderTerms]: (a: TenderTerms[K], b: TenderTerms[K]) => boolean } = {
    ceilingPrice: (a, b) => a === b,
    ceilingPublic: (a, b) => a === b,
    floorPrice: (a, b) => a === b,
    investigationPrice: (a, b) => a === b,
    maxRounds: (a, b) => a === b,
    lotSystemValue: (a, b) => a === b,
    taxRate: (a, b) => Fraction.decimal(a).equals(Fraction.decimal(b)),
    comprehensive: (a, b) => (a === null || b === null ? a === b : a.mode === b.mode && a.pricePoints === b.pricePoints),
  };
  return (Object.keys(same) as (keyof TenderTerms)[]).filter((k) => !(same[k] as (a: unknown, b: unknown) => boolean)(before[k], after[k]));
}

/** How each bid status, round outcome and lot source reads on pages and documents. */
export const bidStatusLabels: Record<BidStatus, string> = {
  valid: '有効',
  over_ceiling: '予定価格超過',
  below_floor: '最低制限価格未満（失格）',
  investigation: '調査基準価格未満',
  declined: '辞退',
  rejected: '調査の結果、不採用',
};

export const outcomeLabels: Record<RoundResult['outcome'], string> = {
  awarded: '落札者決定',
  rebid: '再度入札',
  failed: '不落（入札不成立）',
  investigation: '低入札価格調査中（落札保留）',
};

/** The same outcomes of a 見積合わせ, which decides a 見積 rather than a 落札. */
export const quotationOutcomeLabels: Record<RoundResult['outcome'], string> = {
  awarded: '決定',
  rebid: '再度見積',
  failed: '不調（見積合わせ不成立）',
  investigation: '低価格調査中（決定保留）',
};

export const lotSourceLabels = {
  receipt_ms: '受付時刻のミリ秒',
  epoch_seconds: '受付時刻（1970年からの秒数）の下3桁',
  random: 'システムが発生させた乱数',
} as const satisfies Record<SystemValueSource, string>;
