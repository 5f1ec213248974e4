import { eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { awards, cases, vendors } from '../../schema/index.ts';
import { type Ctx, dbOf, nowOf } from '../context.ts';
import type { Db } from '../db/client.ts';
import { type CaseRow, lockCase } from '../db/cases.ts';
import { withTax } from '../domain/bidding.ts';
import { Fraction } from '../domain/fraction.ts';
import { type CaseState, transition } from '../domain/lifecycle.ts';
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
 * Records the award (default: the preferred negotiator, or the bid winner) and moves the case to
 * awarded through the lifecycle, in one transaction.
 */
export async function recordAward(c: Ctx, row: CaseRow, input: z.output<typeof awardInput>) {
  const db = dbOf(c);
  const outcome = await decided(db, row);
  const vendorId = input.vendorId ?? outcome?.vendorId;
  if (!vendorId) throw new AppError('conflict', '評価の締切または開札の前は、落札者・優先交渉権者を指定して記録してください。');
  const [vendor] = await db.select().from(vendors).where(eq(vendors.id, vendorId));
  if (!vendor || vendor.consortiumId !== row.consortiumId) throw new AppError('validation_error', '指定された事業者が見つかりません。', [{ path: 'vendorId', message: '存在しない事業者です' }]);
  const amount = input.amount ?? (outcome && outcome.vendorId === vendorId ? outcome.amount : null);
  const taxRate = outcome?.taxRate ?? '0.1';
  const basis: AwardRow['basis'] = input.vendorId && input.vendorId !== outcome?.vendorId ? 'manual' : (outcome?.basis ?? 'manual');
  return mutate(c, async (tx, audit) => {
    const current = await lockCase(tx, row.consortiumId, row.id);
    if (!current) throw new AppError('not_found');
    // open → evaluation → awarded, each step checked by the lifecycle
    const path: CaseState[] = current.state === 'open' ? ['evaluation', 'awarded'] : ['awarded'];
    let state = current.state;
    for (const to of path) {
      const move = transition(state, to);
      if (!move.ok) throw new AppError('invalid_transition', move.reason, { from: state, to });
      await audit({ action: 'case.transition', objectType: 'case', objectId: row.id, caseId: row.id, details: { from: state, to } });
      state = to;
    }
    const now = nowOf(c);
    await tx.update(cases).set({ state: 'awarded', updatedAt: now }).where(eq(cases.id, row.id));
    const values = {
      vendorId,
      amount,
      amountWithTax: amount === null ? null : withTax(amount, Fraction.decimal(taxRate)),
      taxRate,
      basis,
      decidedAt: now,
      decidedBy: c.get('user')!.id,
    };
    const [saved] = await tx.insert(awards).values({ caseId: row.id, ...values }).onConflictDoUpdate({ target: awards.caseId, set: values }).returning();
    await audit({ action: 'award.record', objectType: 'award', objectId: row.id, caseId: row.id, details: { vendorId, amount, basis } });
    return { award: saved!, vendorName: vendor.name };
  });
}
