import { and, asc, eq } from 'drizzle-orm';
import { bids, files, proposals, scheduleChanges } from '../../schema/index.ts';
import { type Ctx, nowOf } from '../context.ts';
import type { Db } from '../db/client.ts';
import { type ScheduleDecision, type ScheduleMove, scheduleFieldLabels } from '../domain/schedule.ts';
import { AppError } from '../errors.ts';
import type { Audit } from '../http/mutate.ts';
import { newId } from '../ids.ts';

/** Whether any bid (electronic, paper or a decline) has arrived for the case. */
export async function hasBids(tx: Db, caseId: string): Promise<boolean> {
  const [first] = await tx.select({ id: bids.id }).from(bids).where(eq(bids.caseId, caseId)).limit(1);
  return first !== undefined;
}

/** Whether any proposal has arrived for the case: a price, a withdrawal or a proposal file. */
export async function hasProposals(tx: Db, caseId: string): Promise<boolean> {
  const [priced] = await tx.select({ vendorId: proposals.vendorId }).from(proposals).where(eq(proposals.caseId, caseId)).limit(1);
  if (priced) return true;
  const [file] = await tx.select({ id: files.id }).from(files).where(and(eq(files.caseId, caseId), eq(files.purpose, 'proposal'))).limit(1);
  return file !== undefined;
}

/** Refuses a schedule move the rule does not allow (409 schedule_locked, or 400 without a reason). */
export function assertScheduleDecision(decision: ScheduleDecision): asserts decision is Extract<ScheduleDecision, { ok: true }> {
  if (!decision.ok) throw new AppError(decision.code, decision.message, [{ path: decision.field, message: decision.message }]);
}

/** Records moves of a locked schedule: one change with its reason, shown to every vendor, and an audit entry per time moved. */
export async function recordScheduleMoves(c: Ctx, tx: Db, audit: Audit, caseId: string, moves: readonly ScheduleMove[], reason: string) {
  const changes = moves.map((m) => ({ field: m.field, ...(m.round !== undefined ? { round: m.round } : {}), from: m.from?.toISOString() ?? null, to: m.to!.toISOString() }));
  await tx.insert(scheduleChanges).values({ id: newId(), caseId, at: nowOf(c), changedBy: c.get('user')?.id ?? null, reason, changes });
  for (const change of changes) {
    await audit({ action: 'schedule.change', objectType: 'case', objectId: caseId, caseId, details: { ...change, reason } });
  }
}

export type ScheduleChangeRow = typeof scheduleChanges.$inferSelect;

/** The case's schedule changes, oldest first, as anyone who may see the case reads them. */
export async function scheduleChangeList(db: Db, caseId: string) {
  const rows = await db.select().from(scheduleChanges).where(eq(scheduleChanges.caseId, caseId)).orderBy(asc(scheduleChanges.at), asc(scheduleChanges.id));
  return rows.map(scheduleChangeView);
}

/** A change as anyone who may see the case reads it: when, what moved from what to what, and why (not who). */
export function scheduleChangeView(row: ScheduleChangeRow) {
  return {
    at: row.at.toISOString(),
    reason: row.reason,
    changes: row.changes.map((ch) => ({ ...ch, label: ch.round !== undefined && ch.round > 1 ? `第${ch.round}回の${scheduleFieldLabels[ch.field]}` : scheduleFieldLabels[ch.field] })),
  };
}
