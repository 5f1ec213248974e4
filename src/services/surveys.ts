import { and, asc, count, eq } from 'drizzle-orm';
import { z } from 'zod';
import { members, surveyResponses, surveys } from '../../schema/index.ts';
import { requireConsortiumRole } from '../auth/session.ts';
import { type Ctx, dbOf, nowOf } from '../context.ts';
import type { Db } from '../db/client.ts';
import { findMember } from '../db/tenancy.ts';
import { THRESHOLD_SCALE, answerProblems, intents, surveyResults } from '../domain/survey.ts';
import { AppError, forbidden, notFound } from '../errors.ts';
import { isUsableKey, unusableKeyMessage } from '../http/inputs.ts';
import { mutate } from '../http/mutate.ts';
import { newId } from '../ids.ts';

type SurveyRow = typeof surveys.$inferSelect;

const candidateCode = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_-]{1,40}$/, { message: '候補のコードは英数字・-・_ の40文字以内にしてください' })
  .refine(isUsableKey, { message: unusableKeyMessage });

export const surveyInput = z.strictObject({
  title: z.string().trim().min(1, { message: '調査名を入力してください' }).max(300),
  candidates: z
    .array(z.strictObject({ code: candidateCode, name: z.string().trim().min(1).max(200) }))
    .min(1, { message: '候補を1つ以上指定してください' })
    .max(100)
    .refine((list) => new Set(list.map((c) => c.code)).size === list.length, { message: '候補のコードが重複しています' }),
  points: z.array(z.number().int().min(0).max(1000)).min(1).max(100).default([2, 1]),
  threshold: z.number().min(0).max(1).default(0.25),
  closesAt: z.iso.datetime({ offset: true }).transform((v) => new Date(v)).nullable().optional(),
});

export const surveyPatch = z
  .strictObject({
    title: z.string().trim().min(1).max(300).optional(),
    closesAt: z.iso.datetime({ offset: true }).transform((v) => new Date(v)).nullable().optional(),
  })
  .refine((v) => Object.keys(v).length > 0, { message: '変更する項目を指定してください' });

export const responseInput = z.strictObject({
  ranking: z.array(z.string().max(40)).max(100).default([]),
  intents: z.record(z.string().max(40), z.enum(intents)).default({}),
});

export function surveyView(row: SurveyRow, now: Date) {
  return {
    id: row.id,
    title: row.title,
    candidates: row.candidates,
    points: row.points,
    threshold: row.thresholdMillionths / THRESHOLD_SCALE,
    closesAt: row.closesAt?.toISOString() ?? null,
    closed: isClosed(row, now),
    createdAt: row.createdAt.toISOString(),
  };
}

const isClosed = (row: SurveyRow, now: Date) => row.closesAt !== null && now.getTime() >= row.closesAt.getTime();

export async function loadSurvey(c: Ctx, id: string, ...roles: ('secretariat' | 'member')[]) {
  const user = requireConsortiumRole(c, ...roles);
  const [row] = await dbOf(c)
    .select()
    .from(surveys)
    .where(and(eq(surveys.consortiumId, user.consortiumId), eq(surveys.id, id)));
  if (!row) throw notFound('指定された調査が見つかりません。');
  return { user, row };
}

export async function listSurveys(c: Ctx) {
  const user = requireConsortiumRole(c, 'secretariat', 'member');
  return dbOf(c).select().from(surveys).where(eq(surveys.consortiumId, user.consortiumId)).orderBy(asc(surveys.createdAt));
}

export async function createSurvey(c: Ctx, input: z.output<typeof surveyInput>) {
  const me = requireConsortiumRole(c, 'secretariat');
  return mutate(c, async (tx, audit) => {
    const [row] = await tx
      .insert(surveys)
      .values({
        id: newId(),
        consortiumId: me.consortiumId,
        title: input.title,
        candidates: input.candidates,
        points: input.points,
        thresholdMillionths: Math.round(input.threshold * THRESHOLD_SCALE),
        closesAt: input.closesAt ?? null,
        createdAt: nowOf(c),
      })
      .returning();
    await audit({ action: 'survey.create', objectType: 'survey', objectId: row!.id, details: { title: row!.title, candidates: input.candidates.length } });
    return row!;
  });
}

export async function updateSurvey(c: Ctx, id: string, input: z.output<typeof surveyPatch>) {
  const { row } = await loadSurvey(c, id, 'secretariat');
  return mutate(c, async (tx, audit) => {
    const changes = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
    const [saved] = await tx.update(surveys).set(changes).where(eq(surveys.id, row.id)).returning();
    await audit({ action: 'survey.update', objectType: 'survey', objectId: row.id, details: { changed: Object.keys(changes), closesAt: input.closesAt?.toISOString() } });
    return saved!;
  });
}

/** A member answers only for itself (the secretariat for anyone), until the survey closes. */
export async function answerSurvey(c: Ctx, id: string, memberId: string, input: z.output<typeof responseInput>) {
  const { user, row } = await loadSurvey(c, id, 'secretariat', 'member');
  if (user.role === 'member' && user.memberId !== memberId) throw forbidden('他の団体の回答はできません。');
  const member = await findMember(dbOf(c), user.consortiumId, memberId);
  if (!member) throw notFound('指定された参加団体が見つかりません。');
  const now = nowOf(c);
  if (isClosed(row, now)) throw new AppError('survey_closed');
  const problems = answerProblems(
    { candidates: row.candidates, points: row.points, thresholdMillionths: row.thresholdMillionths },
    input,
  );
  if (problems.length > 0) throw new AppError('validation_error', problems[0], problems.map((message) => ({ path: 'ranking/intents', message })));
  return mutate(c, async (tx, audit) => {
    const values = { ranking: input.ranking, intents: input.intents, updatedAt: now, updatedBy: user.id };
    const [saved] = await tx
      .insert(surveyResponses)
      .values({ surveyId: row.id, memberId, ...values })
      .onConflictDoUpdate({ target: [surveyResponses.surveyId, surveyResponses.memberId], set: values })
      .returning();
    await audit({ action: 'survey.answer', objectType: 'survey_response', objectId: memberId, details: { surveyId: row.id, member: member.name, ...input } });
    return responseView(saved!, member.name);
  });
}

export function responseView(r: typeof surveyResponses.$inferSelect, memberName: string) {
  return { memberId: r.memberId, memberName, ranking: r.ranking, intents: r.intents, updatedAt: r.updatedAt.toISOString() };
}

export async function surveyResponsesOf(db: Db, row: SurveyRow) {
  return db
    .select({ response: surveyResponses, memberName: members.name })
    .from(surveyResponses)
    .innerJoin(members, eq(members.id, surveyResponses.memberId))
    .where(eq(surveyResponses.surveyId, row.id))
    .orderBy(asc(members.code), asc(members.name));
}

export async function resultsOf(db: Db, row: SurveyRow) {
  const [memberCount] = await db.select({ n: count() }).from(members).where(eq(members.consortiumId, row.consortiumId));
  const answers = await db.select().from(surveyResponses).where(eq(surveyResponses.surveyId, row.id));
  return surveyResults(
    { candidates: row.candidates, points: row.points, thresholdMillionths: row.thresholdMillionths },
    Number(memberCount!.n),
    answers.map((a) => ({ memberId: a.memberId, ranking: a.ranking, intents: a.intents })),
  );
}
