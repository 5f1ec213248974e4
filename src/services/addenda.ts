import { asc, desc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { type AddendumRow, addenda, type bidRounds, type biddings, type evaluations, type rfis, type specVersions } from '../../schema/index.ts';
import { type Ctx, nowOf } from '../context.ts';
import type { CaseRow } from '../db/cases.ts';
import type { Db } from '../db/client.ts';
import { type AddendumChange, type BiddingTerms, type CaseTerms, type CriteriaTerms, type RfiTerms, type SpecTerms, announcesChanges, reasonRequiredMessage } from '../domain/addenda.ts';
import { AppError } from '../errors.ts';
import type { Audit } from '../http/mutate.ts';
import { newId } from '../ids.ts';
import { notify } from './notify.ts';

/** 変更理由, optional in every input that can change a published case: required there once something changes. */
export const addendumReason = z.string().trim().min(1, { message: '変更理由を入力してください' }).max(2000, { message: '変更理由は2000文字以内にしてください' });

/**
 * The reason a change to the case is announced with, or null when nothing is to be announced (a case
 * not published, or a save that changes nothing). A published case changed without a reason is 400,
 * before anything is written.
 */
export function addendumReasonFor(row: Pick<CaseRow, 'publishedAt' | 'state'>, changes: readonly AddendumChange[], reason: string | undefined): string | null {
  if (changes.length === 0 || !announcesChanges(row)) return null;
  const given = reason?.trim();
  if (!given) throw new AppError('validation_error', reasonRequiredMessage, [{ path: 'reason', message: reasonRequiredMessage }]);
  return given;
}

/**
 * Records an addendum (変更第N号) in the transaction of the change: the next number of the case, the
 * reason and the changes, an audit entry, and the notice to those who follow the case. Nothing when
 * there is nothing to announce.
 */
export async function recordAddendum(c: Ctx, tx: Db, audit: Audit, caseRow: Pick<CaseRow, 'id' | 'publishedAt' | 'state'>, reason: string | null, changes: readonly AddendumChange[]): Promise<AddendumRow | null> {
  if (reason === null || changes.length === 0 || !announcesChanges(caseRow)) return null;
  // the numbers of one case are handed out one at a time, whichever lock on the case the caller holds
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`addenda:${caseRow.id}`}))`);
  const [last] = await tx.select({ seq: addenda.seq }).from(addenda).where(eq(addenda.caseId, caseRow.id)).orderBy(desc(addenda.seq)).limit(1);
  const [row] = await tx
    .insert(addenda)
    .values({ id: newId(), caseId: caseRow.id, seq: (last?.seq ?? 0) + 1, at: nowOf(c), changedBy: c.get('user')?.id ?? null, reason, changes: [...changes] })
    .returning();
  await audit({ action: 'case.addendum', objectType: 'addendum', objectId: row!.id, caseId: caseRow.id, details: { no: row!.seq, reason, fields: changes.map((ch) => ch.field) } });
  await notify(c.get('deps'), tx, { kind: 'addendum', caseId: caseRow.id, addendumId: row!.id });
  return row!;
}

/** An addendum as anyone who may see the case reads it: its number, when, why and what changed (not who). */
function addendumView(row: AddendumRow) {
  return { no: row.seq, at: row.at.toISOString(), reason: row.reason, changes: row.changes };
}

export type AddendumView = ReturnType<typeof addendumView>;

/** The case's addenda, in number order. */
export async function addendaOf(db: Db, caseId: string): Promise<AddendumView[]> {
  const rows = await db.select().from(addenda).where(eq(addenda.caseId, caseId)).orderBy(asc(addenda.seq));
  return rows.map(addendumView);
}

// ---- the changeable parts of a case as the rules of addenda compare them ----

export const caseTermsOf = (row: CaseRow): CaseTerms => ({
  title: row.title,
  description: row.description,
  contractMode: row.contractMode,
  fiscalYear: row.fiscalYear,
  rfiDeadline: row.rfiDeadline,
  questionDeadline: row.questionDeadline,
  submissionDeadline: row.submissionDeadline,
  options: row.options,
  negotiatedGround: row.negotiatedGround,
  negotiatedReason: row.negotiatedReason,
});

export const specTermsOf = (row: Pick<typeof specVersions.$inferSelect, 'version' | 'sections' | 'requirements'>): SpecTerms => ({ version: row.version, sections: row.sections, requirements: row.requirements });

export const rfiTermsOf = (row: Pick<typeof rfis.$inferSelect, 'deadline' | 'questions'>): RfiTerms => ({ deadline: row.deadline, questions: row.questions });

export const criteriaTermsOf = (row: Pick<typeof evaluations.$inferSelect, 'criteria' | 'aggregation' | 'passRatio' | 'grades'>): CriteriaTerms => ({
  criteria: row.criteria,
  aggregation: row.aggregation,
  passRatio: Number(row.passRatio),
  grades: Object.fromEntries(Object.entries(row.grades).map(([g, v]) => [g, Number(v)])),
});

/** The bidding terms vendors are told of: never the floor or the investigation price. */
export const biddingTermsOf = (config: typeof biddings.$inferSelect, rounds: readonly Pick<typeof bidRounds.$inferSelect, 'round' | 'deadlineAt' | 'openingAt'>[]): BiddingTerms => ({
  ceilingPrice: config.ceilingPrice,
  ceilingPublic: config.ceilingPublic,
  maxRounds: config.maxRounds,
  lotSystemValue: config.lotSystemValue,
  taxRate: Number(config.taxRate),
  comprehensive: config.comprehensive ? { mode: config.comprehensive.mode, pricePoints: config.comprehensive.pricePoints } : null,
  rounds: rounds.map((r) => ({ round: r.round, deadlineAt: r.deadlineAt, openingAt: r.openingAt })),
});
