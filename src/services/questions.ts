import { and, asc, eq, inArray, isNotNull, max } from 'drizzle-orm';
import { z } from 'zod';
import { type QuestionRow, members, participants, questions, users, vendors } from '../../schema/index.ts';
import { type Ctx, type SessionUser, nowOf } from '../context.ts';
import { type CaseRow, lockCase } from '../db/cases.ts';
import type { Db } from '../db/client.ts';
import { type QuestionRefusal, applyAnswer, nextQuestionSeq, publishedWording, questionRefusal, questionStatus, toPublish } from '../domain/questions.ts';
import { AppError, forbidden, notFound } from '../errors.ts';
import { mutate } from '../http/mutate.ts';
import { newId } from '../ids.ts';
import { followCase } from './follows.ts';
import { notify } from './notify.ts';
import { assertQualified } from './qualification.ts';

export const questionInput = z.strictObject({
  text: z.string().trim().min(1, { message: '質問を入力してください' }).max(5000, { message: '質問は5000文字以内にしてください' }),
  section: z.string().trim().max(200, { message: '該当箇所は200文字以内にしてください' }).optional(),
});

export const questionAnswerInput = z.strictObject({
  answer: z.string().trim().min(1, { message: '回答を入力してください' }).max(10_000, { message: '回答は10000文字以内にしてください' }),
  publishedText: z.string().max(5000, { message: '公表用の質問文は5000文字以内にしてください' }).optional(),
});

const refusals: Record<QuestionRefusal, AppError> = {
  not_published: new AppError('conflict', 'この案件は現在、質問を受け付けていません。'),
  no_deadline: new AppError('not_yet', '質問受付期限が設定されていません。'),
  late: new AppError('deadline_passed', '質問受付期限を過ぎているため、質問を受け付けられません。'),
};

/** Whether the member body takes part in the case (a member user asks for its body only then). */
async function isParticipating(db: Db, caseId: string, memberId: string): Promise<boolean> {
  const [row] = await db
    .select({ participating: participants.participating })
    .from(participants)
    .where(and(eq(participants.caseId, caseId), eq(participants.memberId, memberId)));
  return row?.participating === true;
}

/**
 * An approved vendor, or a user of a member body taking part, asks a question while the case takes
 * them (published, before its 質問受付期限). A vendor's question makes it follow the case; the
 * secretariat is told.
 */
export async function askQuestion(c: Ctx, row: CaseRow, user: SessionUser, input: z.output<typeof questionInput>): Promise<QuestionRow> {
  const now = nowOf(c);
  return mutate(c, async (tx, audit) => {
    // held for update: the number is the next one and the state cannot move under the question
    const current = (await lockCase(tx, row.consortiumId, row.id)) ?? row;
    if (user.role === 'vendor' && user.vendorId) await assertQualified(tx, row.consortiumId, user.vendorId);
    else if (user.role === 'member' && user.memberId) {
      if (!(await isParticipating(tx, row.id, user.memberId))) throw forbidden('この案件に参加している団体の利用者のみ質問できます。');
    } else throw forbidden('質問は事業者または参加団体の利用者が提出します。');
    const refusal = questionRefusal(current.state, current.questionDeadline, now);
    if (refusal) throw refusals[refusal];
    const [{ last } = { last: null }] = await tx.select({ last: max(questions.seq) }).from(questions).where(eq(questions.caseId, row.id));
    const seq = nextQuestionSeq(last);
    const [saved] = await tx
      .insert(questions)
      .values({
        id: newId(),
        caseId: row.id,
        seq,
        askedBy: user.id,
        vendorId: user.role === 'vendor' ? user.vendorId : null,
        memberId: user.role === 'member' ? user.memberId : null,
        section: input.section ? input.section : null,
        text: input.text,
        createdAt: now,
      })
      .returning();
    await audit({ action: 'question.ask', objectType: 'question', objectId: saved!.id, caseId: row.id, details: { seq, vendorId: saved!.vendorId, memberId: saved!.memberId } });
    if (saved!.vendorId) await followCase(tx, row.id, saved!.vendorId, now);
    await notify(c.get('deps'), tx, { kind: 'question_received', caseId: row.id });
    return saved!;
  });
}

/**
 * The secretariat answers a question, and may word it for publication so that it does not tell who
 * asked. A published answer may be corrected: it is then withdrawn until it is published again.
 */
export async function answerQuestion(c: Ctx, row: CaseRow, questionId: string, input: z.output<typeof questionAnswerInput>): Promise<QuestionRow> {
  return mutate(c, async (tx, audit) => {
    const current = (await lockCase(tx, row.consortiumId, row.id)) ?? row;
    if (current.state === 'cancelled' || current.state === 'awarded') throw new AppError('conflict', 'この案件の質問には回答できません。');
    const [found] = await tx
      .select()
      .from(questions)
      .where(and(eq(questions.caseId, row.id), eq(questions.id, questionId)))
      .for('update');
    if (!found) throw notFound('指定された質問が見つかりません。');
    const next = applyAnswer(found, input);
    if (!next.changed) {
      await audit({ action: 'question.answer', objectType: 'question', objectId: found.id, caseId: row.id, details: { seq: found.seq, changed: false } });
      return found;
    }
    const [saved] = await tx
      .update(questions)
      .set({
        answer: next.answer,
        publishedText: next.publishedText,
        answeredAt: nowOf(c),
        answeredBy: c.get('user')!.id,
        ...(next.unpublish ? { publishedAt: null } : {}),
      })
      .where(eq(questions.id, found.id))
      .returning();
    await audit({
      action: 'question.answer',
      objectType: 'question',
      objectId: found.id,
      caseId: row.id,
      details: { seq: found.seq, changed: true, reworded: next.publishedText !== null, withdrawn: next.unpublish },
    });
    return saved!;
  });
}

/**
 * Publishes every answered question not (or no longer) published, in number order, and tells the
 * case's followers and the bodies taking part. The 質問回答書 is issued after this (by the route).
 */
export async function publishAnswers(c: Ctx, row: CaseRow): Promise<number> {
  const now = nowOf(c);
  return mutate(c, async (tx, audit) => {
    const current = (await lockCase(tx, row.consortiumId, row.id)) ?? row;
    if (current.state === 'cancelled' || current.state === 'awarded') throw new AppError('conflict', 'この案件の回答は公表できません。');
    const all = await tx.select().from(questions).where(eq(questions.caseId, row.id)).for('update');
    const publishing = toPublish(all);
    if (publishing.length === 0) throw new AppError('not_yet', '公表していない回答がありません。質問に回答してから公表してください。');
    await tx.update(questions).set({ publishedAt: now }).where(inArray(questions.id, publishing.map((q) => q.id)));
    await audit({ action: 'question.publish', objectType: 'case', objectId: row.id, caseId: row.id, details: { count: publishing.length, seqs: publishing.map((q) => q.seq) } });
    await notify(c.get('deps'), tx, { kind: 'answers_published', caseId: row.id, count: publishing.length });
    return publishing.length;
  });
}

/** A published question as everyone reads it: its number, 該当箇所, wording and answer; never who asked. */
function publishedQuestionView(q: QuestionRow) {
  return { no: q.seq, section: q.section, question: publishedWording(q), answer: q.answer!, publishedAt: q.publishedAt!.toISOString() };
}

/** The published questions and answers of a case, in number order (for vendors, members and the public). */
export async function publishedQuestions(db: Db, caseId: string) {
  const rows = await db
    .select()
    .from(questions)
    .where(and(eq(questions.caseId, caseId), isNotNull(questions.publishedAt)))
    .orderBy(asc(questions.seq));
  return rows.map(publishedQuestionView);
}

/** Every question of a case with who asked (the vendor or the body, and the person), oldest first: for the secretariat. */
export async function questionsWithAskers(db: Db, caseId: string) {
  const rows = await db
    .select({ question: questions, vendorName: vendors.name, memberName: members.name, askedByName: users.name })
    .from(questions)
    .innerJoin(users, eq(users.id, questions.askedBy))
    .leftJoin(vendors, eq(vendors.id, questions.vendorId))
    .leftJoin(members, eq(members.id, questions.memberId))
    .where(eq(questions.caseId, caseId))
    .orderBy(asc(questions.seq));
  return rows.map(({ question: q, vendorName, memberName, askedByName }) => ({
    id: q.id,
    no: q.seq,
    section: q.section,
    text: q.text,
    publishedText: q.publishedText,
    question: publishedWording(q),
    answer: q.answer,
    status: questionStatus(q),
    askedAt: q.createdAt.toISOString(),
    answeredAt: q.answeredAt?.toISOString() ?? null,
    publishedAt: q.publishedAt?.toISOString() ?? null,
    asker: q.vendorId ? { kind: 'vendor' as const, id: q.vendorId, name: vendorName ?? '' } : { kind: 'member' as const, id: q.memberId, name: memberName ?? '' },
    askedByName,
  }));
}

/**
 * A vendor's or a body's own questions not yet published, as it asked them: pending or answered (the
 * answer itself reaches everyone at once, when it is published). Nothing here names who asked.
 */
export async function ownUnpublishedQuestions(db: Db, caseId: string, user: SessionUser) {
  const own = user.role === 'vendor' && user.vendorId ? eq(questions.vendorId, user.vendorId) : user.role === 'member' && user.memberId ? eq(questions.memberId, user.memberId) : undefined;
  if (!own) return [];
  const rows = await db.select().from(questions).where(and(eq(questions.caseId, caseId), own)).orderBy(asc(questions.seq));
  return rows
    .filter((q) => q.publishedAt === null)
    .map((q) => ({ id: q.id, no: q.seq, section: q.section, question: q.text, mine: true as const, status: questionStatus(q) as 'pending' | 'answered', askedAt: q.createdAt.toISOString() }));
}

/**
 * GET /api/cases/:id/questions: every question with who asked for the secretariat; for anyone else the
 * published ones, then the caller's own not yet published (marked mine).
 */
export async function questionsFor(db: Db, row: CaseRow, user: SessionUser) {
  const questionDeadline = row.questionDeadline?.toISOString() ?? null;
  if (user.role === 'secretariat') return { questionDeadline, questions: await questionsWithAskers(db, row.id) };
  return { questionDeadline, questions: [...(await publishedQuestions(db, row.id)), ...(await ownUnpublishedQuestions(db, row.id, user))] };
}

/** Whether a 質問回答書 can be drawn: some question has been answered. */
export async function hasAnsweredQuestions(db: Db, caseId: string): Promise<boolean> {
  const [one] = await db.select({ id: questions.id }).from(questions).where(and(eq(questions.caseId, caseId), isNotNull(questions.answer))).limit(1);
  return one !== undefined;
}

/** Every answered question, published or waiting to be, for the 質問回答書 (its builder decides what is final). */
export async function answeredQuestions(db: Db, caseId: string): Promise<QuestionRow[]> {
  return db
    .select()
    .from(questions)
    .where(and(eq(questions.caseId, caseId), isNotNull(questions.answer)))
    .orderBy(asc(questions.seq));
}
