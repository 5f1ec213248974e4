import { and, asc, eq, sql } from 'drizzle-orm';
import { followCase } from './follows.ts';
import { z } from 'zod';
import { type RfiAnswer, cases, rfiResponses, rfis, vendors } from '../../schema/index.ts';
import { type Ctx, dbOf, nowOf } from '../context.ts';
import type { Db } from '../db/client.ts';
import { type CaseRow, lockCase } from '../db/cases.ts';
import { caseFiles, fileView, vendorFiles } from '../db/files.ts';
import { isOnTime } from '../domain/deadline.ts';
import { priceStats, rfiAnswerProblems } from '../domain/rfi.ts';
import { pastDeadlineProblem } from '../domain/publication.ts';
import { AppError, notFound } from '../errors.ts';
import { isUsableKey, unusableKeyMessage, distinctBy } from '../http/inputs.ts';
import { fillCodes } from '../domain/codes.ts';
import { mutate } from '../http/mutate.ts';
import { rfiChanges } from '../domain/addenda.ts';
import { addendumReason, addendumReasonFor, recordAddendum, rfiTermsOf } from './addenda.ts';

const questionCode = z
  .string()
  .trim()
  .regex(/^([A-Za-z0-9_-]{1,40})?$/, { message: '質問のコードは英数字・-・_ の40文字以内にしてください（空欄なら自動で付けます）' })
  .refine(isUsableKey, { message: unusableKeyMessage });

export const rfiInput = z.strictObject({
  deadline: z.iso.datetime({ offset: true, message: '回答期限は ISO 8601 形式（時差つき）で指定してください' }).transform((v) => new Date(v)),
  questions: z
    .array(
      z
        .strictObject({
          code: questionCode.optional(),
          text: z.string().trim().min(1, { message: '質問文を入力してください' }).max(2000),
          kind: z.enum(['text', 'number', 'yesno', 'choice', 'price']),
          choices: z.array(z.string().trim().min(1).max(200)).max(50).optional(),
        })
        .refine((q) => q.kind !== 'choice' || (q.choices?.length ?? 0) >= 2, { message: '選択式の質問には選択肢を2つ以上指定してください', path: ['choices'] }),
    )
    .min(1, { message: '質問を1つ以上指定してください' })
    .max(200)
    // a blank code is generated from the question's place (q-1, q-2, …); a typed one is kept
    .transform((qs) => fillCodes(qs, 'q-'))
    .superRefine(distinctBy('code', '質問のコード', (n) => `${n}問目`)),
  /** 変更理由: required once the case is published and the RFI changes */
  reason: addendumReason.optional(),
});

export const rfiAnswerInput = z.strictObject({
  answers: z.record(z.string().max(40), z.union([z.string().max(10_000), z.number(), z.boolean()])),
  submit: z.boolean().optional(),
});

export type RfiRow = typeof rfis.$inferSelect;

/**
 * The case's RFI. Its deadline is the case's RFI回答期限 (cases.rfi_deadline), the one date every page,
 * the spec and the enforcement read; the RFI's own column is written with it and not read, except for
 * an RFI saved before the case held the date.
 */
export async function findRfi(db: Db, caseId: string): Promise<RfiRow | undefined> {
  const [row] = await db
    .select({ rfi: rfis, deadline: sql<Date>`coalesce(${cases.rfiDeadline}, ${rfis.deadline})`.mapWith(rfis.deadline) })
    .from(rfis)
    .innerJoin(cases, eq(cases.id, rfis.caseId))
    .where(eq(rfis.caseId, caseId));
  return row ? { ...row.rfi, deadline: row.deadline } : undefined;
}

export function rfiView(row: RfiRow, now: Date) {
  return { deadline: row.deadline.toISOString(), questions: row.questions, open: isOnTime(now, row.deadline) };
}

export async function setRfi(c: Ctx, row: CaseRow, input: z.output<typeof rfiInput>): Promise<RfiRow> {
  return mutate(c, async (tx, audit) => {
    // locked for update: the case's RFI回答期限 is written below
    const current = (await lockCase(tx, row.consortiumId, row.id)) ?? row;
    if (current.state === 'cancelled' || current.state === 'awarded') throw new AppError('conflict', 'この案件の情報提供依頼は変更できません。');
    const previous = await findRfi(tx, row.id);
    const past = pastDeadlineProblem('回答期限', nowOf(c), previous?.deadline ?? null, input.deadline);
    if (past) throw new AppError('validation_error', past, [{ path: 'deadline', message: past }]);
    const announced = rfiChanges(previous ? rfiTermsOf(previous) : null, { deadline: input.deadline, questions: input.questions });
    const announceWith = addendumReasonFor(current, announced, input.reason);
    const values = { deadline: input.deadline, questions: input.questions, updatedAt: nowOf(c) };
    const [saved] = await tx
      .insert(rfis)
      .values({ caseId: row.id, ...values })
      .onConflictDoUpdate({ target: rfis.caseId, set: values })
      .returning();
    // the case holds the RFI回答期限: the RFI page and the case form edit the same date
    await tx.update(cases).set({ rfiDeadline: input.deadline, updatedAt: nowOf(c) }).where(eq(cases.id, row.id));
    await audit({ action: 'rfi.set', objectType: 'rfi', objectId: row.id, caseId: row.id, details: { deadline: input.deadline.toISOString(), questions: input.questions.length } });
    await recordAddendum(c, tx, audit, current, announceWith, announced);
    return { ...saved!, deadline: input.deadline };
  });
}

/** The RFI of a case a vendor may answer now: published, not cancelled, before the deadline. */
export async function openRfiFor(c: Ctx, row: CaseRow): Promise<RfiRow> {
  const rfi = await findRfi(dbOf(c), row.id);
  if (!rfi) throw notFound('この案件には情報提供依頼がありません。');
  if (row.state === 'cancelled') throw new AppError('conflict', '中止された案件には回答できません。');
  if (!isOnTime(nowOf(c), rfi.deadline)) throw new AppError('deadline_passed', '回答期限を過ぎているため、回答の登録・変更はできません。');
  return rfi;
}

export async function ownRfiResponse(db: Db, caseId: string, vendorId: string) {
  const [row] = await db
    .select()
    .from(rfiResponses)
    .where(and(eq(rfiResponses.caseId, caseId), eq(rfiResponses.vendorId, vendorId)));
  return row;
}

export function rfiResponseView(row: typeof rfiResponses.$inferSelect | undefined, filesOfVendor: ReturnType<typeof fileView>[]) {
  return {
    answers: row?.answers ?? {},
    status: row?.status ?? 'none',
    submittedAt: row?.submittedAt?.toISOString() ?? null,
    updatedAt: row?.updatedAt.toISOString() ?? null,
    files: filesOfVendor,
  };
}

/**
 * Saves a vendor's answers as a draft, or submits them (every question answered). A submitted answer
 * may be revised until the deadline and stays submitted, with the time of its latest revision.
 */
export async function saveRfiResponse(c: Ctx, row: CaseRow, vendorId: string, input: z.output<typeof rfiAnswerInput>) {
  const rfi = await openRfiFor(c, row);
  const previous = await ownRfiResponse(dbOf(c), row.id, vendorId);
  const submitting = input.submit === true || previous?.status === 'submitted';
  const problems = rfiAnswerProblems(rfi.questions, input.answers as Record<string, RfiAnswer>, submitting);
  if (problems.length > 0) throw new AppError('validation_error', problems[0], problems.map((message) => ({ path: 'answers', message })));
  const now = nowOf(c);
  return mutate(c, async (tx, audit) => {
    const values = {
      answers: input.answers,
      status: submitting ? ('submitted' as const) : ('draft' as const),
      submittedAt: submitting ? now : null,
      updatedAt: now,
    };
    const [saved] = await tx
      .insert(rfiResponses)
      .values({ caseId: row.id, vendorId, ...values })
      .onConflictDoUpdate({ target: [rfiResponses.caseId, rfiResponses.vendorId], set: values })
      .returning();
    await audit({
      action: submitting ? (previous?.status === 'submitted' ? 'rfi.revise' : 'rfi.submit') : 'rfi.draft',
      objectType: 'rfi_response',
      objectId: vendorId,
      caseId: row.id,
      details: { vendorId, answered: Object.keys(input.answers).length },
    });
    await followCase(tx, row.id, vendorId, now);
    return rfiResponseView(saved, (await vendorFiles(tx, row.id, vendorId, 'rfi')).map(fileView));
  });
}

/** Every submitted answer, side by side, with price statistics per price question. */
export async function submittedRfiResponses(db: Db, row: CaseRow) {
  const rfi = await findRfi(db, row.id);
  const rows = await db
    .select({ response: rfiResponses, vendorName: vendors.name })
    .from(rfiResponses)
    .innerJoin(vendors, eq(vendors.id, rfiResponses.vendorId))
    .where(and(eq(rfiResponses.caseId, row.id), eq(rfiResponses.status, 'submitted')))
    .orderBy(asc(rfiResponses.submittedAt));
  const attachments = await caseFiles(db, row.id, 'rfi');
  const responses = rows.map(({ response, vendorName }) => ({
    vendorId: response.vendorId,
    vendorName,
    answers: response.answers,
    submittedAt: response.submittedAt!.toISOString(),
    files: attachments.filter((f) => f.vendorId === response.vendorId).map(fileView),
  }));
  const stats: Record<string, ReturnType<typeof priceStats>> = {};
  for (const question of rfi?.questions ?? []) {
    if (question.kind !== 'price') continue;
    const prices = responses.map((r) => r.answers[question.code]).filter((v): v is number => typeof v === 'number');
    stats[question.code] = priceStats(prices);
  }
  return { rfi, responses, priceStats: stats };
}
