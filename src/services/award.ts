import { eq, inArray } from 'drizzle-orm';
import { notify } from './notify.ts';
import { z } from 'zod';
import { awards, caseYears, cases, vendors } from '../../schema/index.ts';
import { type Ctx, dbOf, nowOf } from '../context.ts';
import type { Db } from '../db/client.ts';
import { type CaseRow, lockCase } from '../db/cases.ts';
import { withTax } from '../domain/bidding.ts';
import { Fraction } from '../domain/fraction.ts';
import { awardPath } from '../domain/lifecycle.ts';
import { type ApportionmentRule, isPricedRule } from '../domain/apportionment.ts';
import { computeApportionment, yearSnapshot } from './apportionment.ts';
import { contractParty } from './years.ts';
import { AppError } from '../errors.ts';
import { mutate } from '../http/mutate.ts';
import type { OpenedRound } from './bidding.ts';
import { findBidding } from './bidding.ts';
import { computeResults, findEvaluation } from './evaluation.ts';

export const awardInput = z.strictObject({
  vendorId: z.string().max(64).optional(),
  amount: z.number().int().min(0).max(1_000_000_000_000).optional(),
});

export type AwardRow = typeof awards.$inferSelect;

export async function findAward(db: Db, caseId: string) {
  const [row] = await db.select({ award: awards, vendorName: vendors.name }).from(awards).innerJoin(vendors, eq(vendors.id, awards.vendorId)).where(eq(awards.caseId, caseId));
  return row;
}

/** The awards of several cases at once, by case id. */
export async function findAwards(db: Db, caseIds: string[]) {
  if (caseIds.length === 0) return new Map<string, { award: AwardRow; vendorName: string }>();
  const rows = await db.select({ award: awards, vendorName: vendors.name }).from(awards).innerJoin(vendors, eq(vendors.id, awards.vendorId)).where(inArray(awards.caseId, caseIds));
  return new Map(rows.map((r) => [r.award.caseId, r]));
}

export function awardView(row: { award: AwardRow; vendorName: string }) {
  const a = row.award;
  return { vendorId: a.vendorId, vendorName: row.vendorName, amount: a.amount, amountWithTax: a.amountWithTax, taxRate: Number(a.taxRate), basis: a.basis, decidedAt: a.decidedAt.toISOString() };
}

/** What the selection decided: the preferred negotiator of a closed evaluation, or the winner of the last opening. */
async function decided(db: Db, row: CaseRow) {
  const bidding = await findBidding(db, row.id);
  const last = bidding?.rounds.filter((r) => r.openedAt).at(-1)?.result as unknown as OpenedRound | undefined;
  if (last) {
    if (last.outcome !== 'awarded' || !last.winner) throw new AppError('conflict', '落札者が決定していないため、決定を記録できません。');
    return { basis: 'bidding' as const, vendorId: last.winner.vendorId, amount: last.winner.amount, taxRate: bidding!.config.taxRate };
  }
  const evaluation = await findEvaluation(db, row.id);
  if (evaluation?.row.closedAt) {
    const results = await computeResults(db, row.id, evaluation.row);
    if (!results.preferred) throw new AppError('conflict', '合格した提案がないため、決定を記録できません。');
    const vendor = results.vendors.find((v) => v.vendorId === results.preferred)!;
    return { basis: 'evaluation' as const, vendorId: vendor.vendorId, amount: vendor.price, taxRate: '0.1' };
  }
  return null;
}

/**
 * Records the award and moves the case to awarded along its awardPath, in one transaction. The award
 * issues the shares of the case's fiscal year: under prices per kind of body or per volume the amount
 * is the sum they give (another amount → 409 amount_mismatch); under a fixed total the awarded amount
 * is what is shared, so the shares add up to it exactly. That year is then closed.
 */
export async function recordAward(c: Ctx, row: CaseRow, input: z.output<typeof awardInput>) {
  const db = dbOf(c);
  const outcome = await decided(db, row);
  // the winning bid is the price: another amount for the winner would rewrite the opening's result
  if (outcome?.basis === 'bidding' && input.amount !== undefined && (input.vendorId ?? outcome.vendorId) === outcome.vendorId && input.amount !== outcome.amount) {
    throw new AppError('amount_mismatch', `落札金額は ${outcome.amount.toLocaleString('ja-JP')}円（税抜）です。開札の結果と異なる金額は記録できません。`, { computed: outcome.amount, amount: input.amount });
  }
  // only a 随意契約 is decided without a closed evaluation or an opening behind it
  if (!outcome && row.method !== 'negotiated') throw new AppError('conflict', '評価の締切または開札の後に決定を記録してください。');
  const vendorId = input.vendorId ?? outcome?.vendorId;
  if (!vendorId) throw new AppError('validation_error', '随意契約の相手方（vendorId）を指定してください。', [{ path: 'vendorId', message: '事業者を指定してください' }]);
  const [vendor] = await db.select().from(vendors).where(eq(vendors.id, vendorId));
  if (!vendor || vendor.consortiumId !== row.consortiumId) throw new AppError('validation_error', '指定された事業者が見つかりません。', [{ path: 'vendorId', message: '存在しない事業者です' }]);
  const decidedAmount = input.amount ?? (outcome && outcome.vendorId === vendorId ? outcome.amount : null);
  const taxRate = outcome?.taxRate ?? '0.1';
  const basis: AwardRow['basis'] =
    row.method === 'negotiated' ? 'negotiated' : input.vendorId && input.vendorId !== outcome?.vendorId ? 'manual' : (outcome?.basis ?? 'manual');
  return mutate(c, async (tx, audit) => {
    const current = await lockCase(tx, row.consortiumId, row.id);
    if (!current) throw new AppError('not_found');
    const route = awardPath(current.method, current.state);
    if (!route.ok) throw new AppError('invalid_transition', route.reason, { from: current.state, to: 'awarded' });
    let state = current.state;
    for (const to of route.path) {
      await audit({ action: 'case.transition', objectType: 'case', objectId: row.id, caseId: row.id, details: { from: state, to } });
      state = to;
    }
    const now = nowOf(c);
    // a price named in the award or bid must agree with a price table; a proposal's price is an estimate the table replaces
    const statedAmount = input.amount ?? (outcome?.basis === 'bidding' && outcome.vendorId === vendorId ? outcome.amount : null);
    const issued = await issueAwardYear(tx, current, decidedAmount, statedAmount);
    const amount = issued.amount;
    // a 随意契約 is published with its award: there was no notice before it
    await tx.update(cases).set({ state: 'awarded', updatedAt: now, ...(current.publishedAt ? {} : { publishedAt: now }) }).where(eq(cases.id, row.id));
    const values = {
      vendorId,
      amount,
      amountWithTax: amount === null ? null : withTax(amount, Fraction.decimal(taxRate)),
      taxRate,
      basis,
      fiscalYear: current.fiscalYear,
      decidedAt: now,
      decidedBy: c.get('user')!.id,
    };
    const [saved] = await tx.insert(awards).values({ caseId: row.id, ...values }).onConflictDoUpdate({ target: awards.caseId, set: values }).returning();
    {
      const shares = { ...issued.snapshot, party: await contractParty(tx, current) };
      await tx
        .insert(caseYears)
        .values({ caseId: row.id, fiscalYear: current.fiscalYear, closedAt: now, closedBy: c.get('user')!.id, shares })
        .onConflictDoUpdate({ target: [caseYears.caseId, caseYears.fiscalYear], set: { closedAt: now, closedBy: c.get('user')!.id, shares } });
    }
    await audit({ action: 'year.close', objectType: 'case', objectId: row.id, caseId: row.id, details: { fiscalYear: current.fiscalYear, total: issued.snapshot.total, sum: issued.snapshot.sum, members: issued.snapshot.shares.length, withAward: true } });
    await audit({ action: 'award.record', objectType: 'award', objectId: row.id, caseId: row.id, details: { vendorId, amount, basis, fiscalYear: current.fiscalYear, sharesIssued: issued.snapshot.shares.length } });
    await notify(c.get('deps'), tx, { kind: 'award', caseId: row.id });
    return { award: saved!, vendorName: vendor.name };
  });
}

/**
 * The shares the award issues for the case's own fiscal year (with the rule in force in it), and the
 * amount they make; with 按分なし (or no rule) who takes part and with which options, without amounts;
 * with no body taking part the year is issued empty.
 */
async function issueAwardYear(tx: Db, row: CaseRow, decidedAmount: number | null, statedAmount: number | null) {
  const live = await computeApportionment(tx, row, undefined, row.fiscalYear);
  const rule = live.rule as ApportionmentRule | null;
  if (('participantCount' in live ? live.participantCount : 0) === 0) {
    return { amount: decidedAmount, snapshot: { method: rule?.method ?? null, total: 0, sum: 0, optionTotal: 0, shares: [] } };
  }
  if (!rule || rule.method === 'none') {
    // 按分なし: the award issues who takes part, with which options, each agreeing its own price
    return { amount: decidedAmount, snapshot: yearSnapshot(live) };
  }
  if (!live.result.ok) throw new AppError('apportionment_incomplete', live.result.reason, { members: live.result.members ?? [] });
  if (isPricedRule(rule)) {
    const computed = live.result.sum;
    if (statedAmount !== null && statedAmount !== computed) {
      throw new AppError('amount_mismatch', `団体別・数量別の価格から計算した金額は ${computed.toLocaleString('ja-JP')}円（税抜）です。決定金額 ${statedAmount.toLocaleString('ja-JP')}円 と一致しません。`, { computed, amount: statedAmount });
    }
    return { amount: computed, snapshot: yearSnapshot(live) };
  }
  if (decidedAmount === null) throw new AppError('validation_error', '決定金額（税抜）を指定してください。', [{ path: 'amount', message: '金額を指定してください' }]);
  const base = decidedAmount - live.result.optionTotal;
  if (base < 0) {
    throw new AppError('apportionment_incomplete', `決定金額がオプション料金の合計（${live.result.optionTotal.toLocaleString('ja-JP')}円）より少ないため、按分できません。`);
  }
  const shared = await computeApportionment(tx, row, undefined, row.fiscalYear, { baseTotal: base });
  return { amount: decidedAmount, snapshot: yearSnapshot(shared) };
}
